"""Common fields of every register (domain §2.2)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import declared_attr, relationship

from . import clock
from .context import current_user_id

# FAB's models say "User" in their relationships; ours must not take that name.
USER = "AppUser"


class Tracked:
    """id, who/when created and changed, optimistic-lock version, soft delete, remarks."""

    id = sa.Column(sa.Integer, primary_key=True)
    created_at = sa.Column(sa.DateTime, nullable=False, default=clock.now)
    updated_at = sa.Column(sa.DateTime, nullable=False, default=clock.now, onupdate=clock.now)
    version = sa.Column(sa.Integer, nullable=False, default=1)
    is_deleted = sa.Column(sa.Boolean, nullable=False, default=False)
    remarks = sa.Column(sa.Text)

    @declared_attr
    def created_by_id(cls):
        return sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"), default=current_user_id)

    @declared_attr
    def updated_by_id(cls):
        return sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"), default=current_user_id, onupdate=current_user_id)

    @declared_attr
    def created_by(cls):
        return relationship(USER, foreign_keys=[cls.created_by_id], lazy="select")

    @declared_attr
    def updated_by(cls):
        return relationship(USER, foreign_keys=[cls.updated_by_id], lazy="select")

    @declared_attr.directive
    def __mapper_args__(cls):
        # UPDATE ... WHERE version = <loaded>: a concurrent save raises StaleDataError.
        return {"version_id_col": cls.__table__.c.version}


class OrgScoped:
    """The scope anchor: the 街道, 社区 or 网格 a row belongs to."""

    @declared_attr
    def org_unit_id(cls):
        return sa.Column(sa.Integer, sa.ForeignKey("org_unit.id"), nullable=False, index=True)

    @declared_attr
    def org_unit(cls):
        return relationship("OrgUnit", foreign_keys=[cls.org_unit_id], lazy="select")


class RegisterRow(Tracked, OrgScoped):
    """Base of a register's model: the common fields and the org-unit anchor."""


def link_table(name: str, **columns: str) -> sa.Table:
    """A many-to-many association table: link_table("meeting_unit", meeting_id="meeting.id",
    unit_id="unit.id"). Links go when either side's row is removed from the database."""
    from app.extensions import db

    return sa.Table(
        name,
        db.Model.metadata,
        *(
            sa.Column(col, sa.Integer, sa.ForeignKey(target, ondelete="CASCADE"), primary_key=True)
            for col, target in columns.items()
        ),
    )
