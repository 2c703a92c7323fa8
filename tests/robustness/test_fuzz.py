"""Hostile input on every register (as 系统管理员, who may write all of them): the edit form and the
REST API PUT/POST with HTML/JS, SQL fragments, formula starters, Unicode edge cases, over-long
strings, wrong types, impossible dates and huge numbers; SQL fragments in list filters (`_flt_`) and
API `q` filters. Asserted: never a 5xx; a refused write changes nothing (the row's version and value
stay); an accepted one reads back exactly as sent; stored HTML is shown escaped on list and show
pages and exported as text (never as a formula)."""

from __future__ import annotations

import decimal
import io
import urllib.parse

import openpyxl
import prison
import pytest
import sqlalchemy as sa

from app.core import registry
from app.core.enums import EnumSet
from app.extensions import db as _db
from tests.conftest import text
from tests.reliability.helpers import FILLED_ON_EDIT, editable_registers, form_fields, live_row, with_values

XSS = '<script>alert("xss")</script>'
XSS_IMG = '"><img src=x onerror=alert(1)>'
HOSTILE_TEXT = [
    XSS,
    XSS_IMG,
    "' OR '1'='1' --",
    "1; DROP TABLE meeting; --",
    '=HYPERLINK("http://evil.example","点我")',
    "+1+2",
    "-3+4",
    "@SUM(A1:A2)",
    "😀👨‍👩‍👧 emoji",
    "０１２３ 全角数字",
    "臺灣繁體字與異體字",
    "a\u200db\u200cc\ufeffd",
    "\u202eRTL 覆盖\u202c\u200f",
    "制表\t换行\n回车\r\n",
    "  前后空格  ",
]
NUL = "NUL\x00字节"


def _api_columns(reg):
    from app.core.interface import ScopedInterface
    from app.core.views import _columns

    form = _columns(reg, ScopedInterface(reg.model))[0]
    return [c for c in form if not isinstance(getattr(reg.model.__table__.c.get(c), "type", None), EnumSet)]


def _text_columns(reg) -> list[str]:
    """Free-text columns of the API's edit schema (the pii ones too: they are stored as sent)."""
    out = []
    for col in _api_columns(reg):
        c = reg.model.__table__.c.get(col)
        if c is not None and isinstance(c.type, sa.String) and not isinstance(c.type, (sa.Enum, EnumSet)):
            out.append(col)
    return out


def _listed_text_column(reg) -> str | None:
    cols = _text_columns(reg)
    listed = [c for c in cols if c in reg.list_columns and c not in reg.pii]
    unique = {c.name for c in reg.model.__table__.columns if c.unique}
    table = reg.model.__table__
    for c in listed + cols:
        if c not in unique and c not in reg.pii and (table.c[c].type.length or 100) >= 40:
            return c
    return None


REGS = [r for r in editable_registers() if _text_columns(r)]


def _version(reg, row_id) -> int:
    _db.session.rollback()
    _db.session.expire_all()
    return _db.session.get(reg.model, row_id).version


def _value(reg, row_id, col):
    _db.session.expire_all()
    return getattr(_db.session.get(reg.model, row_id), col)


def _row_count(reg) -> int:
    _db.session.rollback()
    return _db.session.execute(sa.select(sa.func.count()).select_from(reg.model)).scalar()


def _put(client, reg, row_id, **values):
    return client.api(
        "PUT",
        f"/api/v1/{reg.key}/{row_id}",
        {"version": _version(reg, row_id), **FILLED_ON_EDIT.get(reg.key, {}), **values},
    )


def _check_put(client, reg, row_id, col, value):
    """PUT one value: either stored exactly (and read back so) or refused with nothing changed."""
    before_version, before_value = _version(reg, row_id), _value(reg, row_id, col)
    r = _put(client, reg, row_id, **{col: value})
    assert r.status_code < 500, (reg.key, col, repr(value)[:80], r.status_code, r.get_data(as_text=True)[:500])
    if r.status_code == 200:
        assert _value(reg, row_id, col) == value, (reg.key, col, repr(value)[:80])
        got = client.api("GET", f"/api/v1/{reg.key}/{row_id}")
        assert got.status_code == 200, (
            reg.key,
            col,
            repr(value)[:80],
            got.status_code,
            got.get_data(as_text=True)[:300],
        )
        shown = got.get_json()["result"]
        if col in shown and col not in reg.pii:
            assert shown[col] == value, (reg.key, col, repr(value)[:80])
        return True
    assert r.status_code in (400, 409, 422), (reg.key, col, r.status_code)
    assert _version(reg, row_id) == before_version and _value(reg, row_id, col) == before_value, (
        f"{reg.key}.{col}: refused ({r.status_code}) but the row changed"
    )
    return False


