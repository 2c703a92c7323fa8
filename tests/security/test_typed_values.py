"""ID numbers, phone numbers and money: every marked column (app/core/values.py) refuses bad values
and takes good ones the same way in the form, the API and the import, with a Chinese message."""

from __future__ import annotations

import decimal
import re

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from app.core import registry, values
from app.extensions import db as _db
from tests.conftest import text
from tests.reliability.helpers import FILLED_ON_EDIT, editable_registers, form_fields, live_row, with_values
from tests.sheets.helpers import page, upload, xlsx_bytes

CJK = re.compile(r"[\u4e00-\u9fff]")
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def with_check_digit(first17: str) -> str:
    """GB 11643-1999: ISO 7064 MOD 11-2 over the first 17 digits."""
    return first17 + "10X98765432"[sum(int(d) * w for d, w in zip(first17, WEIGHTS)) % 11]


GOOD_ID = with_check_digit("33080219850612123")  # 衢州 area code, 1985-06-12
GOOD = {  # typed → stored
    values.ID_NO: [
        (GOOD_ID, GOOD_ID),
        (GOOD_ID.translate(str.maketrans("0123456789", "０１２３４５６７８９")), GOOD_ID),
        ("11010519491231002x", "11010519491231002X"),
    ],
    values.PHONE: [
        ("13800138000", "13800138000"),
        ("0570-1234567", "0570-1234567"),
        ("1234567", "1234567"),
        ("0570-1234567-801", "0570-1234567-801"),
        ("１３９ ０５７０ １２３４", "13905701234"),
    ],
    # amounts every fund rule accepts (allocation ≥ spent so far, spending ≤ allocation)
    values.MONEY: [
        ("60,000", decimal.Decimal("60000")),
        ("６０，０００．５０", decimal.Decimal("60000.50")),
        ("61000.5", decimal.Decimal("61000.5")),
    ],
}
BAD = {
    values.ID_NO: [
        "11010519491231002",
        GOOD_ID[:-1] + ("0" if GOOD_ID[-1] != "0" else "1"),  # length; check digit
        with_check_digit("33080219850230123"),  # 30 February
        with_check_digit("33080221991231123"),  # born in 2199
        with_check_digit("03080219850612123"),
        "abcdefghijklmnopqr",
    ],
    values.PHONE: ["12345", "23800138000", "138001380001", "abc", "0570-12"],
    values.MONEY: ["1e3", "1E3", "abc", "1,00", "NaN", "Infinity", "--5"],
}


def _form_columns(reg):
    from app.core.interface import ScopedInterface
    from app.core.views import _columns

    return _columns(reg, ScopedInterface(reg.model))[0]


CASES = [
    (reg, col, values.kind_of(reg.model.__table__.c[col]))
    for reg in editable_registers()
    for col in _form_columns(reg)
    if values.kind_of(reg.model.__table__.c.get(col))
]


def test_every_person_number_and_money_column_is_marked():
    """pii.py's phone/id_no columns and every column named like one carry the kind: the validators
    cannot miss a column the masking knows about."""
    marked = {(r.key, c.name): values.kind_of(c) for r in registry.all_registers() for c in r.model.__table__.columns}
    for reg in registry.all_registers():
        for col, kind in reg.pii.items():
            if kind in (values.ID_NO, values.PHONE):
                assert marked[(reg.key, col)] == kind, (reg.key, col)
        for c in reg.model.__table__.columns:
            if re.search(r"phone$|id_no$", c.name):
                assert marked[(reg.key, c.name)] in (values.ID_NO, values.PHONE), (reg.key, c.name)
            if re.search(r"amount$|budget$|investment$|^fee$", c.name):
                assert marked[(reg.key, c.name)] == values.MONEY, (reg.key, c.name)
    kinds = {k for _r, _c, k in CASES}
    assert kinds == {values.ID_NO, values.PHONE, values.MONEY}


def test_the_demo_data_is_valid(db):
    for reg in registry.all_registers():
        for c in reg.model.__table__.columns:
            kind = values.kind_of(c)
            if kind in values.CHECKS:
                for v in db.session.execute(sa.select(c).where(c.is_not(None))).scalars():
                    assert values.check(kind, v) == v, (reg.key, c.name, v)


