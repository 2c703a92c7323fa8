"""Jiedao (街道工作台账): create_app() wires extensions, AppBuilder, views, APIs and CLI."""

from __future__ import annotations

import logging
from pathlib import Path

from flask import Flask, current_app, g, redirect, url_for
from flask_appbuilder import AppBuilder, IndexView, expose

from .extensions import csrf, db, migrate

ROOT = Path(__file__).resolve().parent.parent


class HomeView(IndexView):
    """The index page: logged-in users land on their 我的待办 (app.todo), the administrator on the
    dashboard (app.dashboards); each only when they may open it, the other one otherwise."""

    index_template = "jiedao/index.html"
    home_endpoint, home_permission = "DashboardView.index", ("can_read", "dashboard")
    todo_endpoint, todo_permission = "TodoView.index", ("can_read", "todo")

    @expose("/")
    def index(self):
        user = getattr(g, "user", None)
        if user is not None and user.is_authenticated:
            from .core import permissions

            admin = any(r.name == permissions.ROLES[permissions.ADMIN_ROLE][0] for r in user.roles)
            homes = [(self.todo_endpoint, self.todo_permission), (self.home_endpoint, self.home_permission)]
            for endpoint, permission in reversed(homes) if admin else homes:
                if endpoint in current_app.view_functions and self.appbuilder.sm.has_access(*permission):
                    return redirect(url_for(endpoint))
        return super().index()


def create_app(config: str | object = "config.Config") -> Flask:
    from .core import audit, clock, paging, permissions, registry, search
    from .core.enums import alembic_render_item
    from .core.views import build_api, build_view

    # FAB warns at every start about columns it cannot build a search filter for (time, and the
    # security API's relations) and about a missing first user: noise, not news.
    logging.getLogger("flask_appbuilder.models.filters").setLevel(logging.ERROR)
    logging.getLogger("flask_appbuilder.base").setLevel(logging.ERROR)
    app = Flask(__name__)
    app.config.from_object(config)
    from .access import keys

    keys.configure(app)  # SECRET_KEY from the environment or the instance folder
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(ROOT / "translations")
    registry.load()  # imports every model
    app.config["FAB_ROLES"] = permissions.fab_roles()
    clock.set_timezone(app.config["TIMEZONE"])
    clock.configure(app.config.get("CLOCK_AT"))
    Path(app.config["UPLOAD_FOLDER"]).mkdir(parents=True, exist_ok=True)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///"):
        Path(app.config["SQLALCHEMY_DATABASE_URI"][len("sqlite:///") :]).parent.mkdir(parents=True, exist_ok=True)

    db.init_app(app)
    csrf.init_app(app)  # before AppBuilder, so FAB's API login is exempted (fab-notes)
    migrate.init_app(
        app,
        db,
        render_as_batch=True,
        directory=str(ROOT / "migrations"),
        render_item=alembic_render_item,
        compare_type=True,
        include_name=search.include_name,
    )  # FTS tables, trigram indexes: not models

    with app.app_context():
        appbuilder = AppBuilder(indexview=HomeView)
        appbuilder.init_app(app, db.session)
        audit.install(db.session)
        from .dues import ledger

        ledger.install(db.session)  # the due ledger follows every write, in its transaction
        paging.init_app(app)  # FAB's page links carry the keyset cursor
        for reg in registry.all_registers():
            if not reg.views:
                continue
            view = build_view(reg)
            if reg.menu:
                appbuilder.add_view(
                    view,
                    reg.key,
                    label=reg.name,
                    icon=reg.icon,
                    category=reg.module,
                    category_label=registry.module_label(reg.module),
                )
            else:
                appbuilder.add_view_no_menu(view)
            appbuilder.add_api(build_api(reg))
        for pkg in registry.PACKAGES:  # custom pages (calendar, escalation list, dashboards …)
            views = registry.optional_import(f"{pkg}.views")
            if views is not None:
                views.register_views(appbuilder)
        from . import access

        access.install(app, appbuilder)

    from . import cli, errors, ops

    cli.register(app)
    ops.install(app)
    errors.install(app)  # error pages in Chinese
    from .core import requests_guard

    requests_guard.install(app)  # malformed ?q= is a 400
    return app