def _rotated(values, reg, n):
    """n of `values`, starting at a place that depends on the register: every value is tried on
    several registers, without trying every value on every register."""
    i = [r.key for r in registry.all_registers()].index(reg.key)
    return [values[(i + k) % len(values)] for k in range(min(n, len(values)))]


def _check_put_many(client, reg, row_id, values: dict) -> bool:
    """PUT several columns at once: stored exactly, or refused with nothing changed."""
    before = _version(reg, row_id), {c: _value(reg, row_id, c) for c in values}
    r = _put(client, reg, row_id, **values)
    assert r.status_code < 500, (
        reg.key,
        {c: repr(v)[:60] for c, v in values.items()},
        r.status_code,
        r.get_data(as_text=True)[:500],
    )
    if r.status_code == 200:
        got = client.api("GET", f"/api/v1/{reg.key}/{row_id}")
        assert got.status_code == 200, (reg.key, got.status_code, got.get_data(as_text=True)[:300])
        shown = got.get_json()["result"]
        for col, value in values.items():
            assert _value(reg, row_id, col) == value, (reg.key, col, repr(value)[:80])
            if col in shown and col not in reg.pii:
                assert shown[col] == value, (reg.key, col, repr(value)[:80], repr(shown[col])[:80])
        return True
    assert r.status_code in (400, 409, 422), (reg.key, r.status_code)
    assert (_version(reg, row_id), {c: _value(reg, row_id, c) for c in values}) == before, (
        f"{reg.key}: refused ({r.status_code}) but the row changed"
    )
    return False


@pytest.mark.parametrize("reg", REGS, ids=lambda r: r.key)
def test_hostile_text_round_trips_or_is_refused_whole(db, clients, reg):
    admin = clients("admin")
    row = live_row(reg)
    assert row is not None, f"no {reg.key} row"
    row_id = row.id
    table = reg.model.__table__
    unique = {c.name for c in table.columns if c.unique}
    cols = _text_columns(reg)
    offset = [r.key for r in registry.all_registers()].index(reg.key)
    for round_ in range(3):
        values = {}
        for i, col in enumerate(cols):
            v = HOSTILE_TEXT[(offset + round_ * len(cols) + i) % len(HOSTILE_TEXT)]
            length = table.c[col].type.length
            if col in unique:
                v = f"{v}#{reg.key}{round_}"
            if length is None or len(v) <= length:
                values[col] = v
        # stored and read back exactly, or (a column with its own format: a rule, a code) refused whole
        _check_put_many(admin, reg, row_id, values)
    if "remarks" in cols:  # free text, however hostile it looks, is accepted and read back exactly
        for k in range(3):
            value = HOSTILE_TEXT[(offset + k) % len(HOSTILE_TEXT)]
            assert _check_put_many(admin, reg, row_id, {"remarks": value}), (reg.key, repr(value))
    # one character too many for a String(n) column: the whole PUT is refused, nothing changes
    sized = [c for c in cols if table.c[c].type.length]
    if sized:
        col = sized[offset % len(sized)]
        assert not _check_put_many(admin, reg, row_id, {col: "长" * (table.c[col].type.length + 1)})
    unsized = [c for c in cols if not table.c[c].type.length]
    if unsized:
        assert _check_put_many(admin, reg, row_id, {unsized[0]: "长" * 100_000})
    # a NUL byte: stored exactly (SQLite) or refused whole (PostgreSQL cannot hold it in text)
    _check_put_many(admin, reg, row_id, {cols[0]: NUL + ("" if cols[0] not in unique else reg.key)})


