"""No oracle on a masked column: a role that sees a column masked cannot sort by it (API 400; the
list page and the export keep the id order: every personal column shown in a list, as every demo
role reading it) nor filter or search by it (the audit log's diffs, the one personal column offered
for search: API 400, list page and export ignore the filter; under them, every query drops such a
filter). A role that sees the column clear keeps the sort (the refusal is the mask's)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from flask import g

from app.core import pii, registry, scope
from app.core.interface import ScopedInterface
from app.core.views import view_class_name

from .. import factories as f
from ..roles import LOGIN_FOR_ROLE
from ..sheets.helpers import book
from .test_nested_masking import _audited_id_no_change


def _hidden_for(app, login, reg, column) -> bool:
    with app.test_request_context():
        g.jiedao_principal = scope.build_principal(f.user(login))
        return pii.hidden(reg, column)


def _list_cases():
    """(register key, column) of every personal column shown in a register's list."""
    return [(reg.key, column) for reg in registry.all_registers() for column in reg.pii if column in reg.list_columns]


def _readers(clients, reg):
    """One demo login per role that reads the register's API."""
    return [
        login
        for _, login in sorted(LOGIN_FOR_ROLE.items())
        if clients(login).api("GET", f"{reg.api_url}?q=(page:0,page_size:1)").status_code == 200
    ]


def _list_ids(client, reg, **args):
    v = view_class_name(reg)
    query = "&".join([f"psize_{v}=100"] + [f"{k.format(v=v)}={val}" for k, val in args.items()])
    r = client.get(f"{reg.list_url}?{query}")
    assert r.status_code == 200, (reg.key, r.status_code)
    return list(dict.fromkeys(int(i) for i in re.findall(rf"/{reg.key}/show/(\d+)", r.get_data(as_text=True))))


def _export_ids(client, reg, **args):
    v = view_class_name(reg)
    query = "&".join(f"{k.format(v=v)}={val}" for k, val in args.items())
    rows = [
        list(r) for r in book(client.get(f"/{reg.key}/export_xlsx/?{query}")).worksheets[0].iter_rows(values_only=True)
    ]
    return [r[-1] for r in rows[1:]]


@pytest.mark.parametrize("key,column", _list_cases())
def test_sorting_by_a_masked_column(app, db, clients, key, column):
    reg = registry.get(key)
    readers = [(login, _hidden_for(app, login, reg, column)) for login in _readers(clients, reg)]
    assert any(h for _, h in readers), f"no demo role sees {key}.{column} masked"
    for login, hidden in readers:
        c = clients(login)
        r = c.api("GET", f"{reg.api_url}?q=(order_column:{column},order_direction:asc,page:0,page_size:5)")
        assert r.status_code == (400 if hidden else 200), (login, r.get_data(as_text=True)[:200])
        if not hidden:
            continue
        by_id = _list_ids(c, reg, **{"_oc_{v}": "id", "_od_{v}": "asc"})
        assert _list_ids(c, reg, **{"_oc_{v}": column, "_od_{v}": "asc"}) == by_id, login
        assert _export_ids(c, reg, **{"_oc_{v}": column, "_od_{v}": "asc"}) == _export_ids(
            c, reg, **{"_oc_{v}": "id", "_od_{v}": "asc"}
        ), login


def test_sorting_by_a_clear_column_still_sorts(app, db, clients):
    """The control of the test above: the same list pages do follow a sort the user may use."""
    reg = registry.get("petition_case")
    c = clients("zhzx")  # 指挥中心 handles petitions: phones clear
    assert not _hidden_for(app, "zhzx", reg, "petitioner_phone")
    by_phone = _list_ids(c, reg, **{"_oc_{v}": "petitioner_phone", "_od_{v}": "asc"})
    assert by_phone != _list_ids(c, reg, **{"_oc_{v}": "id", "_od_{v}": "asc"})
    r = c.api("GET", f"{reg.api_url}?q=(order_column:petitioner_phone,order_direction:asc,page:0,page_size:100)")
    phones = [row["petitioner_phone"] for row in r.get_json()["result"] if row["petitioner_phone"]]
    assert r.status_code == 200 and phones == sorted(phones)


def _count_with_filter(app, login, reg, column, index, value):
    """How many rows the datamodel finds for a search filter on `column`, as `login`."""
    with app.test_request_context():
        g.jiedao_principal = scope.build_principal(f.user(login))
        datamodel = ScopedInterface(reg.model)
        filters = datamodel.get_filters([column] if column else [])
        if column:
            filters.add_filter_index(column, index, value)
        return datamodel.query(filters)[0]


def test_every_query_drops_a_filter_on_a_masked_column(app, db):
    """The backstop under pages, exports and the API: a filter a view might still build on a
    masked column (FAB's "equal" here) selects nothing for a masked role; it does for a handler."""
    from app.modules.zhili.models import Resident

    reg = registry.get("resident")
    resident = (
        db.session.execute(sa.select(Resident).where(Resident.id_no.is_not(None)).order_by(Resident.id))
        .scalars()
        .first()
    )
    equal = next(
        i
        for i, flt in enumerate(ScopedInterface(Resident).get_filters(["id_no"])._all_filters["id_no"])
        if flt.arg_name == "eq"
    )
    for login in ("leader", "audit", "admin"):
        assert _hidden_for(app, login, reg, "id_no")
        everything = _count_with_filter(app, login, reg, None, 0, None)
        assert _count_with_filter(app, login, reg, "id_no", equal, resident.id_no) == everything > 1
    assert not _hidden_for(app, "wg1", reg, "id_no")  # a grid worker handles residents: his filter holds
    assert _count_with_filter(app, "wg1", reg, "id_no", equal, "no such number") == 0


def _filter_indexes(reg, column):
    return range(len(ScopedInterface(reg.model).get_filters([column])._all_filters[column]))


@pytest.mark.parametrize("login", ["audit", "admin"])
def test_audit_diff_cannot_be_searched_for_a_masked_value(app, db, clients, login):
    """The audit log's diffs hold every register's personal data: whoever sees any of it masked
    cannot search them (a "contains 3301…" would find the row with that ID number)."""
    log, old, new = _audited_id_no_change(app, db)
    reg = registry.get("audit_log")
    assert _hidden_for(app, login, reg, "diff")
    c = clients(login)
    for opr in ("ct", "sw", "eq"):
        r = c.api("GET", f"{reg.api_url}?q=(filters:!((col:diff,opr:{opr},value:'{new}')))")
        assert r.status_code == 400, (opr, r.get_data(as_text=True)[:200])
    assert c.api("GET", f"{reg.api_url}?q=(filters:!((col:ip,opr:ct,value:'1')))").status_code == 200
    unfiltered = _list_ids(c, reg)
    assert log.id in unfiltered and len(unfiltered) > 1
    for i in _filter_indexes(reg, "diff"):
        assert _list_ids(c, reg, **{f"_flt_{i}_diff": new}) == unfiltered, i
        assert _export_ids(c, reg, **{f"_flt_{i}_diff": new}) == _export_ids(c, reg), i
