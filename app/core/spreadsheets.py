"""xlsx export: a register's list (same filters, order and scope as the page), and a small
API other pages reuse for report-shaped exports (rows + column specs → streamed xlsx).

    from app.core.spreadsheets import Col, xlsx_response
    return xlsx_response("月末公示", [Col("社区"), Col("超期数", "int"), Col("金额", "money")], rows)

Writing uses xlsxwriter's constant_memory mode into a temporary file (memory stays flat
however many rows), and the response is a generator: the status line and headers go out
at once, the file follows when written (figures in docs/sheets.md, script bench/export_200k.py).
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import sqlalchemy as sa
import xlsxwriter
from flask import Response, request, stream_with_context
from flask_appbuilder.urltools import get_filter_args, get_order_args, get_page_args, get_page_size_args
from flask_babel import gettext as _

from . import clock, pii
from .enums import EnumSet

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KINDS = ("text", "int", "number", "money", "date", "datetime", "time", "bool")
_WIDTH = {"int": 10, "number": 12, "money": 14, "date": 12, "datetime": 17, "time": 8, "bool": 8}
_FORMAT = {
    "int": "0",
    "number": "#,##0.##",
    "money": '"¥"#,##0.00',
    "date": "yyyy-mm-dd",
    "datetime": "yyyy-mm-dd hh:mm",
    "time": "hh:mm",
}
CHUNK = 64 * 1024


@dataclass
class Col:
    """One column of an export: header, kind (see KINDS), optional width and value getter.

    Without `get`, rows are sequences and column i takes row[i]."""

    header: Any
    kind: str = "text"
    width: float | None = None
    get: Callable[[Any], Any] | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind}")


def column_kind(model, column: str) -> str:
    """The export kind of a model column (text for relations and anything unknown)."""
    c = model.__table__.c.get(column)
    if c is None:
        return "text"
    t = c.type
    if isinstance(t, (EnumSet, sa.Enum)):
        return "text"
    if isinstance(t, sa.Boolean):
        return "bool"
    if isinstance(t, sa.DateTime):
        return "datetime"
    if isinstance(t, sa.Date):
        return "date"
    if isinstance(t, sa.Time):
        return "time"
    if isinstance(t, sa.Integer):
        return "int"
    if isinstance(t, sa.Float):
        return "number"
    if isinstance(t, sa.Numeric):
        return "money"
    return "text"


def _text_width(model, column: str) -> float:
    c = model.__table__.c.get(column) if model is not None else None
    length = getattr(getattr(c, "type", None), "length", None)
    if isinstance(getattr(c, "type", None), sa.Text):
        return 40
    if length:
        return min(max(length / 4, 12), 40)
    return 16


def _header_width(header: str) -> float:
    # CJK characters take two columns
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in header) + 3


def cell_value(value, kind: str = "text"):
    """A Python value as what xlsxwriter should write for `kind`."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.astimezone(clock._tz).replace(tzinfo=None)
    if kind == "bool":
        return _("Yes") if value else _("No")
    if kind in ("date", "datetime", "time") and isinstance(value, (dt.date, dt.time)):
        if kind == "datetime" and type(value) is dt.date:
            value = dt.datetime.combine(value, dt.time())
        return value
    if (
        kind in ("money", "number", "int")
        and isinstance(value, (int, float, decimal.Decimal))
        and not isinstance(value, bool)
    ):
        return float(value) if isinstance(value, decimal.Decimal) else value
    if isinstance(value, enum.Enum):
        return getattr(value, "label", value.name)
    return str(value)


def _cell_writer(sheet, kind: str, fmt):
    """write(row, col, value) for one column: the common types go straight to xlsxwriter,
    anything else through cell_value() (labels of enums are looked up once per value)."""
    write_string, write_number, write_datetime = sheet.write_string, sheet.write_number, sheet.write_datetime
    memo: dict = {}

    def generic(r, i, value):
        value = cell_value(value, kind)
        if value is None:
            return
        if isinstance(value, (dt.date, dt.time)):
            write_datetime(r, i, value, fmt)
        elif isinstance(value, str):
            write_string(r, i, value)
        else:
            write_number(r, i, value, fmt)

    if kind == "text":

        def text(r, i, value):
            if type(value) is str:
                if value:
                    write_string(r, i, value)
            elif value is not None:
                try:
                    shown = memo[value]
                except (KeyError, TypeError):
                    shown = cell_value(value, kind)
                    try:
                        memo[value] = shown
                    except TypeError:
                        pass
                if shown:
                    write_string(r, i, shown)

        return text
    if kind == "datetime":

        def datetime_(r, i, value):
            if type(value) is dt.datetime and value.tzinfo is None:
                write_datetime(r, i, value, fmt)
            elif value is not None:
                generic(r, i, value)

        return datetime_
    if kind in ("int", "number"):

        def number(r, i, value):
            if type(value) in (int, float):
                write_number(r, i, value, fmt)
            elif value is not None:
                generic(r, i, value)

        return number
    return generic