def _stored(reg, row_id, col):
    _db.session.rollback()
    _db.session.expire_all()
    return getattr(_db.session.get(reg.model, row_id), col)


def _version(reg, row_id):
    _db.session.rollback()
    _db.session.expire_all()
    return _db.session.get(reg.model, row_id).version


VALUE_MSGIDS = [
    "An ID number has 18 characters: 17 digits and a digit or X at the end.",
    "This ID number does not start with a valid area code.",
    "The birth date in this ID number (digits 7 to 14) is not a real date.",
    "The check digit of this ID number is wrong: a character was mistyped.",
    "Enter a mobile number (11 digits, e.g. 13800138000) or a landline number (e.g. 0570-1234567).",
    "Enter a number, such as 30000 or 30,000.50 (digits only: no letters or exponent).",
    "Enter a number, such as 30000 or 30,000.50.",
]


@pytest.fixture(scope="module")
def value_messages(app):
    from flask_babel import gettext

    with app.test_request_context(), force_locale("zh"):
        msgs = [gettext(m) for m in VALUE_MSGIDS]
    assert all(CJK.search(m) for m in msgs), msgs
    return msgs


def _names_value_error(body: str, msgs) -> bool:
    return any(m in body for m in msgs)


#: registers whose rules refuse any edit of a booked value: a good value passes the check and
#: is then refused by the rule (asserted), so it is stored through a new row in the import test
RULE_FROZEN = {("fund_expenditure", "amount")}


def _row(reg):
    """A live row the good values fit: for 党建 funds one of a year nobody spends from (an allocation
    may not go below what was spent, and the demo and other tests spend from every fund)."""
    if reg.key != "service_fund":
        return live_row(reg)
    from app.modules.dangjian.models import ServiceFund

    from .. import factories as f

    community = f.org("荷花社区")
    fund = _db.session.execute(
        sa.select(ServiceFund).where(ServiceFund.org_unit_id == community.id, ServiceFund.year == 2090)
    ).scalar_one_or_none()
    if fund is None:
        fund = ServiceFund(org_unit=community, year=2090, allocated_amount=decimal.Decimal("50000"))
        _db.session.add(fund)
        _db.session.commit()
    return fund


def _same(kind, stored, expected):
    return decimal.Decimal(str(stored)) == expected if kind == values.MONEY else stored == expected


@pytest.mark.parametrize("reg,col,kind", CASES, ids=lambda x: getattr(x, "key", x))
def test_api(db, clients, value_messages, reg, col, kind):
    admin = clients("admin")
    row_id = _row(reg).id
    url = f"/api/v1/{reg.key}/{row_id}"
    for bad in BAD[kind]:
        before = _version(reg, row_id), _stored(reg, row_id, col)
        r = admin.api("PUT", url, {"version": before[0], **FILLED_ON_EDIT.get(reg.key, {}), col: bad})
        assert r.status_code == 422, (reg.key, col, bad, r.status_code, text(r)[:300])
        body = r.get_json()
        assert _names_value_error(str(body.get("errors", body.get("message"))), value_messages), (
            reg.key,
            col,
            bad,
            body,
        )
        assert col in str(body), body
        assert (_version(reg, row_id), _stored(reg, row_id, col)) == before
    if kind == values.MONEY:  # a JSON number written with an exponent is refused as the text is
        version = _version(reg, row_id)
        headers = {"X-CSRFToken": admin.csrf("/resetmypassword/form")}
        r = admin._open(
            url,
            method="PUT",
            data=f'{{"version": {version}, "{col}": 1e3}}',
            content_type="application/json",
            headers=headers,
        )
        assert r.status_code == 422, (reg.key, col, r.status_code, text(r)[:300])
        r = admin._open(
            url,
            method="PUT",
            data=f'{{"version": {version}, "{col}": 60500.5}}',
            content_type="application/json",
            headers=headers,
        )
        _check_good(r, reg, col, value_messages)
        if r.status_code == 200:
            assert _stored(reg, row_id, col) == decimal.Decimal("60500.5")
    for typed, stored in GOOD[kind]:
        r = admin.api("PUT", url, {"version": _version(reg, row_id), **FILLED_ON_EDIT.get(reg.key, {}), col: typed})
        if _check_good(r, reg, col, value_messages):
            assert _same(kind, _stored(reg, row_id, col), stored), (reg.key, col, typed, _stored(reg, row_id, col))


