"""大治理 pages: the monthly petition ranking (page + xlsx), colour counts per grid, rental patrol
compliance; and the view mixins of petition cases (the hand-off path), emergencies (live report
countdowns) and deliberation topics (their step records). Every query is scoped."""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict

import sqlalchemy as sa
import xlsxwriter
from flask import request, send_file
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app.core import clock, registry, scope

from . import rules


def _scoped(model, need: str = "read"):
    """SELECT over a register's live rows inside the current user's scope."""
    q = sa.select(model).where(model.is_deleted.is_(False))
    cond = scope.clause(registry.for_model(model), scope.principal(), need)
    return q if cond is None else q.where(cond)


def _session():
    from app.extensions import db

    return db.session


def _countdown(value):
    if value is None:
        return ""
    return Markup('<span class="zhili-countdown" data-due="{}">{}</span>').format(
        value.isoformat(), value.strftime("%Y-%m-%d %H:%M")
    )


# --------------------------------------------------------------------------- view mixins


class PetitionCaseMixin:
    """The case's path (each hand-off) and its actions under the detail panel."""

    show_template = "zhili/petition_case_show.html"

    def _show(self, pk):
        from .models import PetitionAction, PetitionHearing, PetitionTransfer

        widgets = super()._show(pk)
        s = _session()
        widgets["zhili_path"] = list(
            s.execute(
                _scoped(PetitionTransfer)
                .where(PetitionTransfer.case_id == int(pk))
                .order_by(PetitionTransfer.transferred_at)
            ).scalars()
        )
        widgets["zhili_actions"] = list(
            s.execute(
                _scoped(PetitionAction).where(PetitionAction.case_id == int(pk)).order_by(PetitionAction.acted_at)
            ).scalars()
        )
        widgets["zhili_hearings"] = list(
            s.execute(
                _scoped(PetitionHearing).where(PetitionHearing.case_id == int(pk)).order_by(PetitionHearing.held_at)
            ).scalars()
        )
        widgets["zhili_note"] = registry.get("petition_case").extra.get("regulation_note")
        return widgets


class EmergencyEventMixin:
    """Open events can be filtered (is_open) and sorted by urgency (next_due_at); the list and the
    show page count down to the report deadlines."""

    list_template = "zhili/emergency_list.html"
    show_template = "zhili/emergency_show.html"
    formatters_columns = {"next_due_at": _countdown}

    def _show(self, pk):
        widgets = super()._show(pk)
        item = self.datamodel.get(pk)
        widgets["zhili_clocks"] = (
            []
            if item is None
            else [
                (_("Phone report (30 min)"), item.phone_due_at, item.phone_reported_at),
                (_("Written report (1 hour)"), item.written_due_at, item.written_reported_at),
            ]
        )
        widgets["zhili_open"] = bool(item and item.is_open)
        return widgets


class DeliberationItemMixin:
    """The topic file: its step records and votes in order."""

    show_template = "zhili/deliberation_show.html"

    def _show(self, pk):
        from .models import DeliberationStep, DeliberationVote

        widgets = super()._show(pk)
        s = _session()
        widgets["zhili_steps"] = list(
            s.execute(
                _scoped(DeliberationStep).where(DeliberationStep.item_id == int(pk)).order_by(DeliberationStep.held_at)
            ).scalars()
        )
        widgets["zhili_votes"] = list(
            s.execute(
                _scoped(DeliberationVote).where(DeliberationVote.item_id == int(pk)).order_by(DeliberationVote.id)
            ).scalars()
        )
        return widgets


# --------------------------------------------------------------------------- pages


def _month_arg() -> str:
    month = request.args.get("month") or f"{clock.today():%Y-%m}"
    try:
        dt.datetime.strptime(month, "%Y-%m")
    except ValueError:
        month = f"{clock.today():%Y-%m}"
    return month


RANK_HEADERS = (
    _l("Rank"),
    _l("Community"),
    _l("Received"),
    _l("Closed"),
    _l("On-time rate"),
    _l("Overdue"),
    _l("Backlog"),
    _l("Satisfaction rate"),
)


