"""督办预警: every overdue or soon-due row of every register with time rules, in the viewer's
scope — filtered, sorted, in keyset pages, exported to xlsx — and the actions on an item
(催办 / 督办 / 销号, app.dues.actions). Also the dues panel of a row's show page and the overdue
mark of list rows (app.core.panels).

The item pages and actions live on their own view whose permission is the escalation record
register's read right (the same roles as the list: every role with G15 access); who may take
which action is decided by app.dues.actions.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.core import clock, panels, registry, scope, spreadsheets
from app.dues import actions, filters, ledger, reads
from app.dues.ledger import STAGES_SHOWN, stage_case
from app.dues.models import CLOSED_BY_HAND, DONE, REMINDER, DueItem
from app.extensions import db

from . import orders  # noqa: F401  (registers the 督办单 of supervision items)

T = DueItem.__table__


def stage_label(stage: str) -> str:
    key = f"enum_escalation_stage__{stage}"  # the glossary's label
    return _(key)


# --- drop-downs: only what the viewer can see ---------------------------------------------------


def _org_options() -> list[tuple[int, str]]:
    """Communities (each followed by its grids) and grids the viewer may read (org_unit scope)."""
    from app.org.enums import OrgUnitType
    from app.org.models import COMMUNITY_TYPES, OrgUnit

    query = db.session.query(OrgUnit.id, OrgUnit.name, OrgUnit.unit_type, OrgUnit.parent_id).filter(
        OrgUnit.unit_type.in_([*COMMUNITY_TYPES, OrgUnitType.grid])
    )
    rows = scope.restrict(query, OrgUnit).order_by(OrgUnit.sort_order, OrgUnit.id).all()
    communities = [r for r in rows if r.unit_type in COMMUNITY_TYPES]
    grids = [r for r in rows if r.unit_type == OrgUnitType.grid]
    out, placed = [], set()
    for c in communities:
        out.append((c.id, c.name))
        for g in grids:
            if g.parent_id == c.id:
                out.append((g.id, f"\u3000{g.name}"))  # indented under its community
                placed.add(g.id)
    out += [(g.id, g.name) for g in grids if g.id not in placed]
    return out


OWNER_OPTIONS = 1000  # people in the drop-down; the filter takes any id of the viewer's scope


def _owner_options(now) -> list[tuple[int, str]]:
    """The people the viewer may see (the user register's read scope): never a name from outside
    the scope, and no scan of the ledger to find them."""
    from app.org.models import AppUser

    name = sa.func.coalesce(AppUser.last_name, "") + sa.func.coalesce(AppUser.first_name, "")
    label = sa.func.coalesce(sa.func.nullif(name, ""), AppUser.username)
    q = sa.select(AppUser.id, label.label("label")).where(AppUser.active.is_(True))
    cond = scope.clause(registry.get("user"), scope.principal(), "read")
    if cond is not None:
        q = q.where(cond)
    rows = db.session.execute(q.order_by(label, AppUser.id).limit(OWNER_OPTIONS)).all()
    return [(r.id, r.label) for r in rows]


def _rule_options(now) -> list[tuple[str, str]]:
    """Every rule of the registers the viewer reads (from the declarations: no query)."""
    labels = {}
    p = scope.principal()
    for reg in registry.all_registers():
        if p is not None and not p.is_admin and not p.cell(reg).read:
            continue
        for rule in reg.time_rules:
            labels.setdefault(rule.code, f"{rule.code} {rule.label}")
    return sorted(labels.items())


def _register_options() -> list[tuple[str, str]]:
    p = scope.principal()
    regs = [r for r in registry.all_registers() if r.time_rules]
    if p is not None and not p.is_admin:
        regs = [r for r in regs if p.cell(r).read]
    return [(r.key, str(r.name)) for r in regs]


# --- the list -------------------------------------------------------------------------------------

SORT_LABELS = {
    "due": _l("Due time, earliest first"),
    "due_desc": _l("Due time, latest first"),
    "stage": _l("Stage, most severe first"),
    "register": _l("Register"),
}


class EscalationView(BaseView):
    route_base = "/escalation"
    class_permission_name = "escalation"
    method_permission_name = {"index": "read", "export": "read"}
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        now = clock.now()
        ledger.ensure_current(now)  # stages and missing records as of now
        a = filters.parse(request.args)
        shown, next_key = filters.page(a, now)
        # the stage badges count over the other filters (so each stays a useful link); the total
        # and the overdue count follow the stage filter too — one scan for all of them
        counts, overdue = reads.count_stages_and_overdue(now, where=filters.where(a, now, stage=False))
        total = counts[a.stage] if a.stage else reads.capped_sum(*counts.values())
        if a.stage:  # the overdue count of just that stage (a reminder is never overdue)
            overdue = counts[a.stage] if a.stage != REMINDER else 0
        soon = reads.capped_sum(counts[REMINDER]) if not a.stage or a.stage == REMINDER else 0
        p = scope.principal()
        return self.render_template(
            "escalation/index.html",
            title=_l("Escalation list"),
            a=a,
            shown=shown,
            rights={e.id: actions.allowed(e, p) for e in shown},
            total=total,
            counts=counts,
            any_total=reads.capped_sum(*counts.values()),
            overdue=overdue,
            soon=soon,
            next_url=url_for("EscalationView.index", **a.url_args(filters.encode_cursor(a, next_key)))
            if next_key
            else None,
            first_url=url_for("EscalationView.index", **a.url_args()) if a.cursor else None,
            stage_urls={
                s: url_for("EscalationView.index", **a.with_stage(s).url_args()) for s in (*STAGES_SHOWN, None)
            },
            export_url=url_for("EscalationView.export", **a.url_args(size=False)),
            here=request.full_path,
            options={
                "module": [(m, registry.module_label(m)) for m in registry.MODULES],
                "register": _register_options(),
                "org_unit": _org_options(),
                "stage": [(s, stage_label(s)) for s in STAGES_SHOWN],
                "rule": _rule_options(now),
                "owner": _owner_options(now),
                "due": [("overdue", _l("Overdue only")), ("soon", _l("Due soon only"))],
                "sort": list(SORT_LABELS.items()),
            },
            stage_label=stage_label,
        )

    @expose("/export/")
    @has_access
    def export(self):
        """Exactly the filtered list (every page, in its order), streamed as xlsx."""
        now = clock.now()
        ledger.ensure_current(now)
        a = filters.parse(request.args)
        a.cursor = None
        Col = spreadsheets.Col
        columns = [
            Col(_("fld_escalation_record__stage"), get=lambda e: stage_label(e.stage)),
            Col(_("fld_escalation_record__title"), width=40, get=lambda e: e.title),
            Col(_("fld_escalation_record__register_key"), get=lambda e: str(e.register.name)),
            Col(_("fld_escalation_record__row_id"), "int", get=lambda e: e.row_id),
            Col(_("fld_escalation_record__rule_code"), get=lambda e: e.rule_code),
            Col(_("Rule"), width=30, get=lambda e: str(e.rule_label)),
            Col(_("In module"), get=lambda e: str(registry.module_label(e.module))),
            Col(_("fld_escalation_record__responsible_person"), get=lambda e: e.owner_name),
            Col(_("fld_common__org_unit"), get=lambda e: e.org_unit_name),
            Col(_("fld_escalation_record__due_at"), "datetime", get=lambda e: e.due_at),
            Col(_("How late"), get=lambda e: e.late_text),
            Col(_("Urged"), "int", get=lambda e: e.urged_count or 0),
            Col(_("Last urged"), "datetime", get=lambda e: e.last_urged_at),
            Col(_("Extended to"), "datetime", get=lambda e: e.extended_to),
        ]
        return spreadsheets.xlsx_response(
            _("Escalation list"), columns, lambda: filters.all_items(a, now), sheet_name=_("Escalation list")
        )


# --- one item and the actions on it ---------------------------------------------------------------

ACTION_LABELS = {
    actions.URGE: _l("Urge"),
    actions.ESCALATE: _l("Escalate"),
    actions.CLOSE: _l("Close by hand"),
}
RESOLUTION_LABELS = {DONE: _l("Done (the record was completed)"), CLOSED_BY_HAND: _l("Closed by hand (销号)")}


def _safe_next() -> str | None:
    target = (request.form.get("next") or "").strip()
    if target.startswith("/escalation/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


class DueItemView(BaseView):
    route_base = "/escalation/item"
    class_permission_name = "escalation_record"  # read on G15, as the list (see the module docstring)
    method_permission_name = {"show": "read", "urge": "read", "escalate": "read", "close": "read", "evidence": "read"}

    def _item(self, item_id: int):
        item = reads.item_by_id(item_id)
        if item is None:  # no such item, or outside the viewer's scope
            abort(404)
        return item

    def _page(self, item_id: int, status: int = 200):
        item = self._item(item_id)
        p = scope.principal()
        page = self.render_template(
            "escalation/item.html",
            title=_l("Escalation item"),
            e=item,
            rights=actions.allowed(item, p),
            history=actions.history(item.id),
            action_labels=ACTION_LABELS,
            resolution_labels=RESOLUTION_LABELS,
            stage_label=stage_label,
            today=clock.today(),
        )
        return page, status

    @expose("/<int:item_id>")
    @has_access
    def show(self, item_id):
        return self._page(item_id)

    def _act(self, item_id: int, kind: str):
        item = self._item(item_id)
        form = request.form
        try:
            if kind == actions.URGE:
                message = actions.urge(item, form.get("note"))
            elif kind == actions.ESCALATE:
                message = actions.escalate(item, form.get("note"), form.get("deadline"))
            else:
                upload = request.files.get("file")
                data = (upload.filename, upload.read()) if upload is not None and upload.filename else None
                message = actions.close(item, form.get("note"), data)
        except actions.ActionRefused as refused:
            flash(refused.message, "danger")
            return self._page(item_id, refused.status)
        flash(message, "success")
        return redirect(_safe_next() or url_for("DueItemView.show", item_id=item_id))

    @expose("/<int:item_id>/urge", methods=["POST"])
    @has_access
    def urge(self, item_id):
        return self._act(item_id, actions.URGE)

    @expose("/<int:item_id>/escalate", methods=["POST"])
    @has_access
    def escalate(self, item_id):
        return self._act(item_id, actions.ESCALATE)

    @expose("/<int:item_id>/close", methods=["POST"])
    @has_access
    def close(self, item_id):
        return self._act(item_id, actions.CLOSE)

    @expose("/<int:item_id>/evidence/<int:attachment_id>")
    @has_access
    def evidence(self, item_id, attachment_id):
        from app.common import attachments

        self._item(item_id)  # the item's scope decides
        att = actions.evidence(item_id, attachment_id)
        if att is None:
            abort(404)
        return send_file(
            attachments.folder() / att.stored_name,
            mimetype=att.content_type,
            as_attachment=True,
            download_name=att.file_name,
        )


# --- a row's dues on its show page, and the mark of list rows ---------------------------------------


def dues_panel(reg, row_id: int):
    """The row's open dues with their stage (the show page has checked the row is readable)."""
    if not reg.time_rules:
        return None
    found = reads.for_row(reg.key, row_id)
    if not found:
        return None
    return render_template("escalation/row_panel.html", dues=found, stage_label=stage_label)


def dues_marks(reg, row_ids) -> dict:
    """{row id: RowMark} for the rows of one list page that have an open due: one query."""
    if not reg.time_rules:
        return {}
    now = clock.now()
    rows = db.session.execute(
        sa.select(T.c.row_key, T.c.due_at, stage_case(now).label("stage"), T.c.rule_code).where(
            T.c.register_key == reg.key,
            T.c.row_key.in_(sorted(set(row_ids))),
            T.c.resolved_at.is_(None),
            T.c.remind_at <= now,
        )
    ).all()
    worst: dict[int, tuple] = {}
    for r in rows:  # per row the earliest due decides
        if r.row_key not in worst or r.due_at < worst[r.row_key].due_at:
            worst[r.row_key] = r
    out = {}
    for row_key, r in worst.items():
        text = f"{r.rule_code} {r.due_at:%Y-%m-%d %H:%M}"
        if r.due_at <= now:
            out[row_key] = panels.RowMark("overdue", "danger", stage_label(r.stage), _("Overdue: %(due)s", due=text))
        else:
            out[row_key] = panels.RowMark("soon", "warning", stage_label(r.stage), _("Due soon: %(due)s", due=text))
    return out


def register_views(appbuilder) -> None:
    appbuilder.add_view(
        EscalationView,
        "escalation",
        label=_l("Escalation list"),
        icon="fa-bell",
        category="common",
        category_label=_l("module_common"),
    )
    appbuilder.add_view_no_menu(DueItemView())
    panels.add_show_panel(dues_panel)
    panels.add_row_marks(dues_marks)
