"""Custom pages of 大党建: the project board with each reviewer's inbox, and the fund balance
(page and xlsx). Every query goes through scope.clause, so the data scope holds."""

from __future__ import annotations

import io

import sqlalchemy as sa
import xlsxwriter
from flask import request, send_file
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.core import clock, registry, scope
from app.core.pages import year_arg
from app.extensions import db

from . import rules
from .enums import ProjectStatus as PS
from .models import PartyProject, PartyProjectReview


def _scoped(key: str, need: str = "read"):
    return scope.clause(registry.get(key), scope.principal(), need)


def _where(q, cond):
    return q if cond is None else q.where(cond)


class ProjectBoardView(BaseView):
    route_base = "/dangjian_projects"
    class_permission_name = "dangjian_projects"
    method_permission_name = {"board": "read"}
    default_view = "board"

    @expose("/board/")
    @has_access
    def board(self):
        year = year_arg()
        q = _where(
            sa.select(PartyProject).where(PartyProject.is_deleted.is_(False), PartyProject.year == year),
            _scoped("party_project"),
        )
        projects = list(db.session.execute(q.order_by(PartyProject.org_unit_id, PartyProject.id)).scalars())
        by_community: dict = {}
        for p in projects:
            by_community.setdefault(p.org_unit, []).append(p)
        reviews = {}
        if projects:
            rq = sa.select(PartyProjectReview).where(
                PartyProjectReview.is_deleted.is_(False), PartyProjectReview.project_id.in_([p.id for p in projects])
            )
            for r in db.session.execute(rq.order_by(PartyProjectReview.reviewed_at)).scalars():
                reviews.setdefault(r.project_id, []).append(r)
        return self.render_template(
            "dangjian/board.html",
            year=year,
            by_community=by_community,
            reviews=reviews,
            inbox=waiting_for_me(),
            title=_("Party-building project board"),
        )


def waiting_for_me() -> list[PartyProject]:
    """Projects the current user can review now: the state's round is theirs and the row is in
    their approve scope (§9.4). Completion waits for the project's liaison leader."""
    p = scope.principal()
    states = [s for s, rnd in rules.ROUND_OF_STATE.items() if rules.may_review(p, rnd)]
    cond = _scoped("party_project", "approve")
    mine = [PartyProject.status.in_(states)] if states else []
    if p is not None:
        mine.append(sa.and_(PartyProject.status == PS.in_progress, PartyProject.liaison_leader_id == p.user_id))
    if not mine:
        return []
    q = _where(sa.select(PartyProject).where(PartyProject.is_deleted.is_(False), sa.or_(*mine)), cond)
    return list(db.session.execute(q.order_by(PartyProject.declared_at)).scalars())


FUND_COLUMNS = (
    ("community", _l("fld_service_fund__community")),
    ("year", _l("fld_service_fund__year")),
    ("allocated", _l("fld_service_fund__allocated_amount")),
    ("committed", _l("fld_service_fund__committed_amount")),
    ("spent", _l("fld_service_fund__spent_amount")),
    ("remaining", _l("fld_service_fund__balance")),
    ("percent_used", _l("Used (%)")),
)


class FundBalanceView(BaseView):
    route_base = "/dangjian_fund"
    class_permission_name = "dangjian_fund"
    method_permission_name = {"balance": "read", "export_xlsx": "read"}
    default_view = "balance"

    def _rows(self):
        year = request.args.get("year", type=int)
        return year, rules.balance_rows(year, _scoped("service_fund"))

    @expose("/balance/")
    @has_access
    def balance(self):
        year, rows = self._rows()
        return self.render_template(
            "dangjian/fund.html", rows=rows, year=year, columns=FUND_COLUMNS, title=_("Community fund balance")
        )

    @expose("/export_xlsx/")
    @has_access
    def export_xlsx(self):
        _year_arg, rows = self._rows()
        out = io.BytesIO()
        book = xlsxwriter.Workbook(out, {"in_memory": True})
        sheet = book.add_worksheet(_("Community fund balance")[:31])
        header = book.add_format({"bold": True})
        money_fmt = book.add_format({"num_format": "#,##0.00"})
        sheet.write_row(0, 0, [str(label) for _k, label in FUND_COLUMNS], header)
        for r, row in enumerate(rows, start=1):
            sheet.write(r, 0, row["community"])
            sheet.write_number(r, 1, row["year"])
            for c, key in enumerate(("allocated", "committed", "spent", "remaining"), start=2):
                # Decimal → the sheet's number: two places, exact for money of this size
                sheet.write_number(r, c, float(row[key]), money_fmt)
            sheet.write_number(r, 6, float(row["percent_used"]))
        book.close()
        out.seek(0)
        return send_file(
            out,
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            as_attachment=True,
            download_name=f"{_('Community fund balance')}-{clock.now():%Y%m%d}.xlsx",
        )


def register_views(appbuilder) -> None:
    appbuilder.add_view(
        ProjectBoardView,
        "dangjian_projects",
        label=_l("Party-building project board"),
        icon="fa-columns",
        category="dangjian",
    )
    appbuilder.add_view(
        FundBalanceView, "dangjian_fund", label=_l("Community fund balance"), icon="fa-pie-chart", category="dangjian"
    )