class PetitionRankingView(BaseView):
    """Monthly ranking per community (TR-22, §10.27): page and xlsx."""

    route_base = "/petition_ranking"
    class_permission_name = "petition_ranking"
    method_permission_name = {"index": "read", "xlsx": "read"}
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        month = _month_arg()
        return self.render_template(
            "zhili/ranking.html",
            month=month,
            rows=rules.load_ranking(month),
            headers=RANK_HEADERS,
            pct=rules.pct,
            title=_("Monthly petition ranking"),
        )

    @expose("/xlsx/")
    @has_access
    def xlsx(self):
        month = _month_arg()
        buf = io.BytesIO()
        book = xlsxwriter.Workbook(buf, {"in_memory": True})
        sheet = book.add_worksheet(month)
        sheet.write_row(0, 0, [str(h) for h in RANK_HEADERS], book.add_format({"bold": True}))
        for i, r in enumerate(rules.load_ranking(month), start=1):
            sheet.write_row(
                i,
                0,
                [
                    r.rank,
                    r.name,
                    r.received,
                    r.closed,
                    rules.pct(r.on_time_rate),
                    r.overdue,
                    r.backlog,
                    rules.pct(r.satisfaction_rate),
                ],
            )
        book.close()
        buf.seek(0)
        return send_file(
            buf,
            as_attachment=True,
            download_name=f"petition-ranking-{month}.xlsx",
            mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )


class HouseholdColoursView(BaseView):
    """五色 counts per grid (grid × colour matrix)."""

    route_base = "/household_colours"
    class_permission_name = "household_colours"
    method_permission_name = {"index": "read"}
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        from app.org.models import OrgUnit

        from .enums import FiveColour
        from .models import Household

        sub = _scoped(Household).subquery()
        rows = (
            _session()
            .execute(
                sa.select(sub.c.org_unit_id, sub.c.colour, sa.func.count()).group_by(sub.c.org_unit_id, sub.c.colour)
            )
            .all()
        )
        matrix: dict[int, dict] = defaultdict(dict)
        for org_id, colour, n in rows:
            key = colour.name if hasattr(colour, "name") else colour
            matrix[org_id][key] = n
        names = {
            o.id: o.name
            for o in _session().execute(sa.select(OrgUnit).where(OrgUnit.id.in_(list(matrix) or [0]))).scalars()
        }
        grids = sorted(matrix, key=lambda i: names.get(i, ""))
        return self.render_template(
            "zhili/colours.html",
            grids=grids,
            names=names,
            matrix=matrix,
            colours=list(FiveColour),
            title=_("Household colours per grid"),
        )


class RentalComplianceView(BaseView):
    """Rentals being let, with their patrols in the current period (TR-24/25/26)."""

    route_base = "/rental_compliance"
    class_permission_name = "rental_compliance"
    method_permission_name = {"index": "read"}
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        from .enums import RentalStatus
        from .models import RentalHouse

        today = clock.today()
        rentals = list(
            _session()
            .execute(
                _scoped(RentalHouse).where(RentalHouse.status == RentalStatus.renting).order_by(RentalHouse.address)
            )
            .scalars()
        )
        since = min((rules.patrol_period(r.rental_class, today)[0] for r in rentals), default=today)
        days = rules.rental_patrol_days([r.id for r in rentals], since)
        out = []
        for r in rentals:
            c = rules.compliance(
                r.rental_class, days[r.id], rules.patrol_period(r.rental_class, today), rules.judged_from(r)
            )
            out.append((r, c))
        if request.args.get("behind"):
            out = [(r, c) for r, c in out if c.behind]
        out.sort(key=lambda rc: (not rc[1].behind, rc[1].end, rc[0].address))
        return self.render_template(
            "zhili/compliance.html",
            rows=out,
            behind_only=bool(request.args.get("behind")),
            title=_("Rental patrol compliance"),
        )


def register_views(appbuilder) -> None:
    category, label = "zhili", registry.module_label("zhili")
    appbuilder.add_view(
        PetitionRankingView,
        "petition_ranking",
        label=_l("Monthly petition ranking"),
        icon="fa-sort-amount-desc",
        category=category,
        category_label=label,
    )
    appbuilder.add_view(
        HouseholdColoursView,
        "household_colours",
        label=_l("Household colours per grid"),
        icon="fa-th",
        category=category,
        category_label=label,
    )
    appbuilder.add_view(
        RentalComplianceView,
        "rental_compliance",
        label=_l("Rental patrol compliance"),
        icon="fa-check-square-o",
        category=category,
        category_label=label,
    )
