"""大执法 registers (domain §6): 会商, 联合执法, 应急联动."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import relationship

from app.common.models import Meeting
from app.core.enums import EnumSet, enum_column
from app.core.mixins import USER, RegisterRow
from app.extensions import db
from app.org.models import Unit

from .enums import (
    ActionLevel,
    AnalysisKind,
    DeployMode,
    EnforcementFocus,
    HandlingMethod,
    IssueStatus,
    JointStatus,
    MajorActionKind,
    MajorActionStatus,
    PlanLevel,
    PlanStatus,
    VolunteerService,
)

JOINT_START = dt.time(8, 0)  # TR-36: 每周二早上8点


def _link(name: str, left: str, right: str, right_table: str) -> sa.Table:
    return sa.Table(
        name,
        db.Model.metadata,
        sa.Column(f"{left}_id", sa.Integer, sa.ForeignKey(f"{left}.id", ondelete="CASCADE"), primary_key=True),
        sa.Column(f"{right}_id", sa.Integer, sa.ForeignKey(f"{right_table}.id", ondelete="CASCADE"), primary_key=True),
    )


enforcement_plan_unit = _link("enforcement_plan_unit", "enforcement_plan", "unit", "unit")
joint_enforcement_unit = _link("joint_enforcement_unit", "joint_enforcement", "unit", "unit")
joint_enforcement_team = _link("joint_enforcement_team", "joint_enforcement", "volunteer_team", "volunteer_team")
major_action_unit = _link("major_action_unit", "major_action", "unit", "unit")


class EnforcementPlan(RegisterRow, db.Model):
    """执法计划 — a plan for a major enforcement matter with the division of responsibility."""

    __tablename__ = "enforcement_plan"
    title = sa.Column(sa.String(200), nullable=False)
    matter = sa.Column(sa.Text, nullable=False)
    period_start = sa.Column(sa.Date, nullable=False)
    period_end = sa.Column(sa.Date)
    lead_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"), nullable=False)
    lead = relationship(USER, foreign_keys=[lead_id])
    units = relationship(Unit, secondary=enforcement_plan_unit)
    meeting_id = sa.Column(sa.Integer, sa.ForeignKey("meeting.id"))
    meeting = relationship(Meeting, foreign_keys=[meeting_id])
    status = enum_column(PlanStatus, nullable=False, default=PlanStatus.draft)

    def __repr__(self) -> str:
        return self.title


class UnitMonthlyReport(RegisterRow, db.Model):
    """单位月度工作汇总 — a member unit's account of its month (一月一汇总, TR-33)."""

    __tablename__ = "unit_monthly_report"
    __table_args__ = (sa.UniqueConstraint("month", "unit_id", name="uq_unit_monthly_report_month_unit"),)
    month = sa.Column(sa.Date, nullable=False, index=True)
    unit_id = sa.Column(sa.Integer, sa.ForeignKey("unit.id"), nullable=False, index=True)
    unit = relationship(Unit, foreign_keys=[unit_id])
    summary = sa.Column(sa.Text, nullable=False)
    problems = sa.Column(sa.Text)
    submitted_by_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"))
    submitted_by = relationship(USER, foreign_keys=[submitted_by_id])
    submitted_at = sa.Column(sa.DateTime)

    def __repr__(self) -> str:
        return f"{self.unit} {self.month:%Y-%m}" if self.month else str(self.unit)


class EnforcementIssue(RegisterRow, db.Model):
    """执法会商问题台账 — a problem raised at a huddle, flagged difficult/common for the quarter."""

    __tablename__ = "enforcement_issue"
    found_on = sa.Column(sa.Date, nullable=False, index=True)
    meeting_id = sa.Column(sa.Integer, sa.ForeignKey("meeting.id"))
    meeting = relationship(Meeting, foreign_keys=[meeting_id])
    unit_id = sa.Column(sa.Integer, sa.ForeignKey("unit.id"), index=True)
    unit = relationship(Unit, foreign_keys=[unit_id])
    description = sa.Column(sa.Text, nullable=False)
    category = enum_column(EnforcementFocus)
    is_difficult = sa.Column(sa.Boolean, default=False)
    is_common = sa.Column(sa.Boolean, default=False)
    status = enum_column(IssueStatus, nullable=False, default=IssueStatus.open)
    resolution = sa.Column(sa.Text)

    def __repr__(self) -> str:
        return (self.description or "")[:30]


