"""Helpers for driving every register generically: read a page's form as a browser would submit it,
find or make a row per register, two independent logged-in sessions."""

from __future__ import annotations

from html.parser import HTMLParser

import sqlalchemy as sa

from app.core import registry
from app.core.enums import EnumSet
from app.extensions import db
from tests.conftest import Client


class _FormParser(HTMLParser):
    def __init__(self, form_id: str | None):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.in_form = False
        self.depth = 0
        self.fields: list[tuple[str, str]] = []
        self._select: str | None = None
        self._select_multiple = False
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            if (
                not self.in_form
                and (self.form_id is None or a.get("id") == self.form_id)
                and a.get("method", "get").lower() == "post"
                and not self.fields
            ):
                self.in_form = True
            return
        if not self.in_form:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.fields.append((name, a.get("value") or "y"))
                return
            self.fields.append((name, a.get("value") or ""))
        elif tag == "select" and name:
            self._select, self._select_multiple, self._options = name, "multiple" in a, []
        elif tag == "option" and self._select:
            self._options.append((a.get("value") or "", "selected" in a))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form" and self.in_form:
            self.in_form = False
            self.form_id = "__done__"
        elif tag == "select" and self._select:
            chosen = [v for v, sel in self._options if sel]
            if not chosen and not self._select_multiple and self._options:
                chosen = [self._options[0][0]]
            self.fields += [(self._select, v) for v in chosen]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, _strip_first_newline(self._text)))
            self._textarea = None


def _strip_first_newline(value: str) -> str:
    # as a browser: one newline right after <textarea> is not part of the value
    for nl in ("\r\n", "\n", "\r"):
        if value.startswith(nl):
            return value[len(nl) :]
    return value


def form_fields(html: str, form_id: str | None = "model_form") -> list[tuple[str, str]]:
    """The (name, value) pairs a browser would submit from the page's form."""
    p = _FormParser(form_id)
    p.feed(html)
    if not p.fields and form_id is not None:
        return form_fields(html, None)
    return p.fields


def with_values(fields, **values) -> dict:
    """A form payload (werkzeug MultiDict-like dict of lists) with some fields replaced."""
    out: dict[str, list[str]] = {}
    for k, v in fields:
        out.setdefault(k, []).append(v)
    for k, v in values.items():
        out[k] = [v]
    return out


def editable_registers() -> list[registry.Register]:
    return [
        r
        for r in registry.all_registers()
        if r.views and r.writable and (r.form_columns is None or len(r.form_columns) > 0)
    ]


def text_column(reg: registry.Register) -> str | None:
    """A free-text column of the register's form (remarks where there is one)."""
    from app.core.interface import ScopedInterface
    from app.core.views import _columns

    form = _columns(reg, ScopedInterface(reg.model))[0]
    if "remarks" in form:
        return "remarks"
    for col in form:
        c = reg.model.__table__.c.get(col)
        if (
            c is not None
            and isinstance(c.type, sa.String)
            and not isinstance(c.type, (sa.Enum, EnumSet))
            and col not in reg.pii
        ):
            return col
    return None


#: what a user must fill in when editing a row of these registers (rows opened empty by a command)
FILLED_ON_EDIT = {"monthly_check": {"progress_note": "清单事项按计划推进"}}


def live_row(reg: registry.Register):
    """The newest live row that the register's own rules accept as it stands (demo rows that a rule
    added later would refuse are not what a lost-update or round-trip test is about)."""
    from app.core import writes
    from app.core.rules import RuleViolation

    model = reg.model
    ids = (
        db.session.execute(sa.select(model.id).where(model.is_deleted.is_(False)).order_by(model.id.desc()).limit(20))
        .scalars()
        .all()
    )
    for row_id in ids:
        row = db.session.get(model, row_id)
        for col, value in FILLED_ON_EDIT.get(reg.key, {}).items():
            setattr(row, col, value)
        try:
            with db.session.no_autoflush:
                writes.run_rules(reg, row)
        except RuleViolation:
            continue
        finally:
            db.session.rollback()
        return db.session.get(model, row_id)
    return None


def second_session(app, username: str) -> Client:
    """A second, independent logged-in browser session of the same user."""
    return Client(app, username)


def problems(html: str) -> list[str]:
    """The field errors and flashed messages a page shows (for assertion messages)."""
    import re

    errs = [m.strip() for m in re.findall(r'<span class="help-block">(.*?)</span>', html, re.S) if m.strip()]
    alerts = [
        re.sub(r"<[^>]+>|\s+", " ", m).strip()
        for m in re.findall(r'<div class="alert[^"]*"[^>]*>(.*?)</div>', html, re.S)
    ]
    labels = re.findall(
        r'<label for="(\w+)"[^>]*>\s*([^<]*?)\s*</label>\s*</td>\s*<td>.*?<span class="help-block">(.+?)</span>',
        html,
        re.S,
    )
    return errs + alerts + [f"{a}:{c.strip()}" for a, _b, c in labels]