WRONG = {
    "int": ["abc", 1.5, -1, 2**31, 10**30, "", None, [], {}],
    "num": [
        "abc",
        "NaN",
        "Infinity",
        "-1e400",
        "1e30",
        -0.01,
        "-99999999999.99",
        "12345678901234567890.123",
        "",
        [],
        "１２３",
    ],
    "date": ["0000-01-01", "10000-01-01", "2026-02-30", "2026-13-01", "20261301", "abc", "", 0, "２０２６-０１-０１"],
    "datetime": [
        "0000-01-01T00:00:00",
        "10000-01-01T00:00:00",
        "2026-02-30T09:00:00",
        "2026-01-01T25:00:00",
        "abc",
        "2026-01-01 09:00:00+25:00",
        1700000000,
    ],
    "bool": ["maybe", 2, "是", [], {}],
    "enum": ["no_such_value", "<script>", 1, "", []],
    "m2o": [999_999_999, -1, "abc", 0, 2**63],
}


def _kind(reg, col) -> str | None:
    mapper = sa.inspect(reg.model)
    if col in mapper.relationships:
        return None if mapper.relationships[col].uselist else "m2o"
    c = reg.model.__table__.c.get(col)
    if c is None:
        return None
    t = c.type
    if isinstance(t, sa.Enum):
        return "enum"
    if isinstance(t, sa.Boolean):
        return "bool"
    if isinstance(t, sa.DateTime):
        return "datetime"
    if isinstance(t, sa.Date):
        return "date"
    if isinstance(t, sa.Numeric):
        return "num"
    if isinstance(t, sa.Integer):
        return "int"
    return None


@pytest.mark.parametrize("reg", [r for r in editable_registers()], ids=lambda r: r.key)
def test_wrong_types_dates_and_numbers_never_fail_the_server(db, clients, reg):
    admin = clients("admin")
    row = live_row(reg)
    assert row is not None, f"no {reg.key} row"
    row_id = row.id
    count = _row_count(reg)
    for col in _api_columns(reg):
        kind = _kind(reg, col)
        if kind is None:
            continue
        for value in _rotated(WRONG[kind], reg, 3):
            before = _version(reg, row_id)
            r = _put(admin, reg, row_id, **{col: value})
            assert r.status_code < 500, (reg.key, col, repr(value), r.status_code, r.get_data(as_text=True)[:400])
            if r.status_code != 200:
                assert _version(reg, row_id) == before, (reg.key, col, value)
            elif kind == "num" and isinstance(value, (int, float, str)):
                # accepted numbers are stored exactly as sent
                stored = _value(reg, row_id, col)
                assert stored is None or decimal.Decimal(str(stored)) == decimal.Decimal(str(value)), (
                    reg.key,
                    col,
                    value,
                    stored,
                )
        # POST: the wrong value alone is refused without a row
        p = admin.api("POST", f"/api/v1/{reg.key}/", {col: value})
        assert p.status_code < 500, (reg.key, col, repr(value), p.status_code)
        if p.status_code != 201:
            assert _row_count(reg) == count
        else:
            count += 1
    for body in (["a list"], "a string", {"id": "x", "version": {"$gt": 0}}, {"org_unit": {"id": 1}}):
        p = admin.api("POST", f"/api/v1/{reg.key}/", body)
        assert p.status_code < 500, (reg.key, body, p.status_code)
    assert (
        admin.post(f"/api/v1/{reg.key}/", data=b"\xff\xfe not json", content_type="application/json").status_code < 500
    )
    assert _row_count(reg) == count


SQL = [
    "' OR 1=1 --",
    "'; DROP TABLE audit_log; --",
    '" OR ""="',
    "%' UNION SELECT username, password FROM ab_user --",
    "1) OR (1=1",
    "\\",
    "%",
    "_",
    NUL,
    "😀",
    "０１２",
]


