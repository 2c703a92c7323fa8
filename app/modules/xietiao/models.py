"""大协调 registers (domain §4): indicators, monthly supervision, ten rules, 交办单."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import relationship

from app.common.models import Meeting
from app.core.enums import enum_column
from app.core.mixins import USER, RegisterRow
from app.extensions import db
from app.org.enums import Module
from app.org.models import Unit

from .enums import (
    AssignmentStatus,
    OrderStatus,
    SourceChannel,
    SupervisionItemStatus,
    SupervisionListStatus,
    TypicalPolarity,
    TypicalStatus,
    TypicalSubject,
)


class AssessmentIndicator(RegisterRow, db.Model):
    """考核指标 — the 街道's assessment indicators analysed by the coordination meeting."""

    __tablename__ = "assessment_indicator"
    year = sa.Column(sa.Integer, nullable=False, index=True)
    name = sa.Column(sa.String(200), nullable=False)
    issuing_dept_id = sa.Column(sa.Integer, sa.ForeignKey("unit.id"))
    issuing_dept = relationship(Unit, foreign_keys=[issuing_dept_id])
    module = enum_column(Module, nullable=False)
    responsible_person_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"))
    responsible_person = relationship(USER, foreign_keys=[responsible_person_id])
    target = sa.Column(sa.Text)
    weight = sa.Column(sa.Numeric(12, 2))

    def __repr__(self) -> str:
        return f"{self.year} {self.name}"


class IndicatorProgress(RegisterRow, db.Model):
    """考核指标推进情况 — the periodic (monthly, TR-15) state of an indicator."""

    __tablename__ = "indicator_progress"
    __table_args__ = (sa.UniqueConstraint("indicator_id", "period", name="uq_indicator_progress_period"),)
    indicator_id = sa.Column(sa.Integer, sa.ForeignKey("assessment_indicator.id"), nullable=False, index=True)
    indicator = relationship(AssessmentIndicator, foreign_keys=[indicator_id])
    period = sa.Column(sa.Date, nullable=False)  # a month: the 1st
    meeting_id = sa.Column(sa.Integer, sa.ForeignKey("meeting.id"))
    meeting = relationship(Meeting, foreign_keys=[meeting_id])
    current_value = sa.Column(sa.String(200))
    rank = sa.Column(sa.String(50))
    analysis = sa.Column(sa.Text)
    measures = sa.Column(sa.Text)

    def __repr__(self) -> str:
        return f"{self.indicator} {self.period:%Y-%m}" if self.period else str(self.indicator)


class SupervisionList(RegisterRow, db.Model):
    """月度重点督查清单 — made at month start, published with comments at month end."""

    __tablename__ = "supervision_list"
    month = sa.Column(sa.Date, nullable=False, unique=True)  # the 1st of the month
    title = sa.Column(sa.String(200), nullable=False)
    made_by_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"), nullable=False)
    made_by = relationship(USER, foreign_keys=[made_by_id])
    issued_at = sa.Column(sa.DateTime)
    status = enum_column(SupervisionListStatus, nullable=False, default=SupervisionListStatus.draft)
    published_at = sa.Column(sa.DateTime)
    review_comment = sa.Column(sa.Text)

    def __repr__(self) -> str:
        return self.title


class SupervisionItem(RegisterRow, db.Model):
    """督查事项 — one item of the monthly list: what, who, by when, how far."""

    __tablename__ = "supervision_item"
    supervision_list_id = sa.Column(sa.Integer, sa.ForeignKey("supervision_list.id"), nullable=False, index=True)
    supervision_list = relationship(SupervisionList, foreign_keys=[supervision_list_id], backref="items")
    title = sa.Column(sa.String(200), nullable=False)
    module = enum_column(Module, nullable=False)
    responsible_unit_id = sa.Column(sa.Integer, sa.ForeignKey("unit.id"))
    responsible_unit = relationship(Unit, foreign_keys=[responsible_unit_id])
    responsible_person_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"), nullable=False, index=True)
    responsible_person = relationship(USER, foreign_keys=[responsible_person_id])
    target = sa.Column(sa.Text)
    deadline = sa.Column(sa.Date, nullable=False)
    progress_percent = sa.Column(sa.Integer, nullable=False, default=0)
    progress = sa.Column(sa.Text)
    status = enum_column(SupervisionItemStatus, nullable=False, default=SupervisionItemStatus.on_track)
    comment = sa.Column(sa.Text)

    def __repr__(self) -> str:
        return self.title


