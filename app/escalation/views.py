"""督办预警: every overdue or soon-due row of every register with time rules, in the viewer's scope."""

from __future__ import annotations

from flask_appbuilder import BaseView, expose, has_access
from flask_babel import lazy_gettext as _l

from app.core import timerules

from . import engine

SHOWN = 500


class EscalationView(BaseView):
    route_base = "/escalation"
    class_permission_name = "escalation"
    method_permission_name = {"index": "read"}
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        entries = engine.due_now()
        counts = {
            s: sum(1 for e in entries if e.stage == s)
            for s in (timerules.REMINDER, timerules.SUPERVISION, timerules.NOTICE)
        }
        overdue = sum(1 for e in entries if e.overdue)
        # the most urgent SHOWN rows: a city-wide database can have tens of thousands due at once
        return self.render_template(
            "escalation/index.html",
            entries=entries,
            shown=entries[:SHOWN],
            counts=counts,
            overdue=overdue,
            title=_l("Escalation list"),
        )


def register_views(appbuilder) -> None:
    appbuilder.add_view(
        EscalationView,
        "escalation",
        label=_l("Escalation list"),
        icon="fa-bell",
        category="common",
        category_label=_l("module_common"),
    )
