"""大党建 registers (domain §3.2–3.5). `org_unit` is each row's scope anchor; where domain.md
names a `community`/`grid` field, org_unit holds it (labelled per register)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import relationship

from app.core.enums import enum_column
from app.core.mixins import USER, RegisterRow
from app.core.values import money_column, phone_column
from app.extensions import db
from app.org.models import ResidentialCompound, Unit

from .enums import (
    ActionKind,
    AllianceMemberType,
    AllianceRecordKind,
    AllianceStatus,
    FourInOne,
    FundEntryType,
    FundPurpose,
    IssueStatus,
    MilestoneStatus,
    ProjectStatus,
    ReviewResult,
    ReviewRound,
    SelectionMethod,
    ServiceItemStatus,
    ThemeLevel,
    ThemeStatus,
    VolunteerStatus,
    VolunteerType,
)


def fund_allocation():
    from .rules import fund_allocation as configured

    return configured()


def _user(column: str):
    return relationship(USER, foreign_keys=[column])


# ---------------------------------------------------------------- 党建项目 (§3.2)


class PartyProject(RegisterRow, db.Model):
    __tablename__ = "party_project"
    year = sa.Column(sa.Integer, nullable=False, index=True)
    secretary_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"), nullable=False, index=True)
    secretary = relationship(USER, foreign_keys=[secretary_id])
    liaison_leader_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"), nullable=False)
    liaison_leader = relationship(USER, foreign_keys=[liaison_leader_id])
    title = sa.Column(sa.String(200), nullable=False)
    goal = sa.Column(sa.Text, nullable=False)
    content = sa.Column(sa.Text)
    responsible_person_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"), nullable=False)
    responsible_person = relationship(USER, foreign_keys=[responsible_person_id])
    start_date = sa.Column(sa.Date)
    end_date = sa.Column(sa.Date)
    budget = money_column()
    status = enum_column(ProjectStatus, nullable=False, default=ProjectStatus.draft, index=True)
    declared_at = sa.Column(sa.DateTime)
    late_reason = sa.Column(sa.Text)
    approved_at = sa.Column(sa.DateTime)
    completed_at = sa.Column(sa.DateTime)
    outcome = sa.Column(sa.Text)

    def __repr__(self) -> str:
        return f"{self.year} {self.title}"


class PartyProjectMilestone(RegisterRow, db.Model):
    __tablename__ = "party_project_milestone"
    project_id = sa.Column(sa.Integer, sa.ForeignKey("party_project.id"), nullable=False, index=True)
    project = relationship(PartyProject, foreign_keys=[project_id], backref="milestones")
    name = sa.Column(sa.String(200), nullable=False)
    due_date = sa.Column(sa.Date, nullable=False)
    done_date = sa.Column(sa.Date)
    status = enum_column(MilestoneStatus, nullable=False, default=MilestoneStatus.pending)

    def __repr__(self) -> str:
        return self.name


class PartyProjectReview(RegisterRow, db.Model):
    __tablename__ = "party_project_review"
    project_id = sa.Column(sa.Integer, sa.ForeignKey("party_project.id"), nullable=False, index=True)
    project = relationship(PartyProject, foreign_keys=[project_id], backref="reviews")
    round = enum_column(ReviewRound, nullable=False)
    meeting_id = sa.Column(sa.Integer, sa.ForeignKey("meeting.id"))
    meeting = relationship("Meeting", foreign_keys=[meeting_id])
    convener_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"), nullable=False)
    convener = relationship(USER, foreign_keys=[convener_id])
    reviewed_at = sa.Column(sa.DateTime, nullable=False)
    result = enum_column(ReviewResult, nullable=False)
    opinion = sa.Column(sa.Text)

    def __repr__(self) -> str:
        return f"{self.round} {self.result}"


class PartyProjectProgress(RegisterRow, db.Model):
    __tablename__ = "party_project_progress"
    project_id = sa.Column(sa.Integer, sa.ForeignKey("party_project.id"), nullable=False, index=True)
    project = relationship(PartyProject, foreign_keys=[project_id], backref="progress_records")
    report_date = sa.Column(sa.Date, nullable=False)
    progress = sa.Column(sa.Text, nullable=False)
    percent_complete = sa.Column(sa.Integer)
    problems = sa.Column(sa.Text)
    next_steps = sa.Column(sa.Text)
    recorded_by_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"))
    recorded_by = relationship(USER, foreign_keys=[recorded_by_id])
    liaison_opinion = sa.Column(sa.Text)

    def __repr__(self) -> str:
        return f"{self.report_date}"


# ---------------------------------------------------------------- 专项经费 (§3.3)


class ServiceFund(RegisterRow, db.Model):
    __tablename__ = "service_fund"
    __table_args__ = (sa.UniqueConstraint("org_unit_id", "year", name="uq_service_fund_community_year"),)
    year = sa.Column(sa.Integer, nullable=False, index=True)
    allocated_amount = money_column(nullable=False, default=lambda: fund_allocation())
    allocated_on = sa.Column(sa.Date)
    # kept equal to the ledger by the expenditure rule (under the fund row's lock)
    spent_amount = money_column(nullable=False, default=0)
    committed_amount = money_column(nullable=False, default=0)
    balance = money_column(nullable=False, default=0)

    def __repr__(self) -> str:
        return f"{self.org_unit} {self.year}"


class FundExpenditure(RegisterRow, db.Model):
    __tablename__ = "fund_expenditure"
    fund_id = sa.Column(sa.Integer, sa.ForeignKey("service_fund.id"), nullable=False, index=True)
    fund = relationship(ServiceFund, foreign_keys=[fund_id], backref="entries")
    entry_type = enum_column(FundEntryType, nullable=False, default=FundEntryType.expenditure)
    spent_on = sa.Column(sa.Date, nullable=False)
    amount = money_column(nullable=False)
    purpose = enum_column(FundPurpose, nullable=False)
    party_project_id = sa.Column(sa.Integer, sa.ForeignKey("party_project.id"))
    party_project = relationship(PartyProject, foreign_keys=[party_project_id])
    description = sa.Column(sa.Text, nullable=False)
    voucher_no = sa.Column(sa.String(50))
    payee = sa.Column(sa.String(200))
    reversal_of_id = sa.Column(sa.Integer, sa.ForeignKey("fund_expenditure.id"))
    reversal_of = relationship("FundExpenditure", remote_side="FundExpenditure.id", foreign_keys=[reversal_of_id])

    def __repr__(self) -> str:
        return f"{self.spent_on} {self.amount} {self.voucher_no or ''}".strip()


# ---------------------------------------------------------------- 红色物业联盟 (§3.4)


class RedPropertyAlliance(RegisterRow, db.Model):
    __tablename__ = "red_property_alliance"
    compound_id = sa.Column(sa.Integer, sa.ForeignKey("residential_compound.id"), nullable=False, index=True)
    compound = relationship(ResidentialCompound, foreign_keys=[compound_id])
    name = sa.Column(sa.String(200), nullable=False)
    established_on = sa.Column(sa.Date)
    lead_person_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"))
    lead_person = relationship(USER, foreign_keys=[lead_person_id])
    status = enum_column(AllianceStatus, nullable=False, default=AllianceStatus.building)

    def __repr__(self) -> str:
        return self.name


class AllianceMember(RegisterRow, db.Model):
    __tablename__ = "alliance_member"
    alliance_id = sa.Column(sa.Integer, sa.ForeignKey("red_property_alliance.id"), nullable=False, index=True)
    alliance = relationship(RedPropertyAlliance, foreign_keys=[alliance_id], backref="members")
    member_type = enum_column(AllianceMemberType, nullable=False)
    name = sa.Column(sa.String(200), nullable=False)
    contact_person = sa.Column(sa.String(50))
    contact_phone = phone_column()
    joined_on = sa.Column(sa.Date)

    def __repr__(self) -> str:
        return self.name


class AllianceRecord(RegisterRow, db.Model):
    __tablename__ = "alliance_record"
    alliance_id = sa.Column(sa.Integer, sa.ForeignKey("red_property_alliance.id"), index=True)
    alliance = relationship(RedPropertyAlliance, foreign_keys=[alliance_id])
    dimension = enum_column(FourInOne, nullable=False)
    kind = enum_column(AllianceRecordKind, nullable=False)
    title = sa.Column(sa.String(200), nullable=False)
    content = sa.Column(sa.Text, nullable=False)
    record_date = sa.Column(sa.Date, nullable=False)
    promoted = sa.Column(sa.Boolean, default=False)

    def __repr__(self) -> str:
        return self.title


class PropertyIssue(RegisterRow, db.Model):
    __tablename__ = "property_issue"
    compound_id = sa.Column(sa.Integer, sa.ForeignKey("residential_compound.id"), nullable=False, index=True)
    compound = relationship(ResidentialCompound, foreign_keys=[compound_id])
    alliance_id = sa.Column(sa.Integer, sa.ForeignKey("red_property_alliance.id"))
    alliance = relationship(RedPropertyAlliance, foreign_keys=[alliance_id])
    description = sa.Column(sa.Text, nullable=False)
    raised_by = sa.Column(sa.String(100))
    raised_on = sa.Column(sa.Date, nullable=False)
    handled_by_id = sa.Column(sa.Integer, sa.ForeignKey("alliance_member.id"))
    handled_by = relationship(AllianceMember, foreign_keys=[handled_by_id])
    result = sa.Column(sa.Text)
    status = enum_column(IssueStatus, nullable=False, default=IssueStatus.open)

    def __repr__(self) -> str:
        return (self.description or "")[:30]


class PropertyServiceSelection(RegisterRow, db.Model):
    __tablename__ = "property_service_selection"
    compound_id = sa.Column(sa.Integer, sa.ForeignKey("residential_compound.id"), nullable=False, index=True)
    compound = relationship(ResidentialCompound, foreign_keys=[compound_id])
    property_company_id = sa.Column(sa.Integer, sa.ForeignKey("unit.id"), nullable=False)
    property_company = relationship(Unit, foreign_keys=[property_company_id])
    selection_method = enum_column(SelectionMethod)
    contract_start = sa.Column(sa.Date)
    contract_end = sa.Column(sa.Date)
    evaluation = sa.Column(sa.Text)

    def __repr__(self) -> str:
        return f"{self.compound} {self.property_company}"


# ---------------------------------------------------------------- 组团联社与“四个一” (§3.5)


class ServiceTeam(RegisterRow, db.Model):
    __tablename__ = "service_team"
    name = sa.Column(sa.String(100), nullable=False)
    team_leader_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"), nullable=False, index=True)
    team_leader = relationship(USER, foreign_keys=[team_leader_id])
    is_active = sa.Column(sa.Boolean, nullable=False, default=True)

    def __repr__(self) -> str:
        return self.name


class ServiceGroup(RegisterRow, db.Model):
    __tablename__ = "service_group"
    __table_args__ = (sa.UniqueConstraint("team_id", "org_unit_id", name="uq_service_group_team_grid"),)
    team_id = sa.Column(sa.Integer, sa.ForeignKey("service_team.id"), nullable=False, index=True)
    team = relationship(ServiceTeam, foreign_keys=[team_id], backref="groups")
    name = sa.Column(sa.String(100), nullable=False)
    group_leader_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"))
    group_leader = relationship(USER, foreign_keys=[group_leader_id])
    base_location = sa.Column(sa.String(200))

    def __repr__(self) -> str:
        return self.name


class Volunteer(RegisterRow, db.Model):
    __tablename__ = "volunteer"
    full_name = sa.Column(sa.String(50), nullable=False)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"), index=True)
    user = relationship(USER, foreign_keys=[user_id])
    volunteer_type = enum_column(VolunteerType, nullable=False)
    team_id = sa.Column(sa.Integer, sa.ForeignKey("service_team.id"), nullable=False, index=True)
    team = relationship(ServiceTeam, foreign_keys=[team_id], backref="volunteers")
    group_id = sa.Column(sa.Integer, sa.ForeignKey("service_group.id"), index=True)
    group = relationship(ServiceGroup, foreign_keys=[group_id], backref="volunteers")
    work_unit = sa.Column(sa.String(100))
    phone = phone_column()
    skills = sa.Column(sa.Text)
    joined_on = sa.Column(sa.Date)
    status = enum_column(VolunteerStatus, nullable=False, default=VolunteerStatus.active)

    def __repr__(self) -> str:
        return self.full_name


class ServiceListItem(RegisterRow, db.Model):
    __tablename__ = "service_list_item"
    __table_args__ = (sa.Index("ix_service_list_item_live_order", "is_deleted", "month", "id", "org_unit_id"),)
    group_id = sa.Column(sa.Integer, sa.ForeignKey("service_group.id"), nullable=False, index=True)
    group = relationship(ServiceGroup, foreign_keys=[group_id])
    volunteer_id = sa.Column(sa.Integer, sa.ForeignKey("volunteer.id"), index=True)
    volunteer = relationship(Volunteer, foreign_keys=[volunteer_id])
    month = sa.Column(sa.Date, nullable=False, index=True)
    content = sa.Column(sa.Text, nullable=False)
    action_kind = enum_column(ActionKind, nullable=False)
    monthly_key_task_id = sa.Column(sa.Integer, sa.ForeignKey("work_item.id"))
    monthly_key_task = relationship("WorkItem", foreign_keys=[monthly_key_task_id])
    planned_date = sa.Column(sa.Date)
    status = enum_column(ServiceItemStatus, nullable=False, default=ServiceItemStatus.planned)
    progress = sa.Column(sa.Text)
    effect = sa.Column(sa.Text)

    def __repr__(self) -> str:
        return (self.content or "")[:30]


class TuesdayAttendance(RegisterRow, db.Model):
    __tablename__ = "tuesday_attendance"
    __table_args__ = (sa.UniqueConstraint("volunteer_id", "activity_date", name="uq_tuesday_attendance_day"),)
    activity_date = sa.Column(sa.Date, nullable=False, index=True)
    volunteer_id = sa.Column(sa.Integer, sa.ForeignKey("volunteer.id"), nullable=False, index=True)
    volunteer = relationship(Volunteer, foreign_keys=[volunteer_id])
    tuesday_theme_id = sa.Column(sa.Integer, sa.ForeignKey("tuesday_theme.id"))
    tuesday_theme = relationship("TuesdayTheme", foreign_keys=[tuesday_theme_id])
    attended = sa.Column(sa.Boolean, nullable=False, default=True)
    absence_reason = sa.Column(sa.String(200))

    def __repr__(self) -> str:
        return f"{self.activity_date} {self.volunteer}"


class MonthlyCheck(RegisterRow, db.Model):
    __tablename__ = "monthly_check"
    __table_args__ = (sa.UniqueConstraint("volunteer_id", "month", name="uq_monthly_check_volunteer_month"),)
    month = sa.Column(sa.Date, nullable=False, index=True)
    volunteer_id = sa.Column(sa.Integer, sa.ForeignKey("volunteer.id"), nullable=False, index=True)
    volunteer = relationship(Volunteer, foreign_keys=[volunteer_id])
    # empty until the 团长 checks (the month-opening job creates the rows)
    checker_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"))
    checker = relationship(USER, foreign_keys=[checker_id])
    tuesdays_total = sa.Column(sa.Integer)
    tuesdays_attended = sa.Column(sa.Integer)
    attended_every_tuesday = sa.Column(sa.Boolean)
    executed_list = sa.Column(sa.Boolean)
    list_updated = sa.Column(sa.Boolean)
    progress_note = sa.Column(sa.Text)
    effect_note = sa.Column(sa.Text)
    checked_at = sa.Column(sa.DateTime)

    def __repr__(self) -> str:
        return f"{self.month:%Y-%m} {self.volunteer}"


class ThemeActivity(RegisterRow, db.Model):
    __tablename__ = "theme_activity"
    level = enum_column(ThemeLevel, nullable=False)
    activity_date = sa.Column(sa.Date, nullable=False, index=True)
    title = sa.Column(sa.String(200), nullable=False)
    prescribed_actions = sa.Column(sa.Text, nullable=False)

    def __repr__(self) -> str:
        return f"{self.activity_date} {self.title}"


class TuesdayTheme(RegisterRow, db.Model):
    __tablename__ = "tuesday_theme"
    __table_args__ = (sa.UniqueConstraint("org_unit_id", "activity_date", name="uq_tuesday_theme_community_day"),)
    activity_date = sa.Column(sa.Date, nullable=False, index=True)
    team_id = sa.Column(sa.Integer, sa.ForeignKey("service_team.id"))
    team = relationship(ServiceTeam, foreign_keys=[team_id])
    theme_activity_id = sa.Column(sa.Integer, sa.ForeignKey("theme_activity.id"))
    theme_activity = relationship(ThemeActivity, foreign_keys=[theme_activity_id])
    theme = sa.Column(sa.String(200), nullable=False)
    prescribed_actions = sa.Column(sa.Text)
    optional_actions = sa.Column(sa.Text, nullable=False)
    set_at = sa.Column(sa.DateTime)
    status = enum_column(ThemeStatus, nullable=False, default=ThemeStatus.draft)
    summary = sa.Column(sa.Text)

    def __repr__(self) -> str:
        return f"{self.activity_date} {self.theme}"