class AssignmentOrder(RegisterRow, db.Model):
    """重点工作交办单 — upper-level key work taken in, reviewed, assigned, reported, closed."""

    __tablename__ = "assignment_order"
    order_no = sa.Column(sa.String(50), nullable=False, unique=True)
    source_channel = enum_column(SourceChannel, nullable=False)
    source_dept_id = sa.Column(sa.Integer, sa.ForeignKey("unit.id"), nullable=False)
    source_dept = relationship(Unit, foreign_keys=[source_dept_id])
    source_ref = sa.Column(sa.String(100))
    received_at = sa.Column(sa.DateTime, nullable=False)
    title = sa.Column(sa.String(200), nullable=False)
    content = sa.Column(sa.Text, nullable=False)
    lead_leader_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"), nullable=False, index=True)
    lead_leader = relationship(USER, foreign_keys=[lead_leader_id])
    review_opinion = sa.Column(sa.Text)
    reviewed_at = sa.Column(sa.DateTime)
    assigned_module = enum_column(Module, nullable=False)
    module_head_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"), nullable=False, index=True)
    module_head = relationship(USER, foreign_keys=[module_head_id])
    deadline = sa.Column(sa.Date, nullable=False, index=True)
    status = enum_column(AssignmentStatus, nullable=False, default=AssignmentStatus.drafting)
    completion_report = sa.Column(sa.Text)
    reported_to_leader_at = sa.Column(sa.DateTime)
    reported_to_dcb_at = sa.Column(sa.DateTime)
    dcb_opinion = sa.Column(sa.Text)
    delay_reason = sa.Column(sa.Text)
    objective_reason = sa.Column(sa.Boolean)
    major_problem = sa.Column(sa.Text)
    rectification = sa.Column(sa.Text)

    def __repr__(self) -> str:
        return f"{self.order_no} {self.title}"


class SupervisionOrder(RegisterRow, db.Model):
    """工作督办单 — issued on a lagging item or a delayed 交办单; answered, then closed (销号)."""

    __tablename__ = "supervision_order"
    order_no = sa.Column(sa.String(50), nullable=False, unique=True)
    supervision_item_id = sa.Column(sa.Integer, sa.ForeignKey("supervision_item.id"), index=True)
    supervision_item = relationship(SupervisionItem, foreign_keys=[supervision_item_id], backref="orders")
    assignment_order_id = sa.Column(sa.Integer, sa.ForeignKey("assignment_order.id"), index=True)
    assignment_order = relationship(AssignmentOrder, foreign_keys=[assignment_order_id], backref="orders")
    issued_at = sa.Column(sa.DateTime, nullable=False)
    issued_by_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"), nullable=False)
    issued_by = relationship(USER, foreign_keys=[issued_by_id])
    to_person_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"), nullable=False, index=True)
    to_person = relationship(USER, foreign_keys=[to_person_id])
    lag_description = sa.Column(sa.Text, nullable=False)
    requirement = sa.Column(sa.Text, nullable=False)
    reply_deadline = sa.Column(sa.Date, nullable=False)
    reply = sa.Column(sa.Text)
    replied_at = sa.Column(sa.DateTime)
    status = enum_column(OrderStatus, nullable=False, default=OrderStatus.issued)

    def __repr__(self) -> str:
        return self.order_no


class MilitaryRule(RegisterRow, db.Model):
    """十条军规 — the ten rules that typical cases refer to."""

    __tablename__ = "military_rule"
    number = sa.Column(sa.Integer, nullable=False, unique=True)
    content = sa.Column(sa.Text, nullable=False)
    effective_from = sa.Column(sa.Date)

    def __repr__(self) -> str:
        text = self.content or ""
        return f"{self.number}. {text[:20]}"


typical_case_rule = sa.Table(
    "typical_case_rule",
    db.Model.metadata,
    sa.Column("typical_case_id", sa.Integer, sa.ForeignKey("typical_case.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("military_rule_id", sa.Integer, sa.ForeignKey("military_rule.id", ondelete="CASCADE"), primary_key=True),
)


class TypicalCase(RegisterRow, db.Model):
    """正反面典型 — a positive or negative example, selected and notified, counted at year end."""

    __tablename__ = "typical_case"
    period_label = sa.Column(sa.String(50), nullable=False)
    case_date = sa.Column(sa.Date, nullable=False, index=True)
    polarity = enum_column(TypicalPolarity, nullable=False)
    subject_kind = enum_column(TypicalSubject, nullable=False)
    cadre_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"), index=True)
    cadre = relationship(USER, foreign_keys=[cadre_id])
    unit_id = sa.Column(sa.Integer, sa.ForeignKey("unit.id"), index=True)
    unit = relationship(Unit, foreign_keys=[unit_id])
    rules = relationship(MilitaryRule, secondary=typical_case_rule)
    key_work = sa.Column(sa.String(200))
    description = sa.Column(sa.Text, nullable=False)
    nominated_by_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"), nullable=False)
    nominated_by = relationship(USER, foreign_keys=[nominated_by_id])
    status = enum_column(TypicalStatus, nullable=False, default=TypicalStatus.nominated)
    notice_no = sa.Column(sa.String(100))
    notified_at = sa.Column(sa.DateTime)
    year_end_linked = sa.Column(sa.Boolean, nullable=False, default=True)

    def __repr__(self) -> str:
        return f"{self.period_label} {self.cadre or self.unit or ''}".strip()
