"""`flask zhifa-plan-tuesdays`: the weekly joint-enforcement series from its schedule rule (TR-36)."""

from __future__ import annotations

import datetime as dt

import click
import sqlalchemy as sa
from flask import Flask


def plan_tuesdays(start: dt.date, weeks: int) -> list:
    """Create a planned action for every Tuesday of the rule in [start, start + weeks) that has none.
    The lead is the first active staff member of the rule's chair post (分管副书记 by default)."""
    from app.common.models import ScheduleRule
    from app.extensions import db
    from app.org.enums import Module, Position, UnitKind
    from app.org.models import StaffProfile, Unit

    from .enums import EnforcementFocus, JointStatus
    from .models import JointEnforcement
    from .rules import JOINT_START, joint_rrule, street_id, tuesdays

    rule = (
        db.session.execute(
            sa.select(ScheduleRule).where(
                ScheduleRule.is_deleted.is_(False),
                ScheduleRule.is_active.is_(True),
                ScheduleRule.module == Module.zhifa,
                ScheduleRule.meeting_type.is_(None),
                ScheduleRule.rrule == joint_rrule(),
            )
        )
        .scalars()
        .first()
    )
    post = rule.chair_position if rule is not None and rule.chair_position else Position.deputy_secretary
    start_time = rule.start_time if rule is not None and rule.start_time else JOINT_START
    lead = (
        db.session.execute(
            sa.select(StaffProfile.user_id)
            .where(StaffProfile.is_deleted.is_(False), StaffProfile.is_active.is_(True), StaffProfile.position == post)
            .order_by(StaffProfile.id)
        )
        .scalars()
        .first()
    )
    if lead is None:
        raise click.ClickException(f"no active staff member with the post {post.name} to lead the actions")
    units = list(
        db.session.execute(
            sa.select(Unit)
            .where(Unit.unit_kind == UnitKind.stationed, Unit.is_active.is_(True), Unit.is_deleted.is_(False))
            .order_by(Unit.id)
            .limit(3)
        ).scalars()
    )
    end = start + dt.timedelta(weeks=weeks) - dt.timedelta(days=1)
    taken = set(
        db.session.execute(
            sa.select(JointEnforcement.action_date).where(
                JointEnforcement.is_deleted.is_(False), JointEnforcement.action_date.between(start, end)
            )
        ).scalars()
    )
    made = []
    for day in tuesdays(start, end, joint_rrule()):
        if day in taken:
            continue
        action = JointEnforcement(
            action_date=day,
            start_time=start_time,
            lead_leader_id=lead,
            stationed_units=units,
            areas="（待定）",
            focus=[EnforcementFocus.road_market, EnforcementFocus.street_occupation, EnforcementFocus.ten_disorders],
            status=JointStatus.planned,
            org_unit_id=street_id(),
        )
        db.session.add(action)
        made.append(action)
    db.session.commit()
    return made


def register_cli(app: Flask) -> None:
    @app.cli.command("zhifa-plan-tuesdays")
    @click.option("--weeks", default=4, show_default=True, help="How many weeks ahead.")
    @click.option("--start", default=None, help="First day (YYYY-MM-DD); default today.")
    def plan_cmd(weeks, start):
        """Plan the Tuesday 08:00 joint enforcement for the coming weeks (skips Tuesdays already planned)."""
        from app.core import clock

        first = dt.date.fromisoformat(start) if start else clock.today()
        made = plan_tuesdays(first, weeks)
        click.echo(f"joint enforcement planned: {len(made)}")
