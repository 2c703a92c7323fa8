"""Commands: `flask --app run init | seed-demo | registers`."""

from __future__ import annotations

import json

import click
from flask import Flask, current_app


def init_security() -> None:
    """Roles and permissions, idempotently (FAB_CREATE_DB is off: Alembic builds the tables)."""
    from flask_appbuilder.security.manager import BaseSecurityManager

    appbuilder = current_app.appbuilder
    BaseSecurityManager.create_db(appbuilder.sm)
    appbuilder.add_permissions(update_perms=True)


def register(app: Flask) -> None:
    from .core import registry

    for pkg in registry.PACKAGES:  # a package's own commands: <pkg>/cli.py register_cli(app)
        module_cli = registry.optional_import(f"{pkg}.cli")
        if module_cli is not None:
            module_cli.register_cli(app)

    from . import backup

    backup.register_cli(app)  # backup / restore

    @app.cli.command("init")
    def init_cmd():
        """Create the code-defined roles and their permissions (run after `flask db upgrade`), and
        the first administrator when there is no user yet."""
        init_security()
        click.echo("roles and permissions are up to date")
        from .access.accounts import create_initial_admin

        made = create_initial_admin()
        if made is not None:
            username, password, generated = made
            click.echo(
                f"administrator {username!r} created; initial password: "
                f"{password if generated else '(from JIEDAO_ADMIN_PASSWORD)'}"
            )
            click.echo("it must be changed at the first sign-in")

    @app.cli.command("seed-demo")
    @click.option("--force", is_flag=True, help="Allow demo logins in production.")
    def seed_demo_cmd(force):
        """Load the 荷花街道 demo data and demo logins (idempotent)."""
        from .seed import seed_demo

        if current_app.config["ENV_NAME"] == "production" and not force:
            raise click.ClickException("refusing to create demo logins in production (use --force)")
        init_security()
        for line in seed_demo():
            click.echo(line)

    @app.cli.command("registers")
    @click.option("--json", "as_json", is_flag=True, help="Print JSON.")
    def registers_cmd(as_json):
        """List every register: key, Chinese name, module, model, list URL, REST API URL."""
        from flask_babel import force_locale

        from .core import registry

        with current_app.test_request_context(), force_locale("zh"):
            rows = [
                {
                    "key": r.key,
                    "name": str(r.name),
                    "module": r.module,
                    "module_name": str(registry.module_label(r.module)),
                    "group": r.group,
                    "model": f"{r.model.__module__}.{r.model.__name__}",
                    "table": r.model.__tablename__,
                    "list_url": r.list_url if r.views else None,
                    "api_url": r.api_url if r.views else None,
                }
                for r in registry.all_registers()
            ]
        if as_json:
            click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        else:
            for row in rows:
                click.echo(f"{row['key']:<24} {row['name']:<12} {row['module']:<9} {row['list_url'] or '-'}")
