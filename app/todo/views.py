"""我的待办 page (/todo/), its JSON (/api/v1/todo/) and the navbar badge."""

from __future__ import annotations

from flask import current_app
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.api import BaseApi, safe
from flask_appbuilder.security.decorators import protect
from flask_babel import lazy_gettext as _l

from app.core import clock

from . import service


class TodoView(BaseView):
    route_base = "/todo"
    class_permission_name = "todo"
    method_permission_name = {"index": "read"}
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        todo = service.build(clock.now())
        return self.render_template("todo/index.html", todo=todo, title=_l("My to-do"))


class TodoApi(BaseApi):
    """GET /api/v1/todo/: the page's groups as JSON (bearer token or the browser's session)."""

    resource_name = "todo"
    class_permission_name = "todo"
    method_permission_name = {"get_todo": "read"}
    allow_browser_login = True
    openapi_spec_tag = "todo"

    @expose("/", methods=["GET"])
    @protect()
    @safe
    def get_todo(self):
        """My to-do: {now, badge, groups: {review|mine|soon|overdue: {total, items}}, meetings}."""
        return self.response(200, **service.build(clock.now()).as_json())


def register_views(appbuilder) -> None:
    appbuilder.add_view_no_menu(TodoView)  # the navbar's 我的待办 link leads here
    appbuilder.add_api(TodoApi)
    current_app.add_template_global(service.badge, "todo_badge")  # the navbar calls it