@pytest.mark.parametrize(
    "reg", [r for r in registry.all_registers() if r.views and r.search_columns], ids=lambda r: r.key
)
def test_sql_fragments_in_list_filters_and_api_queries(db, clients, reg):
    admin = clients("admin")
    oprs = ("eq", "ct", "sw", "gt", "rel_o_m", "nct")
    for n, col in enumerate(reg.search_columns):
        for k, value in enumerate(_rotated(SQL, reg, 2)):
            # all of the column's filter kinds at once (FAB numbers them 0, 1, 2 …)
            url = f"/{reg.key}/list/?" + urllib.parse.urlencode({f"_flt_{i}_{col}": value for i in range(3)})
            r = admin.get(url)
            assert r.status_code < 500, (url, r.status_code)
            opr = oprs[(n + k) % len(oprs)]
            q = prison.dumps({"filters": [{"col": col, "opr": opr, "value": value}]})
            r = admin.api("GET", f"/api/v1/{reg.key}/?q=" + urllib.parse.quote(q))
            assert r.status_code < 500, (reg.key, col, opr, value, r.status_code)
    for q in _rotated(
        [
            "(filters:!((col:id,opr:eq,value:'1 OR 1=1')))",
            "(order_column:'id; DROP TABLE x',order_direction:asc)",
            "(page_size:100000000000000000000)",
            "(page:-1)",
            "((((",
            "(columns:!('password'))",
        ],
        reg,
        2,
    ):
        r = admin.api("GET", f"/api/v1/{reg.key}/?q=" + urllib.parse.quote(q))
        assert r.status_code < 500, (reg.key, q, r.status_code)
    # the tables are all still there
    assert admin.get(f"/{reg.key}/list/").status_code == 200


@pytest.mark.parametrize("reg", [r for r in REGS if _listed_text_column(r)], ids=lambda r: r.key)
def test_stored_html_is_escaped_on_pages_and_text_in_exports(db, clients, reg):
    admin = clients("admin")
    col = _listed_text_column(reg)
    row = live_row(reg)
    row_id = row.id
    value = f"{XSS}{XSS_IMG}" if (reg.model.__table__.c[col].type.length or 100) >= 60 else XSS
    r = _put(admin, reg, row_id, **{col: value})
    assert r.status_code == 200, (reg.key, col, r.get_json())
    for url in (
        f"/{reg.key}/show/{row_id}",
        f"/{reg.key}/list/?_oc_{reg.key}=id&_od_{reg.key}=desc",
        f"/{reg.key}/edit/{row_id}",
    ):
        page = text(admin.get(url))
        assert "<script>alert(" not in page and "<img src=x" not in page, (reg.key, url)
    assert "&lt;script&gt;alert(" in text(admin.get(f"/{reg.key}/show/{row_id}"))
    # the xlsx export holds it as text; formula starters stay text too
    formula = '=HYPERLINK("http://evil.example","x")'
    assert _put(admin, reg, row_id, **{col: formula}).status_code == 200
    export = admin.get(f"/{reg.key}/export_xlsx/")
    assert export.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(export.data)).active
    cells = [c for r_ in sheet.iter_rows() for c in r_ if c.value == formula]
    if col in reg.list_columns:
        assert cells, (reg.key, col, "value not in the export")
    assert all(c.data_type == "s" for c in cells), (reg.key, [c.data_type for c in cells])


@pytest.mark.parametrize("reg", [r for r in REGS if r.key not in ("org_unit",)], ids=lambda r: r.key)
def test_hostile_values_through_the_edit_form(db, clients, reg):
    admin = clients("admin")
    row = live_row(reg)
    row_id = row.id
    col = _listed_text_column(reg) or _text_columns(reg)[0]
    for value in _rotated([XSS_IMG, "😀０１２臺灣\u200d\u202e", "长" * 5000, NUL, XSS], reg, 2):
        page = admin.get(f"/{reg.key}/edit/{row_id}")
        assert page.status_code == 200
        before = _version(reg, row_id)
        r = admin.post(
            f"/{reg.key}/edit/{row_id}",
            data=with_values(form_fields(text(page)), **{**FILLED_ON_EDIT.get(reg.key, {}), col: value}),
        )
        assert r.status_code in (200, 302), (reg.key, col, r.status_code)
        if r.status_code == 302:
            # a browser normalises line breaks; nothing else may change
            assert _value(reg, row_id, col) == value, (reg.key, col, repr(value)[:40])
        else:
            assert _version(reg, row_id) == before, (reg.key, col, "refused but changed")
