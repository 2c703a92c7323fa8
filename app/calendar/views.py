"""Calendar pages: month and week views (server-rendered tables, weeks start on Monday), the
personal feed page (see / regenerate / revoke the token), and the token-authenticated .ics feed."""

from __future__ import annotations

import calendar as pycal
import datetime as dt

from flask import Response, abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from icalendar import Calendar, Event

from app.core import clock, scope
from app.core.context import current_user
from app.extensions import db

from . import service
from .engine import WorkDays
from .models import CalendarToken

WEEKDAYS = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
FEED_DAYS_BACK, FEED_DAYS_AHEAD = 62, 183


def _parse_day(text: str | None) -> dt.date:
    try:
        return dt.date.fromisoformat(text) if text else clock.today()
    except ValueError:
        return clock.today()


def _month_args() -> tuple[int, int]:
    today = clock.today()
    try:
        year, month = int(request.args.get("year", today.year)), int(request.args.get("month", today.month))
        dt.date(year, month, 1)
    except (TypeError, ValueError):
        year, month = today.year, today.month
    return year, month


class CalendarView(BaseView):
    route_base = "/calendar"
    class_permission_name = "calendar"
    method_permission_name = {
        "month": "read",
        "week": "read",
        "feed": "read",
        "feed_regenerate": "read",
        "feed_revoke": "read",
    }
    default_view = "month"

    def _days(self, start: dt.date, end: dt.date):
        work = WorkDays.load(start, end)
        items = service.occurrences(start, end, work=work)
        by_day: dict[dt.date, list] = {}
        for occ in items:
            by_day.setdefault(occ.day, []).append(occ)
        days = []
        d = start
        while d <= end:
            days.append(
                {
                    "date": d,
                    "items": by_day.get(d, []),
                    "working": work.is_working(d),
                    "label": work.label(d),
                    "today": d == clock.today(),
                }
            )
            d += dt.timedelta(days=1)
        return days

    @expose("/month/")
    @has_access
    def month(self):
        year, month = _month_args()
        first = dt.date(year, month, 1)
        last = dt.date(year, month, pycal.monthrange(year, month)[1])
        start = first - dt.timedelta(days=first.weekday())
        end = last + dt.timedelta(days=6 - last.weekday())
        days = self._days(start, end)
        weeks = [days[i : i + 7] for i in range(0, len(days), 7)]
        prev = (first - dt.timedelta(days=1)).replace(day=1)
        nxt = last + dt.timedelta(days=1)
        return self.render_template(
            "jiedao/calendar.html",
            mode="month",
            weeks=weeks,
            weekdays=WEEKDAYS,
            title=f"{year}年{month}月",
            month=month,
            prev_url=url_for("CalendarView.month", year=prev.year, month=prev.month),
            next_url=url_for("CalendarView.month", year=nxt.year, month=nxt.month),
            other_url=url_for("CalendarView.week", date=first.isoformat()),
        )

    @expose("/week/")
    @has_access
    def week(self):
        day = _parse_day(request.args.get("date"))
        start = day - dt.timedelta(days=day.weekday())
        end = start + dt.timedelta(days=6)
        days = self._days(start, end)
        iso = start.isocalendar()
        return self.render_template(
            "jiedao/calendar.html",
            mode="week",
            weeks=[days],
            weekdays=WEEKDAYS,
            title=f"{iso[0]}年第{iso[1]}周（{start:%m月%d日}—{end:%m月%d日}）",
            month=None,
            prev_url=url_for("CalendarView.week", date=(start - dt.timedelta(days=7)).isoformat()),
            next_url=url_for("CalendarView.week", date=(start + dt.timedelta(days=7)).isoformat()),
            other_url=url_for("CalendarView.month", year=start.year, month=start.month),
        )

    # --- the personal feed -------------------------------------------------------------
    @expose("/feed/")
    @has_access
    def feed(self):
        row = CalendarToken.of_user(current_user().id)
        ended = row is not None and row.ended
        return self.render_template(
            "jiedao/calendar_feed.html", token=None if ended else row, ended=ended, new_url=None
        )

    @expose("/feed/regenerate", methods=["POST"])
    @has_access
    def feed_regenerate(self):
        user = current_user()
        token = CalendarToken.issue(user.id)
        row = CalendarToken.of_user(user.id)
        url = url_for("CalendarView.ics", token=token, _external=True)
        flash(_("A new feed address was made; the old one no longer works."), "success")
        return self.render_template("jiedao/calendar_feed.html", token=row, new_url=url)

    @expose("/feed/revoke", methods=["POST"])
    @has_access
    def feed_revoke(self):
        CalendarToken.revoke(current_user().id)
        flash(_("The feed address was revoked."), "success")
        return redirect(url_for("CalendarView.feed"))

    @expose("/ics/<token>.ics")
    def ics(self, token):
        """No session: the token names the user, whose scope decides what the feed holds."""
        from app.org.models import AppUser

        row = CalendarToken.resolve(token)
        if row is None:
            abort(404)
        user = db.session.get(AppUser, row.user_id)
        if user is None or not user.active:
            abort(404)
        g.jiedao_principal = scope.build_principal(user)
        row.last_used_at = clock.now()
        db.session.commit()
        today = clock.today()
        start, end = today - dt.timedelta(days=FEED_DAYS_BACK), today + dt.timedelta(days=FEED_DAYS_AHEAD)
        work = WorkDays.load(start, end)
        items = service.occurrences(start, end, work=work) + service.day_marks(start, end, work)
        return Response(
            to_ics(items, request.host), mimetype="text/calendar", headers={"Cache-Control": "private, no-store"}
        )


STATUS_TEXT = {
    "held": "已召开",
    "planned": "计划",
    "postponed": "延期",
    "cancelled": "取消",
    "missed": "未召开",
    "open": "待召开",
}  # the .ics feed is in the office's language (zh_CN) whatever the client


def to_ics(items, host: str) -> bytes:
    cal = Calendar()
    cal.add("prodid", "-//Jiedao//calendar//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "街道工作日程")
    cal.add("x-wr-timezone", "Asia/Shanghai")
    stamp = clock.now()
    for n, occ in enumerate(items):
        ev = Event()
        ident = f"{occ.kind}-{getattr(occ.rule, 'id', '')}-{getattr(occ.meeting, 'id', '')}-{occ.day:%Y%m%d}-{n}"
        ev.add("uid", f"{ident}@{host}")
        ev.add("dtstamp", stamp)
        summary = occ.title
        if occ.status in STATUS_TEXT and occ.kind != "tuesday":
            summary += f"［{STATUS_TEXT[occ.status]}］"
        if occ.holiday:
            summary += f"（{occ.holiday}）"
        ev.add("summary", summary)
        if occ.start is not None:
            ev.add("dtstart", occ.start)
            minutes = getattr(occ.rule, "duration_minutes", None) or 60
            ev.add("dtend", occ.start + dt.timedelta(minutes=minutes))
        else:
            ev.add("dtstart", occ.day)
            ev.add("dtend", occ.day + dt.timedelta(days=1))
        place = getattr(occ.meeting, "place", None) or getattr(occ.rule, "place", None)
        if place:
            ev.add("location", place)
        if occ.url:
            ev.add("url", f"http://{host}{occ.url}")
        ev.add("categories", [occ.kind])
        cal.add_component(ev)
    return cal.to_ical()


def register_views(appbuilder) -> None:
    appbuilder.add_view(
        CalendarView,
        "calendar",
        label=_l("Calendar"),
        icon="fa-calendar-check-o",
        category="common",
        category_label=_l("module_common"),
        href="/calendar/month/",
    )