def _write_book(path, sheet_name: str, columns: Sequence[Col], rows: Iterable) -> int:
    """Write `rows` under `columns` as one sheet into `path` (a file name or a binary stream)."""
    book = xlsxwriter.Workbook(
        path,
        {
            "constant_memory": True,
            "remove_timezone": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    try:
        sheet = book.add_worksheet(sheet_name[:31] or "Sheet1")
        header_fmt = book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
        formats = {k: book.add_format({"num_format": f}) for k, f in _FORMAT.items()}
        headers = [str(c.header) for c in columns]
        for i, col in enumerate(columns):
            width = col.width or max(_WIDTH.get(col.kind, 16), _header_width(headers[i]))
            sheet.set_column(i, i, width, formats.get(col.kind))
        sheet.write_row(0, 0, headers, header_fmt)
        sheet.freeze_panes(1, 0)
        plan = [
            (i, c.get or (lambda row, i=i: row[i]), _cell_writer(sheet, c.kind, formats.get(c.kind)))
            for i, c in enumerate(columns)
        ]
        r = 0
        for r, row in enumerate(rows, start=1):
            for i, get, write in plan:
                write(r, i, get(row))
        sheet.autofilter(0, 0, max(r, 1), max(len(columns) - 1, 0))
    finally:
        book.close()
    return r


def content_disposition(filename: str) -> str:
    """attachment; with an ASCII fallback and the UTF-8 name per RFC 5987/6266."""
    ascii_name = filename.encode("ascii", "ignore").decode() or "export.xlsx"
    ascii_name = ascii_name.replace('"', "").replace("\\", "")
    if ascii_name.startswith("_"):
        ascii_name = "export" + ascii_name
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def export_filename(stem) -> str:
    return f"{stem}_{clock.today():%Y%m%d}.xlsx"


def xlsx_response(
    stem, columns: Sequence[Col], rows: Iterable | Callable[[], Iterable], sheet_name: str | None = None
) -> Response:
    """Rows + column specs → a streamed xlsx download named `<stem>_<date>.xlsx`.

    `rows` may be a callable returning the iterable: it then runs inside the response
    (after the headers are sent) in the same request and app context."""
    name = export_filename(stem)

    def generate():
        yield b""  # the headers go out now; the body follows when the file is written
        fd, path = tempfile.mkstemp(suffix=".xlsx")
        os.close(fd)
        try:
            _write_book(path, sheet_name or str(stem), columns, rows() if callable(rows) else rows)
            with open(path, "rb") as fh:
                while chunk := fh.read(CHUNK):
                    yield chunk
        finally:
            os.unlink(path)

    return Response(
        stream_with_context(generate()),
        mimetype=XLSX_MIMETYPE,
        headers={
            "Content-Disposition": content_disposition(name),
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


def _attr(reg, item, column: str, clear: bool | None):
    """A list column's value: masked personal data, dotted paths, model methods (as FAB lists them)."""
    value = pii.value(reg, item, column, clear) if "." not in column else pii.value_at(item, column)
    return value() if callable(value) else value


def register_columns(view, columns: Sequence[str]) -> list[Col]:
    """Col specs for a register view's columns: its labels, kinds from the model, pii masking."""
    reg = view.register
    clear = None if pii.per_row(reg) else pii.sees_clear(reg)  # None: decided per row
    model = reg.model
    out = []
    for col in columns:
        kind = column_kind(model, col)
        if col in reg.pii:
            kind = "text"
        width = None
        if kind == "text":
            width = max(_text_width(model, col), _header_width(str(reg.label(col))))
        out.append(Col(reg.label(col), kind, width, get=lambda item, col=col: _attr(reg, item, col, clear)))
    return out


def _plain_export(view, columns: Sequence[str]):
    """(select columns, Col specs) reading plain table columns and many-to-one labels straight
    from SQL rows, or None when a column needs the ORM object (properties, dotted paths, per-row
    personal-data rules)."""
    reg = view.register
    model = reg.model
    datamodel = view.datamodel
    if pii.per_row(reg) or pii.AUDIT_DIFF in reg.pii.values():
        return None
    clear = pii.sees_clear(reg)
    table = model.__table__
    selected, specs = [], []
    for col in columns:
        label = reg.label(col)
        if col in table.c:
            kind = "text" if col in reg.pii else column_kind(model, col)
            getter = _column_getter(len(selected), reg.pii.get(col) if col in reg.pii and not clear else None)
            width = max(_text_width(model, col), _header_width(str(label))) if kind == "text" else None
            selected.append(table.c[col])
        elif "." not in col and datamodel.is_relation_many_to_one(col):
            prop = getattr(model, col).property
            local = list(prop.local_columns)
            if len(local) != 1:
                return None
            kind, width = "text", max(16, _header_width(str(label)))
            getter = _RelatedLabels(prop.mapper.class_, len(selected))
            selected.append(local[0])
        else:
            return None
        specs.append(Col(label, kind, width, get=getter))
    return selected, specs


def _column_getter(index: int, mask_kind: str | None):
    if mask_kind is None:
        return lambda row: row[index]
    return lambda row: pii.mask(row[index], mask_kind)


class _RelatedLabels:
    """A many-to-one column's label (str of the related row), loaded in batches of ids and kept."""

    BATCH = 2000

    def __init__(self, model, index: int):
        self.model, self.index, self.labels = model, index, {}
        self.pending: list = []

    def __call__(self, row):
        key = row[self.index]
        if key is None:
            return None
        try:
            return self.labels[key]
        except KeyError:
            from app.extensions import db

            objs = db.session.query(self.model).filter(self.model.id == key).all()
            self.labels[key] = str(objs[0]) if objs else None
            return self.labels[key]

    def preload(self, keys) -> None:
        from app.extensions import db

        missing = sorted({k for k in keys if k is not None and k not in self.labels})
        for start in range(0, len(missing), self.BATCH):
            chunk = missing[start : start + self.BATCH]
            for obj in db.session.query(self.model).filter(self.model.id.in_(chunk)):
                self.labels[obj.id] = str(obj)
            for k in chunk:
                self.labels.setdefault(k, None)


def _batched(rows, specs, size: int = 2000):
    """Rows as they stream, with each related column's labels loaded once per batch of rows."""
    related = [c.get for c in specs if isinstance(c.get, _RelatedLabels)]
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            for rel in related:
                rel.preload(r[rel.index] for r in batch)
            yield from batch
            batch = []
    for rel in related:
        rel.preload(r[rel.index] for r in batch)
    yield from batch


def register_export(view):
    """(stem, Col specs, rows callable) of the list the user is looking at (request args: search,
    filters, sort, ?pages=current) — the one place that turns a register's list into sheet rows.
    ``write_register_xlsx`` writes it to a file or stream; ``export_response`` streams it."""
    datamodel = view.datamodel
    # fresh Filters per request: FAB's view-level self._filters is shared between threads
    filters = datamodel.get_filters(pii.searchable(datamodel.obj, view.search_columns))
    get_filter_args(filters)
    order_column, order_direction = get_order_args().get(view.__class__.__name__, view.base_order or ("", ""))
    page = page_size = None
    if request.args.get("pages") == "current":
        page = get_page_args().get(view.__class__.__name__, 0)
        page_size = get_page_size_args().get(view.__class__.__name__, view.page_size)
    reg = view.register
    columns = list(view.list_columns)
    if "id" not in columns and reg.writable:
        if hasattr(reg.model, "version") and "version" not in columns:
            columns.append("version")  # the version it was read at: an import cannot overwrite a newer change
        columns.append("id")  # the key an edited export is imported back by (last column)
    query = datamodel.session.query(datamodel.obj)
    plain = _plain_export(view, columns)
    if plain is not None:
        # SQL rows, not ORM objects: scope, filters and order as the page, related labels by id
        selected, specs = plain
        query = datamodel._apply_inner_all(
            query, filters, order_column, order_direction, page=page, page_size=page_size, aliases_mapping={}
        )
        statement = query.with_entities(*selected).statement.execution_options(yield_per=2000)

        def rows():
            from app.extensions import db

            return _batched(db.session.execute(statement), specs)

        return reg.name, specs, rows
    query = datamodel.apply_all(query, filters, order_column, order_direction, page=page, page_size=page_size)
    specs = register_columns(view, columns)
    # 2.0-style execution: the legacy Query forces unique(), which yield_per refuses
    statement = query.statement.execution_options(yield_per=2000)

    def orm_rows():
        from app.extensions import db

        return db.session.execute(statement).scalars()

    return reg.name, specs, orm_rows


def write_register_xlsx(view, target) -> int:
    """Write the register list of the current request (see register_export) into `target`, a file
    name or a binary stream; returns the number of rows. A background job can call this inside
    ``app.test_request_context(query_string=…)`` with the user logged in."""
    stem, specs, rows = register_export(view)
    return _write_book(target, str(stem), specs, rows())


def export_response(view) -> Response:
    """The list the user is looking at, as xlsx: search, filters, sort and data scope; all pages,
    or only the current one with ?pages=current."""
    stem, specs, rows = register_export(view)
    return xlsx_response(stem, specs, rows)
