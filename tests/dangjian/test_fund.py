"""The community fund (TR-08): Decimal money, the ceiling with the remaining balance in the
message, reversals instead of edits, commitments warn, the balance page and its xlsx, and the
ceiling under concurrency on PostgreSQL (the fund row is locked with SELECT … FOR UPDATE)."""

import io
import threading
from decimal import Decimal

import openpyxl
import pytest
import sqlalchemy as sa

from app.core import registry, writes
from app.modules.dangjian import rules
from app.modules.dangjian.enums import FundEntryType, FundPurpose
from app.modules.dangjian.enums import ProjectStatus as PS
from app.modules.dangjian.models import FundExpenditure, ServiceFund

from .. import factories as f
from ..conftest import text
from .helpers import fund, project


def spend(client, fund_id, amount, **kw):
    body = {
        "fund": fund_id,
        "entry_type": "expenditure",
        "spent_on": "2040-05-06",
        "amount": amount,
        "purpose": "mass_service",
        "description": "敬老活动物资",
        **kw,
    }
    return client.api("POST", "/api/v1/fund_expenditure/", json=body)


def test_default_allocation_is_configurable(app, db, clients):
    assert rules.fund_allocation() == Decimal("150000.00")
    r = clients("djb").api("POST", "/api/v1/service_fund/", json={"org_unit": f.org("春江社区").id, "year": 2039})
    assert r.status_code == 201, r.get_json()
    assert db.session.get(ServiceFund, r.get_json()["id"]).allocated_amount == Decimal("150000.00")
    app.config["DANGJIAN_FUND_ALLOCATION"] = "180000"
    try:
        assert rules.fund_allocation() == Decimal("180000.00")
    finally:
        app.config.pop("DANGJIAN_FUND_ALLOCATION")
    # one fund per community and year
    r = clients("djb").api("POST", "/api/v1/service_fund/", json={"org_unit": f.org("春江社区").id, "year": 2039})
    assert r.status_code == 422


def test_ceiling_decimal_and_reversal(db, clients):
    fd = fund(2040)
    sq1 = clients("sq1")
    for amount in ("0.10", "0.20"):
        assert spend(sq1, fd.id, amount).status_code == 201
    assert rules.ledger_totals(fd.id) == Decimal("0.30")  # no float drift
    assert spend(sq1, fd.id, "149999.00").status_code == 201
    r = spend(sq1, fd.id, "1.00")
    assert r.status_code == 422
    assert "剩余 0.70 元" in r.get_json()["message"], r.get_json()
    assert spend(sq1, fd.id, "0").status_code == 422
    assert spend(sq1, fd.id, "1.00", spent_on="2041-01-02").status_code == 422  # outside the fund's year
    big = db.session.execute(
        sa.select(FundExpenditure).where(
            FundExpenditure.fund_id == fd.id, FundExpenditure.amount == Decimal("149999.00")
        )
    ).scalar_one()
    # a booked amount is not edited …
    r = sq1.api("PUT", f"/api/v1/fund_expenditure/{big.id}", json={"version": big.version, "amount": "9.00"})
    assert r.status_code == 422 and "冲销" in r.get_json()["message"]
    # … it is reversed, at most by its own amount
    r = spend(sq1, fd.id, "150000.00", entry_type="reversal", reversal_of=big.id, description="录入错误冲销")
    assert r.status_code == 422
    r = spend(sq1, fd.id, "149999.00", entry_type="reversal", reversal_of=big.id, description="录入错误冲销")
    assert r.status_code == 201, r.get_json()
    db.session.expire_all()
    row = db.session.get(ServiceFund, fd.id)
    assert row.spent_amount == Decimal("0.30") == rules.ledger_totals(fd.id)
    assert row.balance == Decimal("149999.70")
    assert db.session.execute(sa.select(sa.func.count()).where(FundExpenditure.fund_id == fd.id)).scalar() == 4
    # another community's secretary cannot book on it
    assert spend(clients("sq2"), fd.id, "1.00").status_code in (403, 404, 422)
    assert db.session.execute(sa.select(sa.func.count()).where(FundExpenditure.fund_id == fd.id)).scalar() == 4


