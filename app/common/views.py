"""Pages of the shared registers that are not generated: attachment upload and download."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _

from app.core import registry, writes

from . import attachments
from .models import Attachment


class AttachmentFilesView(BaseView):
    """Upload to and download from a row's attachment list; the row's scope decides."""

    route_base = "/attachments"
    class_permission_name = "attachment_files"
    method_permission_name = {"upload": "read", "download": "read", "remove": "read"}

    def _register(self, key: str, need: str) -> registry.Register:
        try:
            reg = registry.get(key)
        except KeyError:
            abort(404)
        if not reg.views or not self.appbuilder.sm.has_access(f"can_{need}", reg.key):
            abort(403)
        return reg

    def _back(self, reg, row_id):
        return redirect(url_for(f"{registry_view_endpoint(reg)}.show", pk=row_id))

    @expose("/<key>/<int:row_id>/upload", methods=["POST"])
    @has_access
    def upload(self, key, row_id):
        reg = self._register(key, "write")
        row = attachments.visible_row(reg, row_id)
        if row is None:
            abort(404)
        upload = request.files.get("file")
        try:
            if upload is None:
                raise writes.WriteRefused(_("Choose a file to upload."))
            attachments.add(reg, row, upload.filename, upload.read())
        except writes.WriteRefused as refusal:
            flash(refusal.message, "danger")
        else:
            flash(_("The file was attached."), "success")
        return self._back(reg, row_id)

    def _attachment(self, attachment_id: int, need: str) -> tuple[registry.Register, Attachment]:
        from app.extensions import db

        item = db.session.get(Attachment, attachment_id)
        if item is None or item.is_deleted:
            abort(404)
        reg = self._register(item.register_key, need)
        if attachments.visible_row(reg, item.row_id) is None:
            abort(404)
        return reg, item

    @expose("/file/<int:attachment_id>")
    @has_access
    def download(self, attachment_id):
        _reg, item = self._attachment(attachment_id, "read")
        return send_file(
            attachments.folder() / item.stored_name,
            mimetype=item.content_type,
            as_attachment=True,
            download_name=item.file_name,
        )

    @expose("/remove/<int:attachment_id>", methods=["POST"])
    @has_access
    def remove(self, attachment_id):
        reg, item = self._attachment(attachment_id, "write")
        row = attachments.visible_row(reg, item.row_id)
        try:
            if not writes.can_modify(reg, row):
                raise writes.WriteRefused(_("You may read this record but not change it."), status=403)
            writes.delete(registry.get("attachment"), item, parent_checked=True)
        except writes.WriteRefused as refusal:
            flash(refusal.message, "danger")
        else:
            flash(_("The file was removed."), "success")
        return self._back(reg, item.row_id)


def registry_view_endpoint(reg: registry.Register) -> str:
    from app.core.views import view_class_name

    return view_class_name(reg)


def register_views(appbuilder) -> None:
    appbuilder.add_view_no_menu(AttachmentFilesView())

    app = current_app

    @app.template_global("row_attachments")
    def row_attachments(register_key, row_id):
        return attachments.for_row(register_key, int(row_id))

    @app.template_global("can_attach")
    def can_attach(register_key, row_id):
        reg = registry.get(register_key)
        if not appbuilder.sm.has_access("can_write", reg.key):
            return False
        row = attachments.visible_row(reg, int(row_id))
        return row is not None and writes.can_modify(reg, row)
