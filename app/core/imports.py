"""xlsx import for every register: a template, an upload that is parsed and validated in
full, a preview, and an all-or-nothing write on confirmation.

Generic over the registry: the importable columns are the register's form columns (plus
`id`); headers are their Chinese labels. Values are typed by the model column (enum by label
or key, relations by display name inside the user's scope, org units among those the user
may write to). Rows are matched for update by `id`, else by `Register.extra["natural_key"]`
(a tuple of columns), else created. Every row goes through the register's rules
(writes.run_rules) and the write scope is confirmed by the database after flush, as in
writes.save(); the whole file is one transaction with one audit_log "import" row besides the
per-row insert/update entries of the session event.

Between preview and confirmation the upload is kept as a file in the instance folder,
keyed by a random token bound to the user and the register (works with several workers).
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import json
import os
import secrets
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
import sqlalchemy as sa
import xlsxwriter
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db

from . import clock, pii, scope, values, writes
from .context import client_ip, current_user_id
from .enums import EnumSet
from .registry import Register
from .rules import RuleViolation

DEFAULT_MAX_ROWS = 10_000
MAX_BYTES = 20 * 1024 * 1024
TOKEN_TTL = 3600  # seconds a preview stays confirmable
LIST_SEPARATORS = ("、", ",", "，", ";", "；")
_TRUE = {"是", "yes", "y", "true", "1", "√", "是的"}
_FALSE = {"否", "no", "n", "false", "0", "×"}


class ImportRefused(Exception):
    """The file as a whole cannot be imported (the message says why); nothing was changed."""


@dataclass
class Field:
    name: str  # column or relation name on the model
    label: str
    kind: str  # text int number money bool date datetime time enum enumset m2o m2m id
    required: bool = False
    enum_cls: Any = None
    related: Any = None  # related model for m2o/m2m
    max_length: int | None = None
    value_kind: str | None = None  # values.ID_NO / PHONE / MONEY: checked as in the form and the API


@dataclass
class Problem:
    row: int  # sheet row (1 = header)
    column: str  # Chinese header, or "" for the row as a whole
    message: str


@dataclass
class Outcome:
    creates: list = field(default_factory=list)  # (sheet row, summary)
    updates: list = field(default_factory=list)  # (sheet row, id, [(label, old, new)])
    unchanged: int = 0
    errors: list[Problem] = field(default_factory=list)
    ignored_headers: list[str] = field(default_factory=list)
    written: bool = False


def max_rows() -> int:
    return int(current_app.config.get("IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


# --- the columns of a register's import ---------------------------------------------------


def form_columns(reg: Register) -> list[str]:
    from .interface import ScopedInterface
    from .views import _columns

    return [c for c in _columns(reg, ScopedInterface(reg.model))[0]]


def fields(reg: Register) -> list[Field]:
    """The importable fields, in form order."""
    mapper = sa.inspect(reg.model)
    out = []
    for name in form_columns(reg):
        label = str(reg.label(name))
        if name in mapper.relationships:
            rel = mapper.relationships[name]
            if rel.uselist:
                if rel.secondary is None:
                    continue  # one-to-many children are not edited from a sheet
                out.append(Field(name, label, "m2m", related=rel.mapper.class_))
            else:
                required = any(not c.nullable for c in rel.local_columns)
                out.append(Field(name, label, "m2o", required, related=rel.mapper.class_))
            continue
        column = reg.model.__table__.c.get(name)
        if column is None:
            continue
        required = not column.nullable and column.default is None and column.server_default is None
        t = column.type
        if isinstance(t, EnumSet):
            out.append(Field(name, label, "enumset", False, t.enum_cls))
        elif isinstance(t, sa.Enum) and t.enum_class is not None:
            out.append(Field(name, label, "enum", required, t.enum_class))
        else:
            from .spreadsheets import column_kind

            out.append(
                Field(
                    name,
                    label,
                    column_kind(reg.model, name),
                    required,
                    max_length=getattr(t, "length", None) if isinstance(t, sa.String) else None,
                    value_kind=values.kind_of(column),
                )
            )
    return out


def id_field(reg: Register) -> Field:
    return Field("id", str(reg.label("id")), "id")


def version_field(reg: Register) -> Field | None:
    """The row version an export carries: an edited export cannot overwrite a newer change."""
    return Field("version", str(reg.label("version")), "version") if hasattr(reg.model, "version") else None


# --- template ------------------------------------------------------------------------------


class _Lookup:
    """Display name → rows of a related model, inside the user's read (or org write) scope."""

    def __init__(self, reg: Register, f: Field):
        model = f.related
        query = sa.select(model)
        if hasattr(model, "is_deleted"):
            query = query.where(model.is_deleted.is_(False))
        from . import registry

        related_reg = registry.for_model(model)
        if related_reg is not None:
            cond = scope.clause(related_reg, scope.principal(), "read")
            if cond is not None:
                query = query.where(cond)
        if f.name == "org_unit":
            ids = scope.writable_org_ids(reg, scope.principal())
            if ids is not None:
                query = query.where(model.id.in_(sorted(ids)) if ids else sa.false())
        self.by_name: dict[str, list] = {}
        for obj in db.session.execute(query).scalars():
            for name in {str(obj), getattr(obj, "username", None)} - {None, ""}:
                self.by_name.setdefault(name.strip(), []).append(obj)

    def names(self) -> list[str]:
        return sorted(n for n, objs in self.by_name.items() if len(objs) == 1)

    def find(self, name: str):
        objs = self.by_name.get(name.strip(), [])
        unique = {o.id: o for o in objs}
        if len(unique) == 1:
            return next(iter(unique.values())), None
        if not unique:
            return None, _("No record named %(name)s that you may use.", name=name)
        return None, _("The name %(name)s is ambiguous.", name=name)


