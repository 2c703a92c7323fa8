"""大经济 registers (domain §7): 重点项目, 安全生产第三方服务."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import relationship

from app.common.models import Meeting
from app.core.enums import enum_column
from app.core.mixins import USER, RegisterRow
from app.core.values import money_column
from app.extensions import db
from app.org.models import Unit

from .enums import AssessmentResult, HazardLevel, KeyProjectStatus


class KeyProject(RegisterRow, db.Model):
    """重点项目 — a key (construction) project of the 街道 and who drives it."""

    __tablename__ = "key_project"
    name = sa.Column(sa.String(200), nullable=False)
    location = sa.Column(sa.String(200))
    goal = sa.Column(sa.Text, nullable=False)
    lead_leader_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"), nullable=False)
    lead_leader = relationship(USER, foreign_keys=[lead_leader_id])
    responsible_unit_id = sa.Column(sa.Integer, sa.ForeignKey("unit.id"))
    responsible_unit = relationship(Unit, foreign_keys=[responsible_unit_id])
    responsible_person_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"), nullable=False)
    responsible_person = relationship(USER, foreign_keys=[responsible_person_id])
    investment = money_column()
    start_date = sa.Column(sa.Date)
    planned_end = sa.Column(sa.Date)
    status = enum_column(KeyProjectStatus, nullable=False, default=KeyProjectStatus.preparation)

    def __repr__(self) -> str:
        return self.name


class KeyProjectProgress(RegisterRow, db.Model):
    """重点项目推进记录 — the periodic review of a project (TR-38)."""

    __tablename__ = "key_project_progress"
    project_id = sa.Column(sa.Integer, sa.ForeignKey("key_project.id"), nullable=False, index=True)
    project = relationship(KeyProject, foreign_keys=[project_id], backref="progress_records")
    report_date = sa.Column(sa.Date, nullable=False, index=True)
    meeting_id = sa.Column(sa.Integer, sa.ForeignKey("meeting.id"))
    meeting = relationship(Meeting, foreign_keys=[meeting_id])
    progress = sa.Column(sa.Text, nullable=False)
    problems = sa.Column(sa.Text)
    measures = sa.Column(sa.Text)

    def __repr__(self) -> str:
        return f"{self.project} {self.report_date}"


class SafetyProvider(RegisterRow, db.Model):
    """安全生产第三方服务 — the hired safety firm and its contract."""

    __tablename__ = "safety_provider"
    provider_id = sa.Column(sa.Integer, sa.ForeignKey("unit.id"), nullable=False, index=True)
    provider = relationship(Unit, foreign_keys=[provider_id])
    contract_no = sa.Column(sa.String(50))
    contract_start = sa.Column(sa.Date, nullable=False)
    contract_end = sa.Column(sa.Date, nullable=False)
    scope = sa.Column(sa.Text)
    fee = money_column()

    def __repr__(self) -> str:
        return f"{self.provider} {self.contract_no or ''}".strip()


class SafetyInspection(RegisterRow, db.Model):
    """安全生产检查记录 — an inspection by the third party; org_unit is the community or one of its grids."""

    __tablename__ = "safety_inspection"
    # required, but filled from the inspector's own unit by the rule (the third party cannot read contracts)
    provider_id = sa.Column(sa.Integer, sa.ForeignKey("safety_provider.id"), index=True)
    provider = relationship(SafetyProvider, foreign_keys=[provider_id])
    inspected_entity = sa.Column(sa.String(200), nullable=False)
    inspected_at = sa.Column(sa.DateTime, nullable=False, index=True)
    hazard_count = sa.Column(sa.Integer, nullable=False, default=0)
    hazard_level = enum_column(HazardLevel)
    hazards = sa.Column(sa.Text)
    rectify_due = sa.Column(sa.Date, index=True)
    rectified_at = sa.Column(sa.Date)

    def __repr__(self) -> str:
        return f"{self.inspected_entity} {self.inspected_at:%Y-%m-%d}" if self.inspected_at else self.inspected_entity


class CommunitySafetyAssessment(RegisterRow, db.Model):
    """社区安全生产考核 — the yearly assessment that decides 平安社区 (TR-39); org_unit is the community."""

    __tablename__ = "community_safety_assessment"
    __table_args__ = (sa.UniqueConstraint("year", "org_unit_id", name="uq_community_safety_assessment_year"),)
    year = sa.Column(sa.Integer, nullable=False, index=True)
    score = sa.Column(sa.Numeric(5, 2))
    items = sa.Column(sa.Text)
    assessed_by_id = sa.Column(sa.Integer, sa.ForeignKey("unit.id"))
    assessed_by = relationship(Unit, foreign_keys=[assessed_by_id])
    result = enum_column(AssessmentResult)

    def __repr__(self) -> str:
        return f"{self.org_unit} {self.year}"
