"""督办预警: every overdue or soon-due row of every register with time rules, in the viewer's scope."""

from __future__ import annotations

from flask_appbuilder import BaseView, expose, has_access
from flask_babel import lazy_gettext as _l

from app.core import clock
from app.dues import reads

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
        now = clock.now()
        shown = engine.due_now(now, limit=SHOWN)  # the most urgent: a city can have tens of thousands due
        counts = reads.count_by_stage(now)
        total = sum(counts.values())
        overdue = reads.count_overdue(now)
        return self.render_template(
            "escalation/index.html",
            shown=shown,
            total=total,
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
