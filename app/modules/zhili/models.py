"""大治理 registers (domain §5): petitions, households and rentals, 议事 and 公约, emergencies."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import relationship

from app.core.enums import EnumSet, enum_column
from app.core.mixins import USER, RegisterRow
from app.core.values import id_no_column, phone_column
from app.extensions import db
from app.org.models import ResidentialCompound, Unit

from .enums import (
    ActionPhase,
    AdoptionMethod,
    BacklogType,
    ConventionScope,
    ConventionStatus,
    Cooperation,
    DeliberationForm,
    DeliberationScope,
    DeliberationSource,
    DeliberationStage,
    EmergencyCategory,
    EmergencyLevel,
    EventStatus,
    FiveColour,
    HandlingLevel,
    HearingForm,
    HearingResult,
    ParticipantKind,
    PatrolTarget,
    PetitionActionType,
    PetitionCategory,
    PetitionChannel,
    PetitionGrade,
    PetitionStatus,
    PlanLevel,
    RentalClass,
    RentalStatus,
    ReportKind,
    ResidentKind,
    Satisfaction,
    SecurityLevel,
    TransferAction,
    VisitType,
    VoteMethod,
    VoteResult,
    WarningAction,
    WarningLevel,
)


def _user_fk(name: str, nullable: bool = True, index: bool = False):
    return sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"), nullable=nullable, index=index)


# ---------------------------------------------------------------- G7 petitions

petition_case_meeting = sa.Table(
    "petition_case_meeting",
    db.Model.metadata,
    sa.Column("case_id", sa.Integer, sa.ForeignKey("petition_case.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("meeting_id", sa.Integer, sa.ForeignKey("meeting.id", ondelete="CASCADE"), primary_key=True),
)

OPEN_PETITION = (
    PetitionStatus.registered,
    PetitionStatus.accepted,
    PetitionStatus.investigating,
    PetitionStatus.replied,
    PetitionStatus.feedback,
)
FINISHED_PETITION = (PetitionStatus.closed, PetitionStatus.ceased, PetitionStatus.terminated)


class PetitionCase(RegisterRow, db.Model):
    """信访件 — from receipt to 办结 / 息访 / 依法终结."""

    __tablename__ = "petition_case"
    __table_args__ = (sa.Index("ix_petition_case_live_order", "is_deleted", "received_at", "id", "org_unit_id"),)
    case_no = sa.Column(sa.String(40), nullable=False, unique=True)
    channel = enum_column(PetitionChannel, nullable=False)
    received_at = sa.Column(sa.DateTime, nullable=False, index=True)
    petitioner_name = sa.Column(sa.String(50), nullable=False)
    petitioner_phone = phone_column()
    petitioner_id_no = id_no_column()
    petitioner_count = sa.Column(sa.Integer)
    address = sa.Column(sa.String(200))
    category = enum_column(PetitionCategory, nullable=False)
    grade = enum_column(PetitionGrade, nullable=False)
    content = sa.Column(sa.Text, nullable=False)
    demand = sa.Column(sa.Text)
    first_receiver_id = _user_fk("first_receiver", nullable=False, index=True)
    first_receiver = relationship(USER, foreign_keys=[first_receiver_id])
    responsible_unit_id = sa.Column(sa.Integer, sa.ForeignKey("unit.id"))
    responsible_unit = relationship(Unit, foreign_keys=[responsible_unit_id])
    responsible_person_id = _user_fk("responsible_person", index=True)
    responsible_person = relationship(USER, foreign_keys=[responsible_person_id])
    handling_level = enum_column(HandlingLevel, nullable=False, default=HandlingLevel.grid)
    status = enum_column(PetitionStatus, nullable=False, default=PetitionStatus.registered, index=True)
    status_reason = sa.Column(sa.Text)
    accepted_at = sa.Column(sa.DateTime)
    accept_due = sa.Column(sa.Date)
    close_due = sa.Column(sa.Date)
    extended_days = sa.Column(sa.Integer)
    extension_reason = sa.Column(sa.Text)
    extension_approved = sa.Column(sa.Boolean, nullable=False, default=False)
    extension_approved_by_id = _user_fk("extension_approved_by")
    extension_approved_by = relationship(USER, foreign_keys=[extension_approved_by_id])
    extension_approved_at = sa.Column(sa.DateTime)
    is_backlog = sa.Column(sa.Boolean, nullable=False, default=False)
    backlog_type = enum_column(BacklogType)
    package_leader_id = _user_fk("package_leader", index=True)
    package_leader = relationship(USER, foreign_keys=[package_leader_id])
    satisfaction_in_scope = sa.Column(sa.Boolean, nullable=False, default=True)
    published_at = sa.Column(sa.DateTime)
    satisfaction = enum_column(Satisfaction)
    closed_at = sa.Column(sa.DateTime, index=True)
    ceased_at = sa.Column(sa.Date)
    meetings = relationship("Meeting", secondary=petition_case_meeting)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_PETITION

    def __repr__(self) -> str:
        return f"{self.case_no} {self.petitioner_name}"


class PetitionTransfer(RegisterRow, db.Model):
    """信访流转记录 — one hand-off of the 代办 chain."""

    __tablename__ = "petition_transfer"
    case_id = sa.Column(sa.Integer, sa.ForeignKey("petition_case.id"), nullable=False, index=True)
    case = relationship(PetitionCase, foreign_keys=[case_id], backref="transfers")
    action = enum_column(TransferAction, nullable=False)
    from_level = enum_column(HandlingLevel, nullable=False)
    to_level = enum_column(HandlingLevel, nullable=False)
    to_unit_id = sa.Column(sa.Integer, sa.ForeignKey("unit.id"))
    to_unit = relationship(Unit, foreign_keys=[to_unit_id])
    transferred_at = sa.Column(sa.DateTime, nullable=False)
    by_user_id = _user_fk("by_user", nullable=False)
    by_user = relationship(USER, foreign_keys=[by_user_id])
    opinion = sa.Column(sa.Text)

    def __repr__(self) -> str:
        return f"{self.action} {self.from_level} → {self.to_level}"


class PetitionAction(RegisterRow, db.Model):
    """信访办理记录 — investigation, reply, 教育疏导, 督办, 包案 …"""

    __tablename__ = "petition_action"
    case_id = sa.Column(sa.Integer, sa.ForeignKey("petition_case.id"), nullable=False, index=True)
    case = relationship(PetitionCase, foreign_keys=[case_id], backref="actions")
    action_type = enum_column(PetitionActionType, nullable=False)
    acted_at = sa.Column(sa.DateTime, nullable=False)
    by_user_id = _user_fk("by_user", nullable=False)
    by_user = relationship(USER, foreign_keys=[by_user_id])
    content = sa.Column(sa.Text, nullable=False)

    def __repr__(self) -> str:
        return f"{self.action_type} {self.acted_at:%Y-%m-%d}"


class PetitionHearing(RegisterRow, db.Model):
    """信访调解听证 — 听证终结 ends the case by law."""

    __tablename__ = "petition_hearing"
    case_id = sa.Column(sa.Integer, sa.ForeignKey("petition_case.id"), nullable=False, index=True)
    case = relationship(PetitionCase, foreign_keys=[case_id], backref="hearings")
    form = enum_column(HearingForm, nullable=False)
    held_at = sa.Column(sa.DateTime, nullable=False)
    chair_id = _user_fk("chair", nullable=False)
    chair = relationship(USER, foreign_keys=[chair_id])
    participants = sa.Column(sa.Text)
    result = enum_column(HearingResult, nullable=False)
    record = sa.Column(sa.Text)

    def __repr__(self) -> str:
        return f"{self.form} {self.held_at:%Y-%m-%d}"


class PetitionReport(RegisterRow, db.Model):
    """信访月度评价报告 — the month-end ranking snapshot and evaluation."""

    __tablename__ = "petition_report"
    month = sa.Column(sa.String(7), nullable=False, unique=True)  # YYYY-MM
    ranking = sa.Column(sa.Text)
    evaluation = sa.Column(sa.Text, nullable=False)
    made_by_id = _user_fk("made_by", nullable=False)
    made_by = relationship(USER, foreign_keys=[made_by_id])
    published_at = sa.Column(sa.DateTime)

    def __repr__(self) -> str:
        return self.month


# ---------------------------------------------------------------- G8 households and rentals


class Household(RegisterRow, db.Model):
    """网格户情 — a household of a grid with its 五色 colour."""

    __tablename__ = "household"
    compound_id = sa.Column(sa.Integer, sa.ForeignKey("residential_compound.id"))
    compound = relationship(ResidentialCompound, foreign_keys=[compound_id])
    address = sa.Column(sa.String(200), nullable=False)
    head_name = sa.Column(sa.String(50), nullable=False)
    head_phone = phone_column()
    member_count = sa.Column(sa.Integer)
    colour = enum_column(FiveColour, nullable=False, index=True)
    colour_reason = sa.Column(sa.Text)
    grid_worker_id = _user_fk("grid_worker")
    grid_worker = relationship(USER, foreign_keys=[grid_worker_id])
    last_visit_at = sa.Column(sa.Date)

    def __repr__(self) -> str:
        return f"{self.address} {self.head_name}"


class RentalHouse(RegisterRow, db.Model):
    """出租房 — classes A/B/C with their patrol frequency."""

    __tablename__ = "rental_house"
    household_id = sa.Column(sa.Integer, sa.ForeignKey("household.id"))
    household = relationship(Household, foreign_keys=[household_id], backref="rentals")
    address = sa.Column(sa.String(200), nullable=False)
    landlord_name = sa.Column(sa.String(50), nullable=False)
    landlord_phone = phone_column()
    rental_class = enum_column(RentalClass, nullable=False, index=True)
    class_changed_at = sa.Column(sa.Date)
    tenant_count = sa.Column(sa.Integer)
    landlord_cooperation = enum_column(Cooperation)
    area_security = enum_column(SecurityLevel)
    lease_start = sa.Column(sa.Date)
    lease_end = sa.Column(sa.Date)
    agency = sa.Column(sa.String(100))
    info_updated_at = sa.Column(sa.Date)
    status = enum_column(RentalStatus, nullable=False, default=RentalStatus.renting)
    patrols_in_period = sa.Column(sa.Integer)
    next_patrol_due = sa.Column(sa.Date)

    def __repr__(self) -> str:
        return self.address


class Resident(RegisterRow, db.Model):
    """人员信息 — 房对应人、人对应档."""

    __tablename__ = "resident"
    household_id = sa.Column(sa.Integer, sa.ForeignKey("household.id"), index=True)
    household = relationship(Household, foreign_keys=[household_id], backref="residents")
    rental_house_id = sa.Column(sa.Integer, sa.ForeignKey("rental_house.id"), index=True)
    rental_house = relationship(RentalHouse, foreign_keys=[rental_house_id], backref="tenants")
    full_name = sa.Column(sa.String(50), nullable=False)
    kind = enum_column(ResidentKind, nullable=False)
    id_no = id_no_column()
    phone = phone_column()
    moved_in = sa.Column(sa.Date)
    moved_out = sa.Column(sa.Date)

    def __repr__(self) -> str:
        return self.full_name


class PatrolRecord(RegisterRow, db.Model):
    """巡查走访记录 — a rental patrol or a household visit."""

    __tablename__ = "patrol_record"
    target = enum_column(PatrolTarget, nullable=False)
    rental_house_id = sa.Column(sa.Integer, sa.ForeignKey("rental_house.id"), index=True)
    rental_house = relationship(RentalHouse, foreign_keys=[rental_house_id], backref="patrols")
    household_id = sa.Column(sa.Integer, sa.ForeignKey("household.id"), index=True)
    household = relationship(Household, foreign_keys=[household_id], backref="visits")
    visit_type = enum_column(VisitType, nullable=False)
    visited_at = sa.Column(sa.DateTime, nullable=False, index=True)
    visitor_id = _user_fk("visitor", nullable=False)
    visitor = relationship(USER, foreign_keys=[visitor_id])
    findings = sa.Column(sa.Text)
    problem_found = sa.Column(sa.Boolean, nullable=False, default=False)
    follow_up = sa.Column(sa.Text)

    def __repr__(self) -> str:
        return f"{self.visit_type} {self.visited_at:%Y-%m-%d}"


class SensitivePeriod(RegisterRow, db.Model):
    """重点时节 — periods when red households need close attention."""

    __tablename__ = "sensitive_period"
    name = sa.Column(sa.String(100), nullable=False)
    start_date = sa.Column(sa.Date, nullable=False)
    end_date = sa.Column(sa.Date, nullable=False)
    requirement = sa.Column(sa.Text)

    def __repr__(self) -> str:
        return self.name


# ---------------------------------------------------------------- G9 议事 and 公约


class DeliberationItem(RegisterRow, db.Model):
    """议事议题 — a topic through the 六步议事法."""

    __tablename__ = "deliberation_item"
    item_no = sa.Column(sa.String(40), nullable=False, unique=True)
    title = sa.Column(sa.String(200), nullable=False)
    description = sa.Column(sa.Text, nullable=False)
    compound_id = sa.Column(sa.Integer, sa.ForeignKey("residential_compound.id"))
    compound = relationship(ResidentialCompound, foreign_keys=[compound_id])
    source = enum_column(DeliberationSource, nullable=False)
    category = sa.Column(sa.String(100))
    scope = enum_column(DeliberationScope, nullable=False)
    raised_by = sa.Column(sa.String(100))
    registered_at = sa.Column(sa.DateTime, nullable=False)
    stage = enum_column(DeliberationStage, nullable=False, default=DeliberationStage.step1_propose)
    stage_since = sa.Column(sa.DateTime)
    responsible_party = sa.Column(sa.String(200))
    measures = sa.Column(sa.Text)
    due_date = sa.Column(sa.Date)
    supervisors = sa.Column(EnumSet(ParticipantKind))
    archived_at = sa.Column(sa.DateTime)

    def __repr__(self) -> str:
        return f"{self.item_no} {self.title}"


class DeliberationStep(RegisterRow, db.Model):
    """议事步骤记录 — the record of one step."""

    __tablename__ = "deliberation_step"
    item_id = sa.Column(sa.Integer, sa.ForeignKey("deliberation_item.id"), nullable=False, index=True)
    item = relationship(DeliberationItem, foreign_keys=[item_id], backref="steps")
    stage = enum_column(DeliberationStage, nullable=False)
    form = enum_column(DeliberationForm)
    held_at = sa.Column(sa.DateTime, nullable=False)
    participants = sa.Column(EnumSet(ParticipantKind))
    participant_names = sa.Column(sa.Text)
    outcome = sa.Column(sa.Text, nullable=False)

    def __repr__(self) -> str:
        return f"{self.stage} {self.held_at:%Y-%m-%d}"


class DeliberationVote(RegisterRow, db.Model):
    """居民表决 — step 5 (红手印)."""

    __tablename__ = "deliberation_vote"
    item_id = sa.Column(sa.Integer, sa.ForeignKey("deliberation_item.id"), nullable=False, index=True)
    item = relationship(DeliberationItem, foreign_keys=[item_id], backref="votes")
    method = enum_column(VoteMethod, nullable=False)
    start_date = sa.Column(sa.Date, nullable=False)
    end_date = sa.Column(sa.Date, nullable=False)
    eligible_count = sa.Column(sa.Integer)
    votes_for = sa.Column(sa.Integer)
    votes_against = sa.Column(sa.Integer)
    votes_abstain = sa.Column(sa.Integer)
    result = enum_column(VoteResult, nullable=False)

    def __repr__(self) -> str:
        return f"{self.method} {self.result}"


class GridConvention(RegisterRow, db.Model):
    """网格公约 — per grid, versioned."""

    __tablename__ = "grid_convention"
    scope = enum_column(ConventionScope, nullable=False)
    compound_id = sa.Column(sa.Integer, sa.ForeignKey("residential_compound.id"))
    compound = relationship(ResidentialCompound, foreign_keys=[compound_id])
    title = sa.Column(sa.String(200), nullable=False)
    content = sa.Column(sa.Text, nullable=False)
    version_no = sa.Column(sa.Integer, nullable=False, default=1)
    adopted_on = sa.Column(sa.Date)
    adoption_method = enum_column(AdoptionMethod)
    deliberation_id = sa.Column(sa.Integer, sa.ForeignKey("deliberation_item.id"))
    deliberation = relationship(DeliberationItem, foreign_keys=[deliberation_id])
    status = enum_column(ConventionStatus, nullable=False, default=ConventionStatus.draft)

    def __repr__(self) -> str:
        return f"{self.title} v{self.version_no}"


# ---------------------------------------------------------------- G10 emergencies


class EmergencyPlan(RegisterRow, db.Model):
    """应急预案."""

    __tablename__ = "emergency_plan"
    name = sa.Column(sa.String(200), nullable=False)
    level = enum_column(PlanLevel, nullable=False)
    scope = sa.Column(sa.Text)
    effective_from = sa.Column(sa.Date)
    is_active = sa.Column(sa.Boolean, nullable=False, default=True)

    def __repr__(self) -> str:
        return self.name


OPEN_EVENT = (EventStatus.received, EventStatus.verified, EventStatus.handling, EventStatus.expanded)


class EmergencyEvent(RegisterRow, db.Model):
    """突发事件 — with the 30-minute phone and 1-hour written report clocks."""

    __tablename__ = "emergency_event"
    title = sa.Column(sa.String(200), nullable=False)
    category = enum_column(EmergencyCategory, nullable=False)
    level = enum_column(EmergencyLevel)
    occurred_at = sa.Column(sa.DateTime)  # unknown: the clocks start at received_at (§10.39)
    received_at = sa.Column(sa.DateTime, nullable=False)
    verified_at = sa.Column(sa.DateTime)
    location = sa.Column(sa.String(200), nullable=False)
    description = sa.Column(sa.Text, nullable=False)
    casualties = sa.Column(sa.Text)
    lead_leader_id = _user_fk("lead_leader", nullable=False)
    lead_leader = relationship(USER, foreign_keys=[lead_leader_id])
    phone_due_at = sa.Column(sa.DateTime)
    written_due_at = sa.Column(sa.DateTime)
    phone_reported_at = sa.Column(sa.DateTime)
    written_reported_at = sa.Column(sa.DateTime)
    next_due_at = sa.Column(sa.DateTime, index=True)  # earliest unmet report clock: sorts by urgency
    first_responder = sa.Column(sa.String(100))
    cross_jurisdiction = sa.Column(sa.Boolean, nullable=False, default=False)
    expand_reason = sa.Column(sa.Text)
    plan_id = sa.Column(sa.Integer, sa.ForeignKey("emergency_plan.id"))
    plan = relationship(EmergencyPlan, foreign_keys=[plan_id])
    plan_started_at = sa.Column(sa.DateTime)
    status = enum_column(EventStatus, nullable=False, default=EventStatus.received)
    is_open = sa.Column(sa.Boolean, nullable=False, default=True, index=True)
    ended_at = sa.Column(sa.DateTime)

    def __repr__(self) -> str:
        return self.title


class EmergencyReport(RegisterRow, db.Model):
    """突发事件信息报送 — phone, written and follow-up reports to the lead leader."""

    __tablename__ = "emergency_report"
    event_id = sa.Column(sa.Integer, sa.ForeignKey("emergency_event.id"), nullable=False, index=True)
    event = relationship(EmergencyEvent, foreign_keys=[event_id], backref="reports")
    kind = enum_column(ReportKind, nullable=False)
    reported_at = sa.Column(sa.DateTime, nullable=False)
    reported_to_id = _user_fk("reported_to", nullable=False)
    reported_to = relationship(USER, foreign_keys=[reported_to_id])
    reported_by_id = _user_fk("reported_by", nullable=False)
    reported_by = relationship(USER, foreign_keys=[reported_by_id])
    content = sa.Column(sa.Text)
    is_late = sa.Column(sa.Boolean, nullable=False, default=False)

    def __repr__(self) -> str:
        return f"{self.kind} {self.reported_at:%H:%M}"


class EmergencyWarning(RegisterRow, db.Model):
    """预警发布."""

    __tablename__ = "emergency_warning"
    event_id = sa.Column(sa.Integer, sa.ForeignKey("emergency_event.id"), index=True)
    event = relationship(EmergencyEvent, foreign_keys=[event_id], backref="warnings")
    title = sa.Column(sa.String(200), nullable=False)
    level = enum_column(WarningLevel, nullable=False)
    action = enum_column(WarningAction, nullable=False)
    acted_at = sa.Column(sa.DateTime, nullable=False)
    channel = sa.Column(sa.String(100))
    content = sa.Column(sa.Text, nullable=False)
    issued_by_id = _user_fk("issued_by", nullable=False)
    issued_by = relationship(USER, foreign_keys=[issued_by_id])

    def __repr__(self) -> str:
        return self.title


class RiskScreening(RegisterRow, db.Model):
    """风险监测排查."""

    __tablename__ = "risk_screening"
    screened_on = sa.Column(sa.Date, nullable=False)
    area = sa.Column(sa.String(200), nullable=False)
    risk = sa.Column(sa.Text, nullable=False)
    forecast = sa.Column(sa.Text)
    reported_meeting_id = sa.Column(sa.Integer, sa.ForeignKey("meeting.id"))
    reported_meeting = relationship("Meeting", foreign_keys=[reported_meeting_id])

    def __repr__(self) -> str:
        return f"{self.screened_on} {self.area}"


class EmergencyAction(RegisterRow, db.Model):
    """应急处置记录 — 先期处置, 扩大处置, 应急结束, 后期处理."""

    __tablename__ = "emergency_action"
    event_id = sa.Column(sa.Integer, sa.ForeignKey("emergency_event.id"), nullable=False, index=True)
    event = relationship(EmergencyEvent, foreign_keys=[event_id], backref="actions")
    phase = enum_column(ActionPhase, nullable=False)
    acted_at = sa.Column(sa.DateTime, nullable=False)
    unit_id = sa.Column(sa.Integer, sa.ForeignKey("unit.id"))
    unit = relationship(Unit, foreign_keys=[unit_id])
    person = sa.Column(sa.String(100))
    content = sa.Column(sa.Text, nullable=False)
    reinforcement = sa.Column(sa.Text)

    def __repr__(self) -> str:
        return f"{self.phase} {self.acted_at:%Y-%m-%d %H:%M}"
