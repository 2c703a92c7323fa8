"""大服务 registers (domain §8): 服务制度, 承诺, 代办申请, 代办服务考核, 事项目录, 服务窗口, 窗口岗位, 办件."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import relationship

from app.core.enums import enum_column
from app.core.mixins import USER, RegisterRow
from app.core.values import id_no_column, phone_column
from app.extensions import db
from app.org.models import Unit

from .enums import (
    ApprovalResult,
    CaseStatus,
    ErrandChannel,
    ErrandStatus,
    MaterialCheck,
    PostType,
    RuleDocKind,
    Satisfaction,
    Urgency,
    WindowType,
)


class ServiceRuleDoc(RegisterRow, db.Model):
    """服务制度 — the rules the weekly meeting trains on (岗位职责, 一次性告知, 服务承诺 …)."""

    __tablename__ = "service_rule_doc"
    kind = enum_column(RuleDocKind, nullable=False)
    title = sa.Column(sa.String(200), nullable=False)
    content = sa.Column(sa.Text)
    version_no = sa.Column(sa.Integer, nullable=False, default=1)
    effective_from = sa.Column(sa.Date)

    def __repr__(self) -> str:
        return self.title


class ServicePledge(RegisterRow, db.Model):
    """服务承诺 (承诺制, inferred register) — who promised what, by when, kept or not."""

    __tablename__ = "service_pledge"
    pledger_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"), nullable=False, index=True)
    pledger = relationship(USER, foreign_keys=[pledger_id])
    content = sa.Column(sa.Text, nullable=False)
    made_on = sa.Column(sa.Date, nullable=False)
    due_date = sa.Column(sa.Date, nullable=False, index=True)
    meeting_id = sa.Column(sa.Integer, sa.ForeignKey("meeting.id"))
    meeting = relationship("Meeting", foreign_keys=[meeting_id])
    is_kept = sa.Column(sa.Boolean, nullable=False, default=False)
    kept_on = sa.Column(sa.Date)

    def __repr__(self) -> str:
        return (self.content or "")[:40]


class ServiceMatter(RegisterRow, db.Model):
    """事项目录 — matters handled at the hall (最多跑一次, 高频, 全城通办)."""

    __tablename__ = "service_matter"
    name = sa.Column(sa.String(200), nullable=False)
    code = sa.Column(sa.String(50))
    source_dept_id = sa.Column(sa.Integer, sa.ForeignKey("unit.id"))
    source_dept = relationship(Unit, foreign_keys=[source_dept_id])
    handling_system = sa.Column(sa.String(100))
    max_one_visit = sa.Column(sa.Boolean, nullable=False, default=True)
    high_frequency = sa.Column(sa.Boolean, default=False)
    citywide = sa.Column(sa.Boolean, default=False)
    required_materials = sa.Column(sa.Text)
    promise_days = sa.Column(sa.Integer)
    is_active = sa.Column(sa.Boolean, nullable=False, default=True)

    def __repr__(self) -> str:
        return self.name


class ErrandRequest(RegisterRow, db.Model):
    """代办申请 — a resident's request, claimed and run by a 格格代办员 (org_unit: community or grid)."""

    __tablename__ = "errand_request"
    request_no = sa.Column(sa.String(40), nullable=False, unique=True)
    channel = enum_column(ErrandChannel, nullable=False)
    received_at = sa.Column(sa.DateTime, nullable=False, index=True)
    applicant_name = sa.Column(sa.String(50), nullable=False)
    applicant_phone = phone_column(nullable=False)
    applicant_id_no = id_no_column()
    address = sa.Column(sa.String(200))
    home_service = sa.Column(sa.Boolean, default=False)
    matter_id = sa.Column(sa.Integer, sa.ForeignKey("service_matter.id"))
    matter = relationship(ServiceMatter, foreign_keys=[matter_id])
    description = sa.Column(sa.Text, nullable=False)
    urgency = enum_column(Urgency, nullable=False, default=Urgency.normal)
    runner_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"), index=True)
    runner = relationship(USER, foreign_keys=[runner_id])
    claimed_at = sa.Column(sa.DateTime)
    materials_verified = sa.Column(sa.Boolean, default=False)
    batch_date = sa.Column(sa.Date, index=True)
    submitted_at = sa.Column(sa.DateTime)
    done_at = sa.Column(sa.DateTime)
    delivered_at = sa.Column(sa.DateTime)
    result = sa.Column(sa.Text)
    zero_visit = sa.Column(sa.Boolean, default=False)
    status = enum_column(ErrandStatus, nullable=False, default=ErrandStatus.received, index=True)
    satisfaction = enum_column(Satisfaction)

    def __repr__(self) -> str:
        return self.request_no


