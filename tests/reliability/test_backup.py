"""backup / restore: the test database (demo data and an attachment) backed up, restored into an EMPTY
database (a fresh SQLite file; on PostgreSQL a scratch database made and dropped here), and compared
table by table: row counts and a checksum over the ordered rows."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import uuid
from pathlib import Path

import sqlalchemy as sa

from app import backup as backup_mod


def _scratch_url(app, tmp_path) -> tuple[str, callable]:
    url = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        return f"sqlite:///{tmp_path / 'restored.db'}", lambda: None
    name = f"{url.database}_restore"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop():
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


def test_backup_then_restore_into_an_empty_database_is_identical(app, clients, tmp_path):
    from app.common.models import Meeting
    from app.extensions import db

    # an attachment on a meeting, so the files are part of what must come back
    admin = clients("admin")
    with app.app_context():
        meeting_id = db.session.execute(sa.select(Meeting.id).where(Meeting.is_deleted.is_(False))).scalars().first()
    content = f"备份测试 {uuid.uuid4()}".encode()
    r = admin.post_form(
        f"/attachments/meeting/{meeting_id}/upload",
        {"file": (io.BytesIO(content), "备份.txt")},
        form_url=f"/meeting/show/{meeting_id}",
        content_type="multipart/form-data",
    )
    assert r.status_code in (200, 302), r.status_code

    out = tmp_path / "backup"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["backup", str(out)])
    assert result.exit_code == 0, result.output
    manifest = (out / "manifest.json").read_text()
    assert "meeting" in manifest and (out / "attachments.tar.gz").stat().st_size > 0
    with app.app_context():
        original = backup_mod.fingerprints(db.engine)
    assert original["meeting"]["rows"] > 0 and original["alembic_version"]["rows"] == 1

    url, drop = _scratch_url(app, tmp_path)
    files = tmp_path / "restored-files"

    env = {**os.environ, "DATABASE_URL": url, "JIEDAO_ATTACHMENT_FOLDER": str(files), "JIEDAO_ENV": "development"}
    flask = [sys.executable, "-m", "flask", "--app", "run", "restore", str(out)]
    root = Path(__file__).resolve().parents[2]
    try:
        result = subprocess.run(flask, env=env, cwd=root, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "counts and checksums match" in result.stdout
        engine = sa.create_engine(url)
        restored = backup_mod.fingerprints(engine)
        engine.dispose()
        assert restored == original  # every table: same rows, same checksum
        # the attachment came back byte for byte
        assert any(p.read_bytes() == content for p in files.rglob("*") if p.is_file())
        # a second restore into the now full database is refused (nothing overwritten by mistake)
        again = subprocess.run(flask, env=env, cwd=root, capture_output=True, text=True, timeout=300)
        assert again.returncode != 0 and "not empty" in again.stderr + again.stdout
    finally:
        drop()


def test_backup_refuses_a_folder_that_is_not_empty(app, tmp_path):
    (tmp_path / "x").write_text("x")
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path)])
    assert result.exit_code != 0 and "not empty" in result.output