def _choices(reg: Register, f: Field, lookups: dict) -> list[str] | None:
    if f.kind in ("enum", "enumset"):
        return [m.label for m in f.enum_cls]
    if f.kind == "bool":
        return [_("Yes"), _("No")]
    if f.kind == "m2o":
        if f.name not in lookups:
            lookups[f.name] = _Lookup(reg, f)
        return lookups[f.name].names()[:2000]
    return None


def write_template(reg: Register, path: str) -> None:
    """The register's import template: form headers, drop-downs for enums, org units the user
    may write to and other references, date formats, required columns marked."""
    from .spreadsheets import _FORMAT, _header_width

    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet(str(reg.name)[:31])
    lists = book.add_worksheet("_lists")
    head = book.add_format({"bold": True, "bg_color": "#F2F2F2", "border": 1})
    head_req = book.add_format({"bold": True, "bg_color": "#FCE4D6", "border": 1})
    formats = {k: book.add_format({"num_format": v}) for k, v in _FORMAT.items()}
    text_fmt = book.add_format({"num_format": "@"})
    lookups: dict = {}
    last = max_rows()
    for i, f in enumerate(fields(reg)):
        fmt = formats.get(f.kind) or (text_fmt if f.kind == "text" else None)
        sheet.set_column(i, i, max(_header_width(f.label), 14 if f.kind != "datetime" else 17), fmt)
        sheet.write_string(0, i, f.label, head_req if f.required else head)
        if f.required:
            sheet.write_comment(0, i, _("Required"))
        options = _choices(reg, f, lookups)
        if options is not None:
            if not options:
                continue
            lists.write_column(0, i, options)
            col = xlsxwriter.utility.xl_col_to_name(i)
            rule = {
                "validate": "list",
                "source": f"=_lists!${col}$1:${col}${len(options)}",
                "error_title": f.label,
                "error_message": _("Choose a value from the list."),
            }
            if f.kind == "enumset":
                rule["error_type"] = "information"  # several values joined by 、
            sheet.data_validation(1, i, last, i, rule)
        elif f.kind in ("date", "datetime"):
            sheet.data_validation(
                1,
                i,
                last,
                i,
                {
                    "validate": "date",
                    "criteria": ">",
                    "value": dt.date(1900, 1, 2),
                    "error_message": _("Enter a date, not text."),
                },
            )
    sheet.freeze_panes(1, 0)
    lists.hide()
    book.close()