def _check_good(r, reg, col, msgs) -> bool:
    """A good value is stored (True), or, where a rule freezes the column, refused by the rule."""
    if (reg.key, col) in RULE_FROZEN:
        assert r.status_code in (200, 422), (reg.key, col, r.status_code)
        assert r.status_code == 200 or not _names_value_error(text(r), msgs), (reg.key, col, text(r)[:300])
        return r.status_code == 200
    assert r.status_code == 200, (reg.key, col, r.status_code, text(r)[:400])
    return True


@pytest.mark.parametrize("reg,col,kind", CASES, ids=lambda x: getattr(x, "key", x))
def test_form(db, clients, value_messages, reg, col, kind):
    admin = clients("admin")
    row_id = _row(reg).id
    url = f"/{reg.key}/edit/{row_id}"
    for bad in BAD[kind][:3]:
        before = _version(reg, row_id), _stored(reg, row_id, col)
        fields = form_fields(text(admin.get(url)))
        r = admin._open(url, method="POST", data=with_values(fields, **{col: bad}))
        assert r.status_code == 200, (reg.key, col, bad, r.status_code)
        html = text(r)
        # the message sits in the field's own cell of the form
        m = re.search(rf'name="{col}"(.*?)</td>', html, re.S)
        assert m and _names_value_error(m.group(1), value_messages), (reg.key, col, bad, m and m.group(1))
        assert (_version(reg, row_id), _stored(reg, row_id, col)) == before
    for typed, stored in GOOD[kind]:
        fields = form_fields(text(admin.get(url)))
        r = admin._open(url, method="POST", data=with_values(fields, **{col: typed}))
        if (reg.key, col) in RULE_FROZEN and r.status_code == 200:
            assert not _names_value_error(text(r), value_messages), (reg.key, col, typed)
            continue
        assert r.status_code == 302, (reg.key, col, typed, r.status_code, re.findall(r'help-block">(.*?)<', text(r)))
        assert _same(kind, _stored(reg, row_id, col), stored), (reg.key, col, typed)


def _labels(app, reg, col):
    from app.core import imports

    with app.test_request_context(), force_locale("zh"):
        return imports.id_field(reg).label, str(reg.label(col))


@pytest.mark.parametrize("reg,col,kind", CASES, ids=lambda x: getattr(x, "key", x))
def test_import(app, db, clients, value_messages, reg, col, kind):
    admin = clients("admin")
    row_id = _row(reg).id
    id_label, col_label = _labels(app, reg, col)
    before = _version(reg, row_id), _stored(reg, row_id, col)
    sheet = [[id_label, col_label], *[[row_id, bad] for bad in BAD[kind][:1]]]
    html = page(upload(admin, reg.key, xlsx_bytes(sheet)))
    assert 'id="import-errors"' in html, (reg.key, col, html[html.find("alert") :][:800])
    errors = html[html.index('id="import-errors"') :]
    errors = errors[: errors.index("</table>")]
    assert col_label in errors and _names_value_error(errors, value_messages), (reg.key, col, errors[:600])
    assert (_version(reg, row_id), _stored(reg, row_id, col)) == before
    for bad in BAD[kind][1:]:  # one row per bad value is one error each
        html = page(upload(admin, reg.key, xlsx_bytes([[id_label, col_label], [row_id, bad]])))
        assert 'id="import-errors"' in html and _names_value_error(html, value_messages), (reg.key, col, bad)
    from tests.sheets.helpers import confirm, token_of

    for typed, stored in GOOD[kind]:
        preview = upload(admin, reg.key, xlsx_bytes([[id_label, col_label], [row_id, typed]]))
        html = page(preview)
        if (reg.key, col) in RULE_FROZEN:
            assert not _names_value_error(html, value_messages), (reg.key, col, typed)
            continue
        assert 'id="import-errors"' not in html and 'id="import-refused"' not in html, (
            reg.key,
            col,
            typed,
            html[html.find("import-errors") :][:800],
        )
        token = token_of(preview)
        if token is None:  # unchanged: the value is already stored
            assert _same(kind, _stored(reg, row_id, col), stored)
            continue
        assert confirm(admin, reg.key, token).status_code == 302
        assert _same(kind, _stored(reg, row_id, col), stored), (reg.key, col, typed, _stored(reg, row_id, col))
