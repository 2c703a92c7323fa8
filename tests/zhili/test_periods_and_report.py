"""重点时节 (TR-23, off by default) and the monthly report deadline (TR-22)."""

import datetime as dt

from app.core import registry, timerules
from app.modules.zhili.enums import FiveColour, PatrolTarget, VisitType
from app.modules.zhili.models import Household, PatrolRecord, PetitionReport, SensitivePeriod

from .. import factories as f
from .helpers import grid_of, save


def _ids(now, key, rule):
    return {d.row_id for _r, d in timerules.collect(now, [registry.get(key)]) if d.rule == rule}


def test_red_households_in_sensitive_periods_only_when_enabled(app, db):
    sp = save(
        SensitivePeriod(
            name="T-重点时节", start_date=dt.date(2024, 2, 1), end_date=dt.date(2024, 2, 20), org_unit=f.org("荷花街道")
        )
    )
    h = save(Household(org_unit=grid_of("wg1"), address="红色测试", head_name="冯测试", colour=FiveColour.red))
    now = dt.datetime(2024, 2, 10, 9)
    assert h.id not in _ids(now, "household", "TR-23")  # off by default (domain §5.4)
    app.config["ZHILI_TR23_ENABLED"] = 1
    try:
        assert h.id in _ids(now, "household", "TR-23")
        assert h.id not in _ids(dt.datetime(2024, 3, 1), "household", "TR-23")
        save(
            PatrolRecord(
                target=PatrolTarget.household,
                household=h,
                visit_type=VisitType.key_attention,
                visited_at=dt.datetime(2024, 2, 5, 10),
                visitor=f.user("wg1"),
            )
        )
        assert h.id not in _ids(now, "household", "TR-23")
    finally:
        del app.config["ZHILI_TR23_ENABLED"]
    assert sp.end_date >= sp.start_date


def test_sensitive_period_dates_in_order(db, clients):
    r = clients("admin").api(
        "POST",
        "/api/v1/sensitive_period/",
        json={"name": "倒序", "start_date": "2026-10-08", "end_date": "2026-10-01", "org_unit": f.org("荷花街道").id},
    )
    assert r.status_code == 422


def test_unpublished_report_is_due_on_the_last_working_day(db):
    # January 2026: the 31st is a Saturday, so the last working day is Friday the 30th
    r = save(PetitionReport(month="2026-01", evaluation="x", made_by=f.user("fgfsj"), org_unit=f.org("荷花街道")))
    dues = [
        d
        for _r, d in timerules.collect(dt.datetime(2026, 1, 29), [registry.get("petition_report")])
        if d.row_id == r.id
    ]
    assert [d.due_at for d in dues] == [dt.datetime(2026, 1, 30, 23, 59, 59)]
    r.published_at = dt.datetime(2026, 1, 30, 17)
    save(r)
    assert not [
        d for _r, d in timerules.collect(dt.datetime(2026, 2, 2), [registry.get("petition_report")]) if d.row_id == r.id
    ]


def test_a_month_without_a_report_is_due_too(db):
    # May 2023 ends on a Wednesday: the report is due on the 31st; it shows from a week before
    def missing(now, month="2023-05"):
        return [
            d
            for _r, d in timerules.collect(now, [registry.get("petition_report")])
            if d.rule == "TR-22" and d.row_id is None and month in d.title
        ]

    assert not missing(dt.datetime(2023, 5, 20, 9))
    [due] = missing(dt.datetime(2023, 5, 25, 9))
    assert due.due_at == dt.datetime(2023, 5, 31, 23, 59, 59)
    # next month, May's missing report is overdue (and June's is not due yet)
    assert not missing(dt.datetime(2023, 6, 5, 9), "2023-06")
    [late] = missing(dt.datetime(2023, 6, 5, 9))
    assert late.due_at == due.due_at and timerules.stage_of(late, dt.datetime(2023, 6, 5, 9)) == timerules.NOTICE
    save(PetitionReport(month="2023-05", evaluation="x", made_by=f.user("fgfsj"), org_unit=f.org("荷花街道")))
    assert not missing(dt.datetime(2023, 6, 5, 9))