# --- reading a file ------------------------------------------------------------------------


def _refuse(message) -> None:
    raise ImportRefused(str(message))


def open_sheet(path: str):
    """The first worksheet, after the whole-file checks (type, size, merged cells)."""
    if os.path.getsize(path) > MAX_BYTES:
        _refuse(_("The file is larger than %(mb)s MB.", mb=MAX_BYTES // (1024 * 1024)))
    if not zipfile.is_zipfile(path):
        _refuse(_("This is not an Excel workbook (.xlsx). Save the sheet as .xlsx and upload it again."))
    limit = max_rows()
    try:
        # a streaming pass first: count the rows without loading a huge file
        ro = openpyxl.load_workbook(path, read_only=True, data_only=False)
        try:
            count = sum(
                1 for row in ro.worksheets[0].iter_rows(values_only=True) if any(v not in (None, "") for v in row)
            )
        finally:
            ro.close()
        if count - 1 > limit:
            _refuse(
                _("The sheet has %(n)s data rows; at most %(max)s can be imported at once.", n=count - 1, max=limit)
            )
        book = openpyxl.load_workbook(path, data_only=False)
    except ImportRefused:
        raise
    except Exception:  # openpyxl raises many kinds on a damaged or foreign file
        _refuse(_("This is not an Excel workbook (.xlsx). Save the sheet as .xlsx and upload it again."))
    sheet = book.worksheets[0]
    if sheet.merged_cells.ranges:
        _refuse(
            _(
                "The sheet has merged cells (%(cells)s). Unmerge them: every row must be one record.",
                cells=", ".join(str(r) for r in list(sheet.merged_cells.ranges)[:5]),
            )
        )
    return sheet


def _header_map(reg: Register, header: list) -> tuple[dict[int, Field], list[str]]:
    by_label: dict[str, Field] = {}
    for f in [id_field(reg), version_field(reg), *fields(reg)]:
        if f is None:
            continue
        by_label[f.label] = f
        by_label.setdefault(f.name, f)
    readonly = {
        str(reg.label(c))
        for c in (
            "created_by",
            "created_at",
            "updated_by",
            "updated_at",
            "version",
            *reg.list_columns,
            *(reg.show_columns or ()),
        )
    }
    mapping: dict[int, Field] = {}
    unknown, ignored, seen = [], [], set()
    for i, h in enumerate(header):
        if h is None or str(h).strip() == "":
            continue
        h = str(h).strip()
        if h in seen:
            _refuse(_("The column %(col)s appears twice.", col=h))
        seen.add(h)
        if h in by_label:
            mapping[i] = by_label[h]
        elif h in readonly:
            ignored.append(h)
        else:
            unknown.append(h)
    if unknown:
        _refuse(
            _(
                "Unknown columns: %(cols)s. Use the headers of the template (download it from the list page).",
                cols="、".join(unknown),
            )
        )
    if not any(f.kind not in ("id", "version") for f in mapping.values()):
        _refuse(_("No importable column found in the first row. Use the headers of the template."))
    return mapping, ignored


def read_rows(reg: Register, sheet) -> tuple[dict[int, Field], list[str], list[tuple[int, dict]]]:
    """(columns, ignored headers, [(sheet row, {field name: raw cell})]); refuses formulas."""
    rows = sheet.iter_rows()
    header_cells = next(rows, None)
    if header_cells is None or all(c.value in (None, "") for c in header_cells):
        _refuse(_("The file is empty."))
    mapping, ignored = _header_map(reg, [c.value for c in header_cells])
    out, formulas = [], []
    for cells in rows:
        values = {}
        for i, f in mapping.items():
            if i >= len(cells):
                continue
            cell = cells[i]
            if cell.data_type == "f":
                formulas.append(cell.coordinate)
            values[f.name] = cell.value
        if any(v not in (None, "") and not (isinstance(v, str) and not v.strip()) for v in values.values()):
            out.append((cells[0].row, values))
    if formulas:
        _refuse(
            _(
                "The sheet contains formulas (%(cells)s). Paste the values instead (Paste special → Values).",
                cells=", ".join(formulas[:5]),
            )
        )
    if not out:
        _refuse(_("The file is empty."))
    return mapping, ignored, out


# --- typing one cell -----------------------------------------------------------------------


class _Bad(Exception):
    pass


def _text(v) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, dt.datetime):
        return v.isoformat(sep=" ", timespec="minutes")
    return str(v).strip()


def _enum(cls, text: str):
    t = text.strip()
    for m in cls:
        if t == m.label or t == m.name or t.lower() == m.name.lower():
            return m
    raise _Bad(_("%(value)s is not one of: %(choices)s.", value=t, choices="、".join(m.label for m in cls)))


def convert(f: Field, raw, lookup: _Lookup | None = None):
    """The cell as the model's value, or _Bad with the reason."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if f.kind == "m2m" or f.kind == "enumset":
            return []
        return None
    k = f.kind
    if k == "text":
        text = _text(raw)
        if f.max_length and len(text) > f.max_length:
            raise _Bad(_("At most %(n)s characters.", n=f.max_length))
        if "*" in text and f.value_kind in values.CHECKS:
            return text  # masked in the export it came from: judged against the stored value (process)
        try:
            return values.check(f.value_kind, text)
        except values.Invalid as e:
            raise _Bad(str(e)) from None
    if k in ("int", "id", "version"):
        if isinstance(raw, bool):
            raise _Bad(_("Enter a whole number."))
        if isinstance(raw, (int, float)) and float(raw).is_integer():
            return int(raw)
        if isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
            return int(raw.strip())
        raise _Bad(_("Enter a whole number."))
    if k in ("number", "money"):
        try:  # the form's and the API's parser: 30,000 and full-width digits, no exponent
            value = values.parse_decimal(raw, money=f.value_kind == values.MONEY)
        except values.Invalid as e:
            raise _Bad(str(e)) from None
        return value if k == "money" or value is None else float(value)
    if k == "bool":
        if isinstance(raw, bool):
            return raw
        t = _text(raw).lower()
        if t in _TRUE or t == _("Yes").lower():
            return True
        if t in _FALSE or t == _("No").lower():
            return False
        raise _Bad(_("Enter yes or no."))
    if k in ("date", "datetime"):
        if isinstance(raw, str):
            raise _Bad(
                _(
                    "The date is typed as text (%(value)s). Enter it as an Excel date, e.g. 2026-12-03.",
                    value=raw.strip(),
                )
            )
        if isinstance(raw, dt.datetime):
            if raw.tzinfo is not None:
                raw = raw.astimezone(clock._tz).replace(tzinfo=None)
            return raw if k == "datetime" else raw.date()
        if isinstance(raw, dt.date):
            return dt.datetime.combine(raw, dt.time()) if k == "datetime" else raw
        raise _Bad(_("Enter a date."))
    if k == "time":
        if isinstance(raw, dt.time):
            return raw.replace(tzinfo=None)
        if isinstance(raw, dt.datetime):
            return raw.time()
        if isinstance(raw, str):
            try:
                return dt.datetime.strptime(raw.strip(), "%H:%M").time()
            except ValueError:
                pass
        raise _Bad(_("Enter a time such as 09:30."))
    if k == "enum":
        return _enum(f.enum_cls, _text(raw))
    if k == "enumset":
        return [_enum(f.enum_cls, part) for part in _split(_text(raw))]
    if k == "m2o":
        obj, err = lookup.find(_text(raw))
        if err:
            raise _Bad(err)
        return obj
    if k == "m2m":
        objs = []
        for part in _split(_text(raw)):
            obj, err = lookup.find(part)
            if err:
                raise _Bad(err)
            objs.append(obj)
        return objs
    raise _Bad(_("Unsupported column."))


def _split(text: str) -> list[str]:
    for sep in LIST_SEPARATORS[1:]:
        text = text.replace(sep, LIST_SEPARATORS[0])
    return [p.strip() for p in text.split(LIST_SEPARATORS[0]) if p.strip()]


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, enum.Enum):
        return getattr(value, "label", value.name)
    if isinstance(value, list):
        return "、".join(_shown(v) for v in value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return str(value)


def _same(a, b) -> bool:
    if isinstance(a, list) or isinstance(b, list):

        def key(xs):
            return sorted(getattr(x, "id", None) or getattr(x, "name", None) or str(x) for x in (xs or []))

        return key(a) == key(b)
    if (
        isinstance(a, (decimal.Decimal, int, float))
        and isinstance(b, (decimal.Decimal, int, float))
        and not isinstance(a, bool)
        and not isinstance(b, bool)
    ):
        return decimal.Decimal(str(a)) == decimal.Decimal(str(b))
    if a in (None, "") and b in (None, ""):
        return True  # an empty cell is an empty text, whether the row holds NULL or ""
    return a == b


# --- validating and writing ----------------------------------------------------------------


def _find_existing(reg: Register, f_values: dict, natural_key) -> tuple[Any, str | None]:
    model = reg.model
    query = sa.select(model)
    if hasattr(model, "is_deleted"):
        query = query.where(model.is_deleted.is_(False))
    cond = scope.clause(reg, scope.principal(), "read")
    if cond is not None:
        query = query.where(cond)
    if f_values.get("id") is not None:
        obj = db.session.execute(query.where(model.id == f_values["id"])).scalars().first()
        if obj is None:
            return None, _("No record with id %(id)s in your scope.", id=f_values["id"])
        return obj, None
    if natural_key and all(k in f_values and f_values[k] not in (None, []) for k in natural_key):
        for k in natural_key:
            query = query.where(getattr(model, k) == f_values[k])
        found = db.session.execute(query.limit(2)).scalars().all()
        if len(found) > 1:
            return None, _("Several records match this row's key; add the id column.")
        return (found[0] if found else None), None
    return None, None


def process(reg: Register, path: str, commit: bool = False, filename: str = "") -> Outcome:
    """Parse, validate every row; with commit=True and no errors, write all in one transaction.

    Raises ImportRefused for whole-file problems. Without commit (or on any error), the
    session is rolled back: nothing is written."""
    sheet = open_sheet(path)
    mapping, ignored, rows = read_rows(reg, sheet)
    out = Outcome(ignored_headers=ignored)
    present = {f.name: f for f in mapping.values()}
    all_fields = fields(reg)
    natural_key = tuple(reg.extra.get("natural_key") or ())
    lookups: dict[str, _Lookup] = {}
    items: list = []
    created: list = []
    seen_ids: dict[int, int] = {}
    session = db.session
    try:
        with session.no_autoflush:
            for rownum, raw in rows:
                values, bad = {}, False
                for name, f in present.items():
                    if f.kind in ("m2o", "m2m") and name not in lookups:
                        lookups[name] = _Lookup(reg, f)
                    try:
                        values[name] = convert(f, raw.get(name), lookups.get(name))
                    except _Bad as e:
                        out.errors.append(Problem(rownum, f.label, str(e)))
                        bad = True
                if bad:
                    continue
                if values.get("id") is not None:
                    if values["id"] in seen_ids:
                        out.errors.append(
                            Problem(
                                rownum,
                                id_field(reg).label,
                                _("The same record is also in row %(row)s.", row=seen_ids[values["id"]]),
                            )
                        )
                        continue
                    seen_ids[values["id"]] = rownum
                item, err = _find_existing(reg, values, natural_key)
                if err:
                    out.errors.append(Problem(rownum, id_field(reg).label if values.get("id") else "", err))
                    continue
                creating = item is None
                if creating:
                    item = reg.model()
                elif not writes.can_modify(reg, item):
                    out.errors.append(Problem(rownum, "", _("You may read this record but not change it.")))
                    continue
                elif values.get("version") is not None and values["version"] != item.version:
                    out.errors.append(
                        Problem(
                            rownum,
                            version_field(reg).label,
                            _(
                                "This record was changed after it was exported (version %(old)s, now %(new)s): "
                                "export it again and redo this row.",
                                old=values["version"],
                                new=item.version,
                            ),
                        )
                    )
                    continue
                changes = []
                for f in all_fields:
                    if f.name not in present:
                        if creating and f.required:
                            out.errors.append(Problem(rownum, f.label, _("This column is required.")))
                            bad = True
                        continue
                    new = values[f.name]
                    if f.required and new is None:
                        out.errors.append(Problem(rownum, f.label, _("This column is required.")))
                        bad = True
                        continue
                    old = getattr(item, f.name)
                    masked = not creating and f.name in reg.pii and not pii.sees_clear(reg, item)
                    if masked and new == pii.mask(old, reg.pii[f.name]):
                        continue  # the masked value of an export, not a change
                    if isinstance(new, str) and "*" in new and f.value_kind in values.CHECKS:
                        try:  # a masked value that is not this row's: refused as any bad number is
                            values.check(f.value_kind, new)
                        except values.Invalid as e:
                            out.errors.append(Problem(rownum, f.label, str(e)))
                            bad = True
                            continue
                    # a masked value is shown masked, and any other value counts as a change:
                    # "unchanged" for a guessed ID number would confirm the guess
                    if creating or masked or not _same(old, new):
                        if not creating:
                            changes.append((f.label, _shown(pii.masked(reg, item, f.name, old)), _shown(new)))
                        setattr(item, f.name, new)
                if bad:
                    continue
                try:
                    writes.run_rules(reg, item)
                except RuleViolation as e:
                    labels = {f.name: f.label for f in all_fields}
                    errors = e.errors or {"": str(e)}
                    for name, msg in errors.items():
                        out.errors.append(
                            Problem(rownum, labels.get(name, str(reg.label(name)) if name else ""), str(msg))
                        )
                    continue
                if creating:
                    items.append((rownum, item))
                    created.append(item)
                    out.creates.append(
                        (rownum, " / ".join(_shown(values[f.name]) for f in all_fields if f.name in values)[:120])
                    )
                elif changes:
                    items.append((rownum, item))
                    out.updates.append((rownum, item.id, changes))
                else:
                    out.unchanged += 1
        if out.errors or not items:
            session.rollback()
            return out
        # the preview flushes too (then rolls back): constraints and the DB-checked write scope
        # are reported before the user confirms, exactly as the confirmation will meet them
        for _row, item in items:
            session.add(item)
        session.flush()
        for rownum, item in items:
            if not scope.allows(reg, item, "write"):
                out.errors.append(
                    Problem(rownum, "", _("You cannot save a record into an organisation unit outside your scope."))
                )
        if out.errors or not commit:
            session.rollback()
            return out
        session.execute(
            sa.insert(_audit_table()).values(
                at=clock.now(),
                user_id=current_user_id(),
                action="import",
                register_key=reg.key,
                ip=client_ip(),
                diff=json.dumps(
                    {
                        "file": filename,
                        "created": [i.id for i in created],
                        "created_count": len(out.creates),
                        "updated_count": len(out.updates),
                        "updated": [u[1] for u in out.updates],
                    },
                    ensure_ascii=False,
                ),
            )
        )
        session.commit()
        out.written = True
        return out
    except (IntegrityError, StaleDataError) as e:
        session.rollback()
        out.errors.append(
            Problem(
                0,
                "",
                _(
                    "The record conflicts with an existing one (a value that must be unique is taken) or refers to a missing record."
                )
                if isinstance(e, IntegrityError)
                else writes.stale_message(),
            )
        )
        return out
    except SQLAlchemyError:
        session.rollback()
        out.errors.append(Problem(0, "", _("The database refused the change; nothing was saved.")))
        return out
    except Exception:
        session.rollback()
        raise


def _audit_table():
    from app.common.models import AuditLog

    return AuditLog.__table__


# --- keeping an upload between preview and confirmation -----------------------------------


def _folder() -> Path:
    folder = Path(current_app.config["UPLOAD_FOLDER"]) / "_imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _sweep(folder: Path) -> None:
    cutoff = time.time() - 24 * 3600
    for p in folder.iterdir():
        try:
            if p.stat().st_mtime < cutoff:
                p.unlink()
        except OSError:
            pass


def stash(reg: Register, upload) -> tuple[str, str]:
    """Save an uploaded file; returns (token, path)."""
    folder = _folder()
    _sweep(folder)
    token = secrets.token_urlsafe(24)
    path = folder / f"{token}.xlsx"
    upload.save(str(path))
    (folder / f"{token}.json").write_text(
        json.dumps(
            {"user_id": current_user_id(), "register": reg.key, "filename": upload.filename or "", "at": time.time()}
        ),
        encoding="utf-8",
    )
    return token, str(path)


def unstash(reg: Register, token: str) -> tuple[str, dict] | None:
    """The stashed file of this user and register, or None (unknown, foreign or expired)."""
    if not token or not all(c.isalnum() or c in "-_" for c in token):
        return None
    folder = _folder()
    meta_path, path = folder / f"{token}.json", folder / f"{token}.xlsx"
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if (
        meta.get("user_id") != current_user_id()
        or meta.get("register") != reg.key
        or time.time() - meta.get("at", 0) > TOKEN_TTL
        or not path.exists()
    ):
        return None
    return str(path), meta


def discard(token: str) -> None:
    folder = _folder()
    for suffix in (".xlsx", ".json"):
        try:
            (folder / f"{token}{suffix}").unlink()
        except OSError:
            pass


# --- the pages (routes on ScopedModelView: import_template, import_xlsx, import_confirm) ----


def template_response(reg: Register):
    from flask import Response, stream_with_context

    from .spreadsheets import XLSX_MIMETYPE, content_disposition

    stem = _("%(register)s import template", register=reg.name)
    fd, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(fd)
    write_template(reg, path)

    def generate():
        try:
            with open(path, "rb") as fh:
                while chunk := fh.read(64 * 1024):
                    yield chunk
        finally:
            os.unlink(path)

    return Response(
        stream_with_context(generate()),
        mimetype=XLSX_MIMETYPE,
        headers={"Content-Disposition": content_disposition(f"{stem}.xlsx"), "Cache-Control": "no-store"},
    )


def _render(view, **kw):
    reg = view.register
    return view.render_template(
        "jiedao/import.html",
        title=_("Import %(register)s", register=reg.name),
        register=reg,
        list_url=view._jiedao_url("list"),
        upload_url=view._jiedao_url("import_xlsx"),
        template_url=view._jiedao_url("import_template"),
        fields=fields(reg),
        max_rows=max_rows(),
        **kw,
    )


def upload_page(view):
    from flask import request

    reg = view.register
    if request.method == "GET":
        return _render(view)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _render(view, refused=_("Choose a file to upload."))
    token, path = stash(reg, upload)
    try:
        outcome = process(reg, path, commit=False, filename=upload.filename)
    except ImportRefused as e:
        discard(token)
        return _render(view, refused=str(e), filename=upload.filename)
    if outcome.errors or not (outcome.creates or outcome.updates):
        discard(token)
        token = None
    return _render(
        view,
        outcome=outcome,
        token=token,
        filename=upload.filename,
        confirm_url=view._jiedao_url("import_confirm", token=token) if token else None,
    )


def confirm_page(view, token: str):
    from flask import flash, redirect

    reg = view.register
    found = unstash(reg, token)
    if found is None:
        return _render(view, refused=_("This upload has expired or is not yours. Upload the file again."))
    path, meta = found
    try:
        outcome = process(reg, path, commit=True, filename=meta.get("filename", ""))
    except ImportRefused as e:
        discard(token)
        return _render(view, refused=str(e))
    discard(token)
    if not outcome.written:
        return _render(view, outcome=outcome, filename=meta.get("filename"), refused=_("Nothing was imported."))
    flash(
        _(
            "Imported: %(created)s created, %(updated)s updated.",
            created=len(outcome.creates),
            updated=len(outcome.updates),
        ),
        "success",
    )
    return redirect(view._jiedao_url("list"))
