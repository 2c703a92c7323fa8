"""Migrations build the schema the models describe; the registry CLI; idempotent demo seed."""

import json

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from app.core import registry, search
from app.core.enums import alembic_render_item  # noqa: F401  (the env uses it)


def test_models_and_migrations_agree(app, db):
    with db.engine.connect() as conn:
        # search tables and indexes (FTS5, pg_trgm) are the migration's, not the models'
        ctx = MigrationContext.configure(conn, opts={"compare_type": True, "include_name": search.include_name})
        diff = compare_metadata(ctx, db.metadata)
    assert diff == [], diff


def test_registers_cli_lists_every_register(app):
    result = app.test_cli_runner().invoke(args=["registers", "--json"])
    assert result.exit_code == 0, result.output
    rows = {r["key"]: r for r in json.loads(result.output)}
    assert set(rows) == {r.key for r in registry.all_registers()}
    assert rows["meeting"]["name"] == "会议台账"
    assert rows["meeting"]["list_url"] == "/meeting/list/"
    assert rows["meeting"]["api_url"] == "/api/v1/meeting/"
    assert rows["residential_compound"]["module_name"] == "公共"


def _counts(db):
    return {
        t.name: db.session.execute(sa.select(sa.func.count()).select_from(t)).scalar()
        for t in db.metadata.sorted_tables
        if t.name != "audit_log"
    }


def test_seed_demo_is_idempotent(app, db):
    before = _counts(db)
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    assert "already there" in result.output
    assert _counts(db) == before


def test_demo_tree_has_six_communities_with_four_to_six_grids(db):
    from app.org.enums import OrgUnitType
    from app.org.models import OrgUnit

    comms = (
        db.session.execute(
            sa.select(OrgUnit).where(OrgUnit.unit_type.in_([OrgUnitType.community, OrgUnitType.village]))
        )
        .scalars()
        .all()
    )
    assert len(comms) == 6
    for c in comms:
        grids = db.session.execute(sa.select(sa.func.count()).where(OrgUnit.parent_id == c.id)).scalar()
        assert 4 <= grids <= 6
