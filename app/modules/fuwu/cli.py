"""`flask --app run fuwu-assess --month 2026-11`: the 代办服务考核 figures of a month (§10.51)."""

from __future__ import annotations

import click
import sqlalchemy as sa


def assess_month(month: str) -> list:
    """Create or refresh one errand_assessment row per runner with requests done in `month`."""
    from app.core import registry, writes
    from app.extensions import db
    from app.org.models import AppUser

    from . import rules
    from .enums import ErrandStatus
    from .models import ErrandAssessment, ErrandRequest

    if not rules.MONTH_RE.match(month):
        raise click.BadParameter("YYYY-MM")
    first, nxt = rules.month_bounds(month)
    runner_ids = (
        db.session.execute(
            sa.select(ErrandRequest.runner_id)
            .distinct()
            .where(
                ErrandRequest.is_deleted.is_(False),
                ErrandRequest.runner_id.is_not(None),
                ErrandRequest.status.in_([ErrandStatus.done, ErrandStatus.delivered]),
                ErrandRequest.done_at >= first,
                ErrandRequest.done_at < nxt,
            )
        )
        .scalars()
        .all()
    )
    reg = registry.get("errand_assessment")
    out = []
    for runner_id in sorted(runner_ids):
        row = db.session.execute(
            sa.select(ErrandAssessment).where(
                ErrandAssessment.runner_id == runner_id,
                ErrandAssessment.month == month,
                ErrandAssessment.is_deleted.is_(False),
            )
        ).scalar_one_or_none()
        if row is None:
            user = db.session.get(AppUser, runner_id)
            row = ErrandAssessment(month=month, runner_id=runner_id, org_unit_id=user.org_unit_id)
        writes.save(reg, row)  # the rule computes the figures
        out.append(row)
    return out


def register_cli(app) -> None:
    @app.cli.command("fuwu-assess")
    @click.option("--month", required=True, help="YYYY-MM")
    def fuwu_assess(month):
        """Compute the errand runners' monthly assessment (count, on-time and satisfaction rates)."""
        for row in assess_month(month):
            click.echo(
                f"{row.month} {row.runner}: {row.handled_count} done, on time {row.on_time_rate}%, "
                f"satisfied {row.satisfaction_rate}%"
            )
