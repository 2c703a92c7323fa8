"""督办预警记录 (domain §2.4): what the sweep raised, once per (register, row, rule, stage)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import relationship

from app.core.enums import LabeledEnum, enum_column
from app.core.mixins import USER, RegisterRow
from app.extensions import db


class EscalationStage(LabeledEnum):
    __catalog__ = "escalation_stage"
    reminder = "reminder"
    supervision = "supervision"
    notice = "notice"


class EscalationRecord(RegisterRow, db.Model):
    __tablename__ = "escalation_record"
    __table_args__ = (
        sa.UniqueConstraint("register_key", "row_id", "rule_code", "stage", name="uq_escalation_record_once"),
    )
    register_key = sa.Column(sa.String(50), nullable=False)
    row_id = sa.Column(sa.Integer, nullable=False)
    rule_code = sa.Column(sa.String(30), nullable=False)
    stage = enum_column(EscalationStage, nullable=False)
    due_at = sa.Column(sa.DateTime, nullable=False)
    raised_at = sa.Column(sa.DateTime, nullable=False, index=True)
    responsible_person_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"), index=True)
    responsible_person = relationship(USER, foreign_keys=[responsible_person_id])
    title = sa.Column(sa.String(300))
    resolved_at = sa.Column(sa.DateTime)
    note = sa.Column(sa.Text)

    def __repr__(self) -> str:
        return f"{self.register_key}#{self.row_id} {self.rule_code}"
