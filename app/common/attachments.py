"""附件: files on any row of any register. A file is reachable only through its row:
whoever may read the row may download it; whoever may change the row may add files."""

from __future__ import annotations

import secrets
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app.core import registry, writes
from app.core.interface import ScopedInterface
from app.extensions import db

from .models import Attachment


def folder() -> Path:
    path = Path(current_app.config["ATTACHMENT_FOLDER"])
    path.mkdir(parents=True, exist_ok=True)
    return path


def visible_row(reg: registry.Register, row_id: int):
    """The row if the current user may read it (the data scope), else None."""
    return ScopedInterface(reg.model).get(row_id)


def for_row(register_key: str, row_id: int) -> list[Attachment]:
    return list(
        db.session.execute(
            sa.select(Attachment)
            .where(
                Attachment.register_key == register_key, Attachment.row_id == row_id, Attachment.is_deleted.is_(False)
            )
            .order_by(Attachment.id)
        ).scalars()
    )


def check_file(filename: str, data: bytes) -> str:
    """The stored content type for an allowed file; WriteRefused otherwise."""
    types = current_app.config["ATTACHMENT_TYPES"]
    suffix = Path(filename or "").suffix.lower()
    if not filename or suffix not in types:
        raise writes.WriteRefused(
            _("This file type is not allowed. Allowed: %(types)s.", types="、".join(sorted(types)))
        )
    limit = current_app.config["ATTACHMENT_MAX_BYTES"]
    if len(data) > limit:
        raise writes.WriteRefused(_("The file is larger than %(mb)s MB.", mb=limit // (1024 * 1024)))
    if not data:
        raise writes.WriteRefused(_("The file is empty."))
    return types[suffix]


def add(reg: registry.Register, row, filename: str, data: bytes) -> Attachment:
    if not writes.can_modify(reg, row):
        raise writes.WriteRefused(_("You may read this record but not change it."), status=403)
    content_type = check_file(filename, data)
    stored = secrets.token_hex(16)
    (folder() / stored).write_bytes(data)
    item = Attachment(
        register_key=reg.key,
        row_id=row.id,
        file_name=Path(filename).name[:200],
        content_type=content_type,
        size_bytes=len(data),
        stored_name=stored,
        org_unit_id=getattr(row, reg.scope_column),
    )
    try:
        writes.save(registry.get("attachment"), item, parent_checked=True)
    except writes.WriteRefused:
        (folder() / stored).unlink(missing_ok=True)
        raise
    return item
