"""会议台账, 工作任务, 日程规则, 工作日历, 附件, 审计日志 (domain §2.4)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import relationship

from app.calendar.enums import RecurrencePattern
from app.core import clock
from app.core.enums import enum_column
from app.core.mixins import USER, RegisterRow, link_table
from app.extensions import db
from app.org.enums import Module, Position
from app.org.models import Unit

from .enums import MeetingStatus, MeetingType, WorkItemKind, WorkItemStatus


class ScheduleRule(RegisterRow, db.Model):
    """日程规则 — a recurring mechanism as an RFC 5545 RRULE."""

    __tablename__ = "schedule_rule"
    name = sa.Column(sa.String(100), nullable=False)
    module = enum_column(Module, nullable=False)
    meeting_type = enum_column(MeetingType)
    # a named pattern fills `rrule`; `custom` keeps the typed RRULE (app.calendar.enums)
    pattern = enum_column(RecurrencePattern)
    rrule = sa.Column(sa.String(200), nullable=True)  # always set by check_schedule_rule
    start_time = sa.Column(sa.Time)
    duration_minutes = sa.Column(sa.Integer)
    place = sa.Column(sa.String(200))
    record_register = sa.Column(sa.String(50))  # register a session is recorded in ("meeting", …)
    shift_to_working_day = sa.Column(sa.Boolean, nullable=False, default=False)
    chair_position = enum_column(Position)
    source_quote = sa.Column(sa.Text)
    is_active = sa.Column(sa.Boolean, nullable=False, default=True)

    def __repr__(self) -> str:
        return self.name


class WorkCalendar(RegisterRow, db.Model):
    """工作日历 — public holidays and swapped working days (调休)."""

    __tablename__ = "work_calendar"
    day = sa.Column(sa.Date, nullable=False, unique=True)
    is_working_day = sa.Column(sa.Boolean, nullable=False, default=False)
    name = sa.Column(sa.String(50))

    def __repr__(self) -> str:
        return f"{self.day} {self.name or ''}".strip()


meeting_attendee = link_table("meeting_attendee", meeting_id="meeting.id", user_id="ab_user.id")
meeting_unit = link_table("meeting_unit", meeting_id="meeting.id", unit_id="unit.id")


class Meeting(RegisterRow, db.Model):
    """会议台账 — every meeting of every module, scoped by its own `module`."""

    __tablename__ = "meeting"
    # the list's default order over live rows, tie-broken by id: keyset pages and deep OFFSETs walk it;
    # org_unit_id last, so a community's or grid's pages and counts are read from the index alone
    __table_args__ = (sa.Index("ix_meeting_live_order", "is_deleted", "planned_start", "id", "org_unit_id"),)
    module = enum_column(Module, nullable=False, index=True)
    meeting_type = enum_column(MeetingType, nullable=False)
    title = sa.Column(sa.String(200), nullable=False)
    schedule_rule_id = sa.Column(sa.Integer, sa.ForeignKey("schedule_rule.id"))
    schedule_rule = relationship(ScheduleRule, foreign_keys=[schedule_rule_id])
    planned_start = sa.Column(sa.DateTime, nullable=False, index=True)
    actual_start = sa.Column(sa.DateTime)
    end_time = sa.Column(sa.DateTime)
    place = sa.Column(sa.String(200))
    chair_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"), nullable=False)
    chair = relationship(USER, foreign_keys=[chair_id])
    attendees = relationship(USER, secondary=meeting_attendee)
    attendee_units = relationship(Unit, secondary=meeting_unit)
    is_ad_hoc = sa.Column(sa.Boolean, default=False)
    topics = sa.Column(sa.Text)
    topics_set_by_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"))
    topics_set_by = relationship(USER, foreign_keys=[topics_set_by_id])
    topics_circulated_at = sa.Column(sa.DateTime)
    review_last_period = sa.Column(sa.Text)
    decisions = sa.Column(sa.Text)
    minutes = sa.Column(sa.Text)
    status = enum_column(MeetingStatus, nullable=False, default=MeetingStatus.planned)

    def __repr__(self) -> str:
        return self.title


class WorkItem(RegisterRow, db.Model):
    """工作任务 — a task handed out by a meeting or list, with owner and deadline."""

    __tablename__ = "work_item"
    module = enum_column(Module, nullable=False, index=True)
    kind = enum_column(WorkItemKind, nullable=False)
    meeting_id = sa.Column(sa.Integer, sa.ForeignKey("meeting.id"), index=True)
    meeting = relationship(Meeting, foreign_keys=[meeting_id], backref="work_items")
    title = sa.Column(sa.String(200), nullable=False)
    content = sa.Column(sa.Text)
    responsible_unit_id = sa.Column(sa.Integer, sa.ForeignKey("unit.id"))
    responsible_unit = relationship(Unit, foreign_keys=[responsible_unit_id])
    responsible_person_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"), index=True)
    responsible_person = relationship(USER, foreign_keys=[responsible_person_id])
    deadline = sa.Column(sa.Date, index=True)
    status = enum_column(WorkItemStatus, nullable=False, default=WorkItemStatus.todo)
    completion_note = sa.Column(sa.Text)
    completed_at = sa.Column(sa.DateTime)

    def __repr__(self) -> str:
        return self.title


class Attachment(RegisterRow, db.Model):
    """附件 — a file on any row of any register; org_unit is copied from that row."""

    __tablename__ = "attachment"
    __table_args__ = (sa.Index("ix_attachment_row", "register_key", "row_id"),)
    register_key = sa.Column(sa.String(50), nullable=False)
    row_id = sa.Column(sa.Integer, nullable=False)
    file_name = sa.Column(sa.String(200), nullable=False)
    content_type = sa.Column(sa.String(100), nullable=False)
    size_bytes = sa.Column(sa.Integer, nullable=False)
    stored_name = sa.Column(sa.String(64), nullable=False, unique=True)

    def __repr__(self) -> str:
        return self.file_name


class AuditLog(db.Model):
    """审计日志 — who changed what and when; logins and failed logins. Append-only."""

    __tablename__ = "audit_log"
    __table_args__ = (sa.Index("ix_audit_log_row", "register_key", "row_id"),)
    id = sa.Column(sa.Integer, primary_key=True)
    at = sa.Column(sa.DateTime, nullable=False, default=clock.now, index=True)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id"), index=True)
    user = relationship(USER, foreign_keys=[user_id])
    action = sa.Column(sa.String(20), nullable=False, index=True)
    register_key = sa.Column(sa.String(50))
    row_id = sa.Column(sa.Integer)
    org_unit_id = sa.Column(sa.Integer, sa.ForeignKey("org_unit.id"), index=True)
    org_unit = relationship("OrgUnit", foreign_keys=[org_unit_id])
    diff = sa.Column(sa.Text)
    ip = sa.Column(sa.String(45))

    def __repr__(self) -> str:
        return f"{self.action} {self.register_key or ''} {self.row_id or ''}".strip()