def test_overspending_through_the_form_shows_the_balance(db, clients):
    fd = fund(2042, allocated="1000.00")
    page = clients("sq1").post_form(
        "/fund_expenditure/add",
        {
            "fund": str(fd.id),
            "entry_type": "expenditure",
            "spent_on": "2042-03-03",
            "amount": "1000.01",
            "purpose": "other",
            "description": "超支测试",
        },
        follow_redirects=True,
    )
    assert "剩余 1,000.00 元" in text(page)
    assert rules.ledger_totals(fd.id) == Decimal("0.00")


def test_commitments_warn_but_do_not_block(db, clients):
    fd = fund(2043, allocated="1000.00")
    project(2043, "预算承诺测试项目", status=PS.approved, budget="900.00")
    r = spend(clients("djb"), fd.id, "200.00", spent_on="2043-04-01")
    assert r.status_code == 201
    page = text(clients("djb").get("/dangjian_fund/balance/?year=2043"))
    assert "900.00" in page and "200.00" in page and "800.00" in page


def test_balance_page_and_export_follow_the_ledger_and_scope(db, clients):
    mine = fund(2044)
    other = fund(2044, community="新村社区")
    assert spend(clients("djb"), mine.id, "1234.56", spent_on="2044-02-02").status_code == 201
    assert spend(clients("djb"), other.id, "99.00", spent_on="2044-02-02").status_code == 201
    rows = {(r["community"], r["year"]): r for r in rules.balance_rows(2044)}
    assert rows[("荷花社区", 2044)]["remaining"] == Decimal("148765.44")
    page = text(clients("sq1").get("/dangjian_fund/balance/?year=2044"))
    assert "148,765.44" in page and "新村社区" not in page
    book = openpyxl.load_workbook(io.BytesIO(clients("sq1").get("/dangjian_fund/export_xlsx/?year=2044").data))
    values = [row for row in book.active.iter_rows(values_only=True)]
    assert values[1][:6] == ("荷花社区", 2044, 150000, 0, 1234.56, 148765.44) and len(values) == 2
    djb_rows = list(
        openpyxl.load_workbook(
            io.BytesIO(clients("djb").get("/dangjian_fund/export_xlsx/?year=2044").data)
        ).active.iter_rows(values_only=True)
    )
    assert len(djb_rows) == 3
    assert clients("tz1").get("/dangjian_fund/balance/").status_code in (302, 403)


def test_two_expenditures_at_the_same_moment_do_not_exceed_the_fund(app, db, monkeypatch):
    if db.engine.dialect.name != "postgresql":
        pytest.skip(
            "SQLite has no row locks (SELECT … FOR UPDATE): the ceiling under concurrency is proven on PostgreSQL"
        )
    fd = fund(2045, allocated="150000.00")
    reg = registry.get("fund_expenditure")
    real_totals = rules.ledger_totals
    reading = threading.Barrier(2, timeout=5)

    def slow_totals(fund_id, exclude_id=None):
        # widen the race: both writers read the ledger before either commits, unless the lock serialises them
        value = real_totals(fund_id, exclude_id)
        try:
            reading.wait(timeout=1)
        except threading.BrokenBarrierError:
            pass
        return value

    monkeypatch.setattr(rules, "ledger_totals", slow_totals)
    start = threading.Barrier(2, timeout=10)
    fund_id = fd.id  # read here: the test's own session must not be touched from the threads
    results = []

    def writer(n):
        with app.app_context():
            from app.extensions import db as tdb

            e = FundExpenditure(
                fund=tdb.session.get(ServiceFund, fund_id),
                entry_type=FundEntryType.expenditure,
                spent_on=__import__("datetime").date(2045, 6, 1),
                amount=Decimal("100000.00"),
                purpose=FundPurpose.other,
                description=f"并发支出{n}",
            )
            start.wait()
            try:
                writes.save(reg, e)
                results.append("saved")
            except writes.WriteRefused as refusal:
                results.append(refusal.message)
            finally:
                tdb.session.remove()

    threads = [threading.Thread(target=writer, args=(n,)) for n in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not any(t.is_alive() for t in threads)
    assert sorted(r == "saved" for r in results) == [False, True], results
    assert "50,000.00" in [r for r in results if r != "saved"][0]
    monkeypatch.setattr(rules, "ledger_totals", real_totals)
    db.session.expire_all()
    assert rules.ledger_totals(fd.id) == Decimal("100000.00")
    assert db.session.get(ServiceFund, fd.id).balance == Decimal("50000.00")
