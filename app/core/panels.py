"""Extension points of the generated register pages, for packages app.core must not import.

- a *show panel* adds a block under a row's show page (the row's open dues, …):
  ``fn(register, row_id) -> Markup | None``;
- a *row mark* flags rows of a list page (overdue, due soon …): ``fn(register, row_ids) ->
  {row_id: RowMark}``, called once per list page with the page's ids, so it can answer with one
  query however many rows the page shows.

Packages register their callables when their views are set up; ScopedModelView calls them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup

from .registry import Register


@dataclass(frozen=True)
class RowMark:
    kind: str  # a token for scripts and tests (data-mark), e.g. "overdue"
    css: str  # the row's Bootstrap context class: "danger", "warning" …
    label: str  # the badge text
    title: str = ""  # the badge's tooltip


ShowPanel = Callable[[Register, int], "Markup | str | None"]
RowMarks = Callable[[Register, Sequence[int]], "dict[int, RowMark]"]

_SHOW_PANELS: list[ShowPanel] = []
_ROW_MARKS: list[RowMarks] = []


def add_show_panel(fn: ShowPanel) -> ShowPanel:
    if fn not in _SHOW_PANELS:  # a second app in the same process registers again
        _SHOW_PANELS.append(fn)
    return fn


def add_row_marks(fn: RowMarks) -> RowMarks:
    if fn not in _ROW_MARKS:
        _ROW_MARKS.append(fn)
    return fn


def show_panels(reg: Register, row_id: int) -> list[Markup]:
    """The extra blocks of one row's show page (the caller has checked the row is readable)."""
    out = []
    for fn in _SHOW_PANELS:
        html = fn(reg, row_id)
        if html:
            out.append(Markup(html))
    return out


def row_marks(reg: Register, row_ids: Sequence) -> dict[int, list[RowMark]]:
    """Marks per row id of one list page (rows the caller has already read in scope)."""
    ids = [i for i in row_ids if isinstance(i, int)]
    out: dict[int, list[RowMark]] = {}
    if not ids:
        return out
    for fn in _ROW_MARKS:
        for row_id, mark in (fn(reg, ids) or {}).items():
            out.setdefault(row_id, []).append(mark)
    return out