class ErrandAssessment(RegisterRow, db.Model):
    """代办服务考核 — one runner's month: count, on-time rate, satisfaction rate, score."""

    __tablename__ = "errand_assessment"
    __table_args__ = (sa.UniqueConstraint("runner_id", "month", name="uq_errand_assessment_runner_month"),)
    month = sa.Column(sa.String(7), nullable=False)  # "2026-11"
    runner_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"), nullable=False, index=True)
    runner = relationship(USER, foreign_keys=[runner_id])
    handled_count = sa.Column(sa.Integer)
    on_time_rate = sa.Column(sa.Numeric(5, 2))
    satisfaction_rate = sa.Column(sa.Numeric(5, 2))
    score = sa.Column(sa.Numeric(5, 2))
    comment = sa.Column(sa.Text)

    def __repr__(self) -> str:
        return f"{self.month} {self.runner or ''}".strip()


class ServiceWindow(RegisterRow, db.Model):
    """服务窗口 — 2 无差别受理 and 2 咨询出件 windows."""

    __tablename__ = "service_window"
    number = sa.Column(sa.String(20), nullable=False, unique=True)
    window_type = enum_column(WindowType, nullable=False)
    is_open = sa.Column(sa.Boolean, nullable=False, default=True)

    def __repr__(self) -> str:
        return self.number


class WindowPost(RegisterRow, db.Model):
    """窗口岗位配置 — who stands on which post (A岗 primary, B岗 backup)."""

    __tablename__ = "window_post"
    post_type = enum_column(PostType, nullable=False)
    staff_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"), nullable=False, index=True)
    staff = relationship(USER, foreign_keys=[staff_id])
    window_id = sa.Column(sa.Integer, sa.ForeignKey("service_window.id"))
    window = relationship(ServiceWindow, foreign_keys=[window_id])
    covers_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"))
    covers = relationship(USER, foreign_keys=[covers_id])
    from_date = sa.Column(sa.Date, nullable=False)
    to_date = sa.Column(sa.Date)

    def __repr__(self) -> str:
        return f"{self.post_type.label if self.post_type else ''} {self.staff or ''}".strip()


class ServiceCase(RegisterRow, db.Model):
    """办件受理记录 — an application taken at the front window (local ledger of the 一窗受理平台)."""

    __tablename__ = "service_case"
    case_no = sa.Column(sa.String(50), nullable=False, unique=True)
    matter_id = sa.Column(sa.Integer, sa.ForeignKey("service_matter.id"), nullable=False, index=True)
    matter = relationship(ServiceMatter, foreign_keys=[matter_id])
    applicant_name = sa.Column(sa.String(50), nullable=False)
    applicant_phone = phone_column()
    applicant_id_no = id_no_column()
    window_id = sa.Column(sa.Integer, sa.ForeignKey("service_window.id"), nullable=False, index=True)
    window = relationship(ServiceWindow, foreign_keys=[window_id])
    received_by_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"), nullable=False)
    received_by = relationship(USER, foreign_keys=[received_by_id])
    received_at = sa.Column(sa.DateTime, nullable=False, index=True)
    material_check = enum_column(MaterialCheck, nullable=False)
    notice_given = sa.Column(sa.Text)
    back_office_dept_id = sa.Column(sa.Integer, sa.ForeignKey("unit.id"))
    back_office_dept = relationship(Unit, foreign_keys=[back_office_dept_id])
    to_back_office_at = sa.Column(sa.DateTime)
    approval_result = enum_column(ApprovalResult)
    issued_at = sa.Column(sa.DateTime)
    hours_taken = sa.Column(sa.Numeric(8, 1))
    is_cross_region = sa.Column(sa.Boolean, default=False)
    status = enum_column(CaseStatus, nullable=False, default=CaseStatus.received, index=True)

    def __repr__(self) -> str:
        return self.case_no
