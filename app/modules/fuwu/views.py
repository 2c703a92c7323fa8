"""大服务 custom page: cases per window and matter (day or month), staffing against targets, xlsx."""

from __future__ import annotations

import datetime as dt
import io

import sqlalchemy as sa
import xlsxwriter
from flask import request, send_file
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.core import clock, registry, scope
from app.extensions import db

from . import rules
from .enums import CaseStatus, PostType, WindowType
from .models import ServiceCase, ServiceMatter, ServiceWindow, WindowPost
from .registers import STATS_PAGE


def _cond(key: str, model):
    """Soft delete + the viewer's read scope on one register (the one scope filter, never by hand)."""
    cond = scope.clause(registry.get(key), scope.principal(), "read")
    parts = [model.is_deleted.is_(False)]
    if cond is not None:
        parts.append(cond)
    return sa.and_(*parts)


def period_bounds(period: str, value: str | None) -> tuple[str, dt.datetime, dt.datetime, str]:
    """('day'|'month', '2026-11-27'|'2026-11') → (period, start, end, normalised value); bad input → today."""
    today = clock.today()
    if period == "day":
        try:
            day = dt.date.fromisoformat(value) if value else today
        except ValueError:
            day = today
        start = dt.datetime.combine(day, dt.time())
        return "day", start, start + dt.timedelta(days=1), day.isoformat()
    month = value if value and rules.MONTH_RE.match(value) else f"{today:%Y-%m}"
    start, end = rules.month_bounds(month)
    return "month", start, end, month


def case_counts(start: dt.datetime, end: dt.datetime) -> list[dict]:
    """Per window and matter: received, issued, returned, open, average hours — one GROUP BY."""
    C, W, M = ServiceCase, ServiceWindow, ServiceMatter

    def n(status):
        return sa.func.sum(sa.case((C.status == status, 1), else_=0))

    open_ = sa.func.sum(
        sa.case((C.status.in_([CaseStatus.received, CaseStatus.back_office, CaseStatus.ready]), 1), else_=0)
    )
    stmt = (
        sa.select(
            W.number,
            M.name,
            sa.func.count(C.id),
            n(CaseStatus.issued),
            n(CaseStatus.returned),
            open_,
            sa.func.avg(C.hours_taken),
        )
        .join(W, C.window_id == W.id)
        .join(M, C.matter_id == M.id)
        .where(_cond("service_case", C), C.received_at >= start, C.received_at < end)
        .group_by(W.number, M.name)
        .order_by(W.number, M.name)
    )
    return [
        {
            "window": w,
            "matter": m,
            "received": int(total or 0),
            "issued": int(issued or 0),
            "returned": int(returned or 0),
            "open": int(opened or 0),
            "avg_hours": round(float(avg), 1) if avg is not None else None,
        }
        for w, m, total, issued, returned, opened, avg in db.session.execute(stmt)
    ]


def staffing(on: dt.date) -> list[dict]:
    """Open windows and current posts against the hall's targets (shown, not enforced: §10.50)."""
    W, P = ServiceWindow, WindowPost
    windows = dict(
        db.session.execute(
            sa.select(W.window_type, sa.func.count(W.id))
            .where(_cond("service_window", W), W.is_open.is_(True))
            .group_by(W.window_type)
        ).all()
    )
    posts = dict(
        db.session.execute(
            sa.select(P.post_type, sa.func.count(sa.distinct(P.staff_id)))
            .where(_cond("window_post", P), P.from_date <= on, sa.or_(P.to_date.is_(None), P.to_date >= on))
            .group_by(P.post_type)
        ).all()
    )
    out = []
    for key, target in rules.WINDOW_TARGETS.items():
        out.append({"label": WindowType[key].label, "target": target, "actual": int(windows.get(WindowType[key], 0))})
    for key, target in rules.POST_TARGETS.items():
        out.append({"label": PostType[key].label, "target": target, "actual": int(posts.get(PostType[key], 0))})
    return out


def columns():
    return [_("Window"), _("Matter"), _("Received"), _("Issued"), _("Returned"), _("Open"), _("Average hours")]


class ServiceStatsView(BaseView):
    route_base = "/service_stats"
    class_permission_name = STATS_PAGE
    method_permission_name = {"index": "read", "export_xlsx": "read"}
    default_view = "index"

    def _args(self):
        return period_bounds(request.args.get("period", "month"), request.args.get("value"))

    @expose("/")
    @has_access
    def index(self):
        period, start, end, value = self._args()
        rows = case_counts(start, end)
        totals = {k: sum(r[k] for r in rows) for k in ("received", "issued", "returned", "open")}
        return self.render_template(
            "fuwu/service_stats.html",
            rows=rows,
            totals=totals,
            period=period,
            value=value,
            columns=columns(),
            staffing=staffing(clock.today()),
            title=_("Service cases by window and matter"),
        )

    @expose("/export_xlsx/")
    @has_access
    def export_xlsx(self):
        period, start, end, value = self._args()
        buf = io.BytesIO()
        book = xlsxwriter.Workbook(buf, {"in_memory": True})
        sheet = book.add_worksheet(value)
        bold = book.add_format({"bold": True})
        sheet.write_row(0, 0, columns(), bold)
        for i, r in enumerate(case_counts(start, end), start=1):
            sheet.write_row(
                i,
                0,
                [
                    r["window"],
                    r["matter"],
                    r["received"],
                    r["issued"],
                    r["returned"],
                    r["open"],
                    "" if r["avg_hours"] is None else r["avg_hours"],
                ],
            )
        book.close()
        buf.seek(0)
        return send_file(
            buf,
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            as_attachment=True,
            download_name=f"service-cases-{value}.xlsx",
        )


def register_views(appbuilder) -> None:
    appbuilder.add_view(
        ServiceStatsView,
        STATS_PAGE,
        label=_l("Service cases by window and matter"),
        icon="fa-bar-chart",
        category="fuwu",
        category_label=registry.module_label("fuwu"),
    )
