"""回收站: every register's soft-deleted rows (register, title, deleted by, deleted at) and a
restore button. Restoring goes through writes.save() (rules, scope, one transaction) and is
written to the audit log as "restore"."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from app.core import registry, scope, writes
from app.extensions import db

from .registers import PAGE

LIMIT = 200  # rows per register on the page (newest deletions first)


def bin_registers() -> list[registry.Register]:
    return [r for r in registry.all_registers() if r.writable and r.views and hasattr(r.model, "is_deleted")]


def title_of(reg: registry.Register, item) -> str:
    if type(item).__repr__ is not object.__repr__ and "object at 0x" not in repr(item):
        return repr(item)
    for col in reg.list_columns:
        value = getattr(item, col.split(".")[0], None)
        if value not in (None, ""):
            return str(value)
    return f"#{item.id}"


def deleted_rows(key: str | None = None):
    entries = []
    for reg in bin_registers():
        if key and reg.key != key:
            continue
        model = reg.model
        rows = db.session.execute(
            sa.select(model)
            .where(model.is_deleted.is_(True))
            .options(selectinload(model.updated_by))
            .order_by(model.updated_at.desc())
            .limit(LIMIT)
        ).scalars()
        entries += [{"register": reg, "item": r, "title": title_of(reg, r)} for r in rows]
    entries.sort(key=lambda e: e["item"].updated_at, reverse=True)
    return entries


class RecycleBinView(BaseView):
    route_base = "/recycle_bin"
    class_permission_name = PAGE
    method_permission_name = {"index": "read", "restore": "read"}
    default_view = "index"

    def _admin_only(self) -> None:
        p = scope.principal()
        if p is None or not p.is_admin:
            abort(403)

    @expose("/")
    @has_access
    def index(self):
        self._admin_only()
        key = request.args.get("register") or None
        return self.render_template(
            "recycle/index.html",
            entries=deleted_rows(key),
            registers=bin_registers(),
            current=key,
            title=_l("Recycle bin"),
        )

    @expose("/restore/<key>/<int:row_id>", methods=["POST"])
    @has_access
    def restore(self, key, row_id):
        self._admin_only()
        try:
            reg = registry.get(key)
        except KeyError:
            abort(404)
        if reg not in bin_registers():
            abort(404)
        item = db.session.get(reg.model, row_id)
        if item is None or not item.is_deleted:
            abort(404)
        item.is_deleted = False
        try:
            writes.save(reg, item)
        except writes.WriteRefused as refusal:
            flash(refusal.message, "danger")
        else:
            flash(_("Restored: %(title)s (%(register)s).", title=title_of(reg, item), register=reg.name), "success")
        return redirect(url_for("RecycleBinView.index", register=request.args.get("register") or None))


def register_views(appbuilder) -> None:
    appbuilder.add_view(
        RecycleBinView,
        PAGE,
        label=_l("Recycle bin"),
        icon="fa-trash",
        category="common",
        category_label=_l("module_common"),
    )
