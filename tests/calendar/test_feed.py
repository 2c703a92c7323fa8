"""The personal .ics feed: a revocable secret token, no session, the token user's scope; parsed with icalendar."""

import datetime as dt
import re

import sqlalchemy as sa
from icalendar import Calendar

from app.calendar.models import CalendarToken, token_hash
from app.common.enums import MeetingType
from app.core import clock

from .. import factories as f
from ..conftest import text

URL_RE = re.compile(r'id="jd-feed-url" readonly value="([^"]+)"')


def _new_token(client) -> str:
    r = client.post_form("/calendar/feed/regenerate", {}, form_url="/calendar/feed/")
    assert r.status_code == 200
    url = URL_RE.search(text(r)).group(1)
    return url.split("/calendar/ics/", 1)[1].removesuffix(".ics")


def _summaries(body: bytes) -> list[str]:
    cal = Calendar.from_ical(body)
    return [str(ev.get("summary")) for ev in cal.walk("VEVENT")]


def test_feed_parses_and_holds_only_the_users_scope(db, clients):
    soon = dt.datetime.combine(clock.today() + dt.timedelta(days=9), dt.time(15, 0))
    mine = f.meeting("荷花社区", "荷花社区订阅测试会", chair="sq1", meeting_type=MeetingType.other, planned_start=soon)
    theirs = f.meeting(
        "新村社区", "新村社区订阅测试会", chair="sq2", meeting_type=MeetingType.other, planned_start=soon
    )
    token = _new_token(clients("sq1"))
    anonymous = clients(None)
    r = anonymous.get(f"/calendar/ics/{token}.ics")
    assert r.status_code == 200 and r.mimetype == "text/calendar"
    cal = Calendar.from_ical(r.data)
    assert cal.get("version") == "2.0"
    events = list(cal.walk("VEVENT"))
    titles = [str(e.get("summary")) for e in events]
    assert any(mine.title in t for t in titles)
    assert not any(theirs.title in t for t in titles)
    assert any("周二无会日" in t for t in titles)
    assert any("党建办周一例会" in t for t in titles)  # reference schedule rows
    ev = next(e for e in events if mine.title in str(e.get("summary")))
    assert ev.decoded("dtstart") == soon
    assert len({str(e.get("uid")) for e in events}) == len(events)

    # holidays and 调休 days of the window are all-day entries
    today = clock.today()
    from app.calendar.engine import WorkDays

    window = [today + dt.timedelta(days=i) for i in range(-62, 184)]
    work = WorkDays.load(window[0], window[-1])  # the package plus the work_calendar rows
    marked = {d for d in window if work.label(d)}
    got = {e.decoded("dtstart") for e in events if e.get("categories").cats == ["holiday"]}
    assert got == marked and marked

    # the leader's feed holds both communities
    both = _summaries(anonymous.get(f"/calendar/ics/{_new_token(clients('leader'))}.ics").data)
    assert any(mine.title in t for t in both) and any(theirs.title in t for t in both)


def test_only_the_hash_is_stored_and_the_page_shows_state(db, clients):
    token = _new_token(clients("sq2"))
    row = db.session.execute(sa.select(CalendarToken).where(CalendarToken.user_id == f.user("sq2").id)).scalar_one()
    assert row.token_hash == token_hash(token) and token not in row.token_hash
    page = text(clients("sq2").get("/calendar/feed/"))
    assert token not in page and 'id="jd-feed-state"' in page


def test_regenerate_and_revoke(db, clients):
    c, anonymous = clients("wg1"), clients(None)
    first = _new_token(c)
    assert anonymous.get(f"/calendar/ics/{first}.ics").status_code == 200
    second = _new_token(c)
    assert second != first
    assert anonymous.get(f"/calendar/ics/{first}.ics").status_code == 404
    assert anonymous.get(f"/calendar/ics/{second}.ics").status_code == 200
    r = c.post_form("/calendar/feed/revoke", {}, form_url="/calendar/feed/")
    assert r.status_code == 302
    assert anonymous.get(f"/calendar/ics/{second}.ics").status_code == 404
    assert anonymous.get("/calendar/ics/not-a-token.ics").status_code == 404


def test_feed_pages_need_login_and_csrf(db, clients):
    assert clients(None).get("/calendar/feed/").status_code in (302, 401)
    r = clients("sq1").post("/calendar/feed/regenerate", data={})
    assert r.status_code == 400  # no CSRF token