class AnalysisReport(RegisterRow, db.Model):
    """研判报告 — the report of a 研判, submitted upward (TR-34)."""

    __tablename__ = "analysis_report"
    kind = enum_column(AnalysisKind, nullable=False)
    period_label = sa.Column(sa.String(50), nullable=False)
    meeting_id = sa.Column(sa.Integer, sa.ForeignKey("meeting.id"), index=True)
    meeting = relationship(Meeting, foreign_keys=[meeting_id])
    livelihood_issues = sa.Column(sa.Text)
    management_status = sa.Column(sa.Text)
    key_difficulties = sa.Column(sa.Text)
    good_practices = sa.Column(sa.Text)
    suggestions = sa.Column(sa.Text)
    submitted_to_id = sa.Column(sa.Integer, sa.ForeignKey("unit.id"))
    submitted_to = relationship(Unit, foreign_keys=[submitted_to_id])
    submitted_at = sa.Column(sa.DateTime)

    def __repr__(self) -> str:
        return f"{self.period_label} {self.kind.label if self.kind else ''}".strip()


class VolunteerTeam(RegisterRow, db.Model):
    """志愿者队伍 — the “n” of 1+3+n; org_unit is its community."""

    __tablename__ = "volunteer_team"
    name = sa.Column(sa.String(100), nullable=False)
    leader_name = sa.Column(sa.String(50))
    member_count = sa.Column(sa.Integer)
    service = sa.Column(EnumSet(VolunteerService), nullable=False, default=list)

    def __repr__(self) -> str:
        return self.name


class JointEnforcement(RegisterRow, db.Model):
    """联合执法行动 — the Tuesday 08:00 joint enforcement (1+3+n, TR-36)."""

    __tablename__ = "joint_enforcement"
    action_date = sa.Column(sa.Date, nullable=False, index=True)
    start_time = sa.Column(sa.Time, nullable=False, default=JOINT_START)
    lead_leader_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"), nullable=False)
    lead_leader = relationship(USER, foreign_keys=[lead_leader_id])
    stationed_units = relationship(Unit, secondary=joint_enforcement_unit)
    volunteer_teams = relationship(VolunteerTeam, secondary=joint_enforcement_team)
    areas = sa.Column(sa.Text, nullable=False)
    focus = sa.Column(EnumSet(EnforcementFocus), nullable=False, default=list)
    participant_count = sa.Column(sa.Integer)
    summary = sa.Column(sa.Text)
    status = enum_column(JointStatus, nullable=False, default=JointStatus.planned)
    cancel_reason = sa.Column(sa.String(200))

    def __repr__(self) -> str:
        return f"{self.action_date} 联合执法" if self.action_date else "联合执法"


class EnforcementRecord(RegisterRow, db.Model):
    """联合执法整治记录 — a problem found and handled; org_unit is its grid (or the street)."""

    __tablename__ = "enforcement_record"
    action_id = sa.Column(sa.Integer, sa.ForeignKey("joint_enforcement.id"), index=True)
    action = relationship(JointEnforcement, foreign_keys=[action_id], backref="records")
    found_at = sa.Column(sa.DateTime, nullable=False, index=True)
    location = sa.Column(sa.String(200), nullable=False)
    category = enum_column(EnforcementFocus, nullable=False)
    party = sa.Column(sa.String(100))
    handling = enum_column(HandlingMethod, nullable=False)
    handled_by_id = sa.Column(sa.Integer, sa.ForeignKey("unit.id"), nullable=False, index=True)
    handled_by = relationship(Unit, foreign_keys=[handled_by_id])
    rectified = sa.Column(sa.Boolean, default=False)
    rectified_at = sa.Column(sa.Date)

    def __repr__(self) -> str:
        return f"{self.location} {self.category.label if self.category else ''}".strip()


class MajorAction(RegisterRow, db.Model):
    """应急联动重大行动 — a national/provincial/city/district action and its deployment (TR-37)."""

    __tablename__ = "major_action"
    name = sa.Column(sa.String(200), nullable=False)
    level = enum_column(ActionLevel, nullable=False)
    kind = enum_column(MajorActionKind, nullable=False)
    doc_ref = sa.Column(sa.String(200))
    action_start = sa.Column(sa.DateTime, nullable=False, index=True)
    deploy_mode = enum_column(DeployMode, nullable=False)
    deploy_due = sa.Column(sa.DateTime)
    lead_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"), nullable=False)
    lead = relationship(USER, foreign_keys=[lead_id])
    plan_level = enum_column(PlanLevel, nullable=False)
    units = relationship(Unit, secondary=major_action_unit)
    deployed_at = sa.Column(sa.DateTime)
    result = sa.Column(sa.Text)
    status = enum_column(MajorActionStatus, nullable=False, default=MajorActionStatus.planned)

    def __repr__(self) -> str:
        return self.name
