"""Meeting time rules with fixed dates: TR-04 (研判会 topics circulated first), TR-10 (周二无会日)."""

import datetime as dt

import pytest

from app.common.enums import MeetingType
from app.common.rules import breaks_meeting_free_tuesday, topics_circulated_in_time
from app.core import clock

from . import factories as f
from .conftest import text

TUESDAY = dt.datetime(2026, 12, 1, 9, 0)  # a Tuesday
WEDNESDAY = dt.datetime(2026, 12, 2, 9, 0)


def test_tr04_topics_must_be_circulated_before_the_meeting():
    start = dt.datetime(2026, 12, 24, 14, 30)
    assert topics_circulated_in_time(start, dt.datetime(2026, 12, 22, 10, 0))
    assert not topics_circulated_in_time(start, start)
    assert not topics_circulated_in_time(start, dt.datetime(2026, 12, 24, 15, 0))
    assert not topics_circulated_in_time(start, None)


@pytest.mark.parametrize(
    "mtype,when,ad_hoc,breaks",
    [
        (MeetingType.djb_weekly, TUESDAY, False, True),
        (MeetingType.djb_weekly, TUESDAY, True, False),
        (MeetingType.team_monthly, TUESDAY, False, False),
        (MeetingType.enforcement_emergency, TUESDAY, False, False),
        (MeetingType.djb_weekly, WEDNESDAY, False, False),
    ],
)
def test_tr10_meeting_free_tuesday(mtype, when, ad_hoc, breaks):
    assert breaks_meeting_free_tuesday(mtype, when, ad_hoc) is breaks


@pytest.fixture()
def frozen():
    clock.freeze(dt.datetime(2026, 12, 28, 9, 0))
    yield
    clock.reset()


def _analysis(**over):
    data = {
        "module": "dangjian",
        "meeting_type": "dangjian_analysis",
        "title": over.pop("title"),
        "org_unit": str(f.org("荷花街道").id),
        "status": "held",
        "planned_start": "2026-12-24 14:30:00",
        "actual_start": "2026-12-24 14:30:00",
        "chair": str(f.user("leader").id),
    }
    data.update(over)
    return data


def test_tr04_enforced_when_marking_held(db, clients, frozen):
    r = clients("djb").post_form("/meeting/add", _analysis(title="研判会（未发议题）"))
    assert r.status_code == 200
    assert "研判会须在会前发送议题" in text(r)
    r = clients("djb").post_form(
        "/meeting/add", _analysis(title="研判会（已发议题）", topics_circulated_at="2026-12-22 10:00:00")
    )
    assert r.status_code == 302


def test_tr10_refuses_until_confirmed(db, clients):
    c = clients("djb")
    data = {
        "module": "dangjian",
        "meeting_type": "djb_weekly",
        "title": "周二例会（测试）",
        "org_unit": str(f.org("荷花街道").id),
        "status": "planned",
        "planned_start": "2026-12-01 09:00:00",
        "chair": str(f.user("djb").id),
    }
    r = c.post_form("/meeting/add", data)
    assert r.status_code == 200
    assert "周二为“无会日”" in text(r)
    r = c.post_form("/meeting/add", {**data, "is_ad_hoc": "y", "remarks": "上级临时部署"})
    assert r.status_code == 302
