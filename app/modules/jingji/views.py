"""平安社区 summary: per community, inspections and hazards of a year and its assessment (with xlsx)."""

from __future__ import annotations

import datetime as dt
import io
import os
from dataclasses import dataclass

import sqlalchemy as sa
import xlsxwriter
from flask import send_file
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.core import clock, registry, scope
from app.core.pages import year_arg
from app.extensions import db
from app.org.models import COMMUNITY_TYPES, OrgUnit

from .models import CommunitySafetyAssessment, SafetyInspection


@dataclass
class CommunityRow:
    community: OrgUnit
    inspections: int = 0
    hazards: int = 0
    open_hazards: int = 0
    overdue_hazards: int = 0
    rectified: int = 0
    score: object = None
    result: object = None


def _scoped(query, key: str):
    cond = scope.clause(registry.get(key), scope.principal(), "read")
    return query if cond is None else query.where(cond)


def summary(year: int, today: dt.date) -> list[CommunityRow]:
    """Every community the user may see, with its in-scope inspections and assessment of `year`,
    ranked by the assessment score (unassessed last)."""
    orgs = db.session.execute(scope.restrict(db.session.query(OrgUnit), OrgUnit).statement).scalars().all()
    comms = {o.id: CommunityRow(o) for o in orgs if o.unit_type in COMMUNITY_TYPES}
    parent = {
        o.id: (o.id if o.unit_type in COMMUNITY_TYPES else o.parent_id)
        for o in db.session.execute(sa.select(OrgUnit)).scalars()
    }
    start, end = dt.datetime(year, 1, 1), dt.datetime(year + 1, 1, 1)
    q = sa.select(SafetyInspection).where(
        SafetyInspection.is_deleted.is_(False),
        SafetyInspection.inspected_at >= start,
        SafetyInspection.inspected_at < end,
    )
    for ins in db.session.execute(_scoped(q, "safety_inspection")).scalars():
        row = comms.get(parent.get(ins.org_unit_id))
        if row is None:
            continue
        row.inspections += 1
        row.hazards += ins.hazard_count or 0
        if ins.hazard_count and ins.rectified_at is None:
            row.open_hazards += ins.hazard_count
            if ins.rectify_due is not None and ins.rectify_due < today:
                row.overdue_hazards += ins.hazard_count
        elif ins.hazard_count:
            row.rectified += ins.hazard_count
    q = sa.select(CommunitySafetyAssessment).where(
        CommunitySafetyAssessment.is_deleted.is_(False), CommunitySafetyAssessment.year == year
    )
    for a in db.session.execute(_scoped(q, "community_safety_assessment")).scalars():
        row = comms.get(a.org_unit_id)
        if row is not None:
            row.score, row.result = a.score, a.result
    return sorted(comms.values(), key=lambda r: (r.score is None, -(r.score or 0), r.community.sort_order or 0))


COLUMNS = [
    _l("Rank"),
    _l("Community"),
    _l("Inspections"),
    _l("Hazards found"),
    _l("Hazards rectified"),
    _l("Hazards open"),
    _l("Hazards overdue"),
    _l("fld_community_safety_assessment__score"),
    _l("fld_community_safety_assessment__result"),
]


def _cells(rank: int, r: CommunityRow) -> list:
    return [
        rank if r.score is not None else "",
        r.community.name,
        r.inspections,
        r.hazards,
        r.rectified,
        r.open_hazards,
        r.overdue_hazards,
        float(r.score) if r.score is not None else "",
        r.result.label if r.result is not None else "",
    ]


class SafetySummaryView(BaseView):
    template_folder = os.path.join(os.path.dirname(__file__), "templates")
    route_base = "/safety_summary"
    class_permission_name = "safety_summary"
    method_permission_name = {"index": "read", "export_xlsx": "read"}
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        year = year_arg()
        rows = summary(year, clock.today())
        return self.render_template(
            "jingji/safety_summary.html",
            year=year,
            columns=COLUMNS,
            table=[_cells(i, r) for i, r in enumerate(rows, start=1)],
            title=_("Safe-community summary"),
        )

    @expose("/export_xlsx/")
    @has_access
    def export_xlsx(self):
        year = year_arg()
        buf = io.BytesIO()
        book = xlsxwriter.Workbook(buf, {"in_memory": True})
        sheet = book.add_worksheet(str(year))
        sheet.write_row(0, 0, [str(c) for c in COLUMNS], book.add_format({"bold": True}))
        for i, r in enumerate(summary(year, clock.today()), start=1):
            sheet.write_row(i, 0, _cells(i, r))
        book.close()
        buf.seek(0)
        return send_file(
            buf,
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            as_attachment=True,
            download_name=f"safety-summary-{year}.xlsx",
        )


def register_views(appbuilder):
    appbuilder.add_view(
        SafetySummaryView,
        "safety_summary",
        label=_l("Safe-community summary"),
        icon="fa-shield",
        category="jingji",
        category_label=registry.module_label("jingji"),
    )
