"""The dashboards: home (the index page for logged-in users) and one per module."""

from __future__ import annotations

import json

from flask import abort
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from jinja2.utils import htmlsafe_json_dumps

from app.core import registry
from app.core.spreadsheets import Col, xlsx_response

from . import charts as C


class DashboardView(BaseView):
    route_base = "/dashboard"
    class_permission_name = "dashboard"
    method_permission_name = {"index": "read", "module": "read", "xlsx": "read"}
    default_view = "index"

    def _page(self, module: str | None):
        charts = C.charts_for(module)
        title = _("Dashboard") if module is None else _("Dashboard: %(module)s", module=registry.module_label(module))
        specs = [
            {
                "key": c.key,
                "title": str(c.title),
                "kind": c.kind,
                "stack": c.stack,
                "columns": [str(h) for h in c.columns],
                "rows": [list(r) for r in c.rows],
            }
            for c in charts
        ]
        return self.render_template(
            "jiedao/dashboard.html",
            title=title,
            charts=charts,
            # <, >, & escaped: a stored title cannot close the <script> element
            specs_json=htmlsafe_json_dumps(specs, dumps=json.dumps, ensure_ascii=False, default=str),
            page_key=module or "home",
            module=module,
            modules=[(m, registry.module_label(m)) for m in C.WORK_MODULES],
        )

    @expose("/")
    @has_access
    def index(self):
        return self._page(None)

    @expose("/<module>/")
    @has_access
    def module(self, module):
        if module not in registry.MODULES:
            abort(404)
        return self._page(module)

    @expose("/xlsx/<page>/<key>")
    @has_access
    def xlsx(self, page, key):
        module = None if page == "home" else page
        if module is not None and module not in registry.MODULES:
            abort(404)
        chart = next((c for c in C.charts_for(module) if c.key == key), None)
        if chart is None:
            abort(404)
        cols = [Col(h, k) for h, k in zip(chart.columns, chart.col_kinds())]
        return xlsx_response(chart.title, cols, chart.rows)


def register_views(appbuilder) -> None:
    appbuilder.add_view(DashboardView, "dashboard", label=lazy_gettext("Dashboard"), icon="fa-dashboard")
