"""待办台账 (due ledger): one row per open obligation of a register row (or of a missing record),
plus the actions people took on it (催办 / 督办 / 销号).

Not a register: nobody edits it by hand. It is written by app.dues.ledger in the same transaction
as the row it follows, and read through app.dues.reads, which applies each register's data scope.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import relationship

from app.core import clock
from app.core.mixins import USER
from app.extensions import db

OPEN = sa.text("resolved_at IS NULL")
FIXED = sa.text("resolved_at IS NULL AND fixed_stage IS NOT NULL")

# stored stages; "upcoming" = open, before its reminder starts (not shown yet)
UPCOMING, REMINDER, SUPERVISION, NOTICE = "upcoming", "reminder", "supervision", "notice"
STAGES = (UPCOMING, REMINDER, SUPERVISION, NOTICE)

# how a due left the ledger
DONE, CLOSED_BY_HAND = "done", "closed"


class DueItem(db.Model):
    __tablename__ = "due_item"
    __table_args__ = (
        # one open item per (register, row, rule); resolved ones stay as history
        sa.Index(
            "uq_due_item_open",
            "register_key",
            "source",
            "row_key",
            "rule_code",
            "occurrence",
            unique=True,
            sqlite_where=OPEN,
            postgresql_where=OPEN,
        ),
        sa.Index("ix_due_item_open_due", "due_at", "id", sqlite_where=OPEN, postgresql_where=OPEN),
        sa.Index("ix_due_item_open_remind", "remind_at", sqlite_where=OPEN, postgresql_where=OPEN),
        # the few items whose rule fixes the stage: the 督办 and 通报 counts reach them by this
        sa.Index("ix_due_item_open_fixed", "fixed_stage", sqlite_where=FIXED, postgresql_where=FIXED),
        sa.Index("ix_due_item_row", "register_key", "row_key"),
    )
    id = sa.Column(sa.Integer, primary_key=True)
    register_key = sa.Column(sa.String(50), nullable=False)
    row_key = sa.Column(sa.BigInteger, nullable=False)  # the row's id; < 0: a missing record (Due.row_key)
    row_id = sa.Column(sa.Integer)  # None for a missing record
    rule_code = sa.Column(sa.String(30), nullable=False)  # the due's own code (a rule may report several)
    source = sa.Column(sa.String(30), nullable=False)  # the code of the TimeRule that reports it
    title = sa.Column(sa.String(300), nullable=False, default="")
    owner_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"), index=True)
    owner = relationship(USER, foreign_keys=[owner_id])
    org_unit_id = sa.Column(sa.Integer, sa.ForeignKey("org_unit.id"), index=True)
    org_unit = relationship("OrgUnit", foreign_keys=[org_unit_id])
    module = sa.Column(sa.String(20), nullable=False)  # the row's module (its own, for meetings and work items)
    remind_at = sa.Column(sa.DateTime, nullable=False)  # shown from here on (due_at - the rule's soon)
    due_at = sa.Column(sa.DateTime, nullable=False)
    occurrence = sa.Column(sa.DateTime, nullable=False)  # the deadline as the rule reports it (not extended)
    notice_at = sa.Column(sa.DateTime)  # 通报 from here on; None: the rule fixes the stage
    fixed_stage = sa.Column(sa.String(20))  # the rule's own stage, instead of the ladder
    extended_to = sa.Column(sa.DateTime)  # a new deadline set by 督办 (kept over the rule's)
    stage = sa.Column(sa.String(20), nullable=False, default=UPCOMING)  # as of the last write or sweep
    opened_at = sa.Column(sa.DateTime, nullable=False, default=clock.now)
    stage_changed_at = sa.Column(sa.DateTime, nullable=False, default=clock.now)
    resolved_at = sa.Column(sa.DateTime)
    resolution = sa.Column(sa.String(20))  # DONE | CLOSED_BY_HAND
    urged_count = sa.Column(sa.Integer, nullable=False, default=0)
    last_urged_at = sa.Column(sa.DateTime)

    def __repr__(self) -> str:
        return f"{self.register_key}#{self.row_key} {self.rule_code}"


class DueAction(db.Model):
    """催办 / 督办 / 销号 taken on a due, by whom, when, with what note (the audit of the ledger)."""

    __tablename__ = "due_action"
    id = sa.Column(sa.Integer, primary_key=True)
    due_item_id = sa.Column(sa.Integer, sa.ForeignKey("due_item.id"), nullable=False, index=True)
    due_item = relationship(DueItem, backref="actions")
    kind = sa.Column(sa.String(20), nullable=False)  # urge | escalate | close
    at = sa.Column(sa.DateTime, nullable=False, default=clock.now)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"), index=True)
    user = relationship(USER, foreign_keys=[user_id])
    note = sa.Column(sa.Text)
    new_deadline = sa.Column(sa.DateTime)
    attachment_id = sa.Column(sa.Integer, sa.ForeignKey("attachment.id"))


class DueSweep(db.Model):
    """When the time-driven part of the ledger was last brought up to date (one row)."""

    __tablename__ = "due_sweep"
    id = sa.Column(sa.Integer, primary_key=True)
    swept_at = sa.Column(sa.DateTime, nullable=False)
