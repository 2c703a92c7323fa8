"""`flask --app run backup [PATH]` and `flask --app run restore PATH`.

A backup is a folder:
  database.sqlite3   SQLite: a consistent copy made with SQLite's online backup API
  database.dump      PostgreSQL: `pg_dump -Fc` (restored with `pg_restore`)
  attachments.tar.gz the attachment folder (files are named by content; the rows point at them)
  manifest.json      when, which engine, and per table: row count and a checksum of its rows

`restore` loads a backup into the configured database, which must be empty (a fresh
SQLite file or an empty PostgreSQL database) unless `--force`, then compares every
table's row count and checksum with the manifest and says so.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, current_app

MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.dump"
ATTACHMENTS = "attachments.tar.gz"


class BackupError(click.ClickException):
    pass


def _engine():
    from app.extensions import db

    return db.engine


def _is_sqlite(url: sa.engine.URL) -> bool:
    return url.get_backend_name() == "sqlite"


def _libpq(url: sa.engine.URL) -> tuple[str, dict]:
    """A libpq connection string (no password in it) and the environment carrying the password."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (apt-get install postgresql-client)")
    return path


def fingerprints(engine) -> dict[str, dict]:
    """Per table: row count and sha256 over its rows in primary-key order (alembic and FAB tables included)."""
    out = {}
    meta = sa.MetaData()
    meta.reflect(bind=engine)
    with engine.connect() as conn:
        for name in sorted(meta.tables):
            table = meta.tables[name]
            order = list(table.primary_key.columns) or list(table.columns)
            digest = hashlib.sha256()
            count = 0
            for row in conn.execute(sa.select(table).order_by(*order)).yield_per(2000):
                digest.update(repr(tuple(row)).encode())
                digest.update(b"\n")
                count += 1
            out[name] = {"rows": count, "sha256": digest.hexdigest()}
    return out


def _table_names(engine) -> list[str]:
    return sa.inspect(engine).get_table_names()


def backup(target: Path) -> dict:
    engine = _engine()
    url = engine.url
    target.mkdir(parents=True, exist_ok=True)
    if any(target.iterdir()):
        raise BackupError(f"{target} is not empty")
    if _is_sqlite(url):
        dest = sqlite3.connect(target / SQLITE_FILE)
        src = sqlite3.connect(url.database)
        try:
            with dest:
                src.backup(dest)  # online: consistent even while the app writes
        finally:
            src.close()
            dest.close()
        kind = "sqlite"
    else:
        conninfo, env = _libpq(url)
        subprocess.run(
            [_tool("pg_dump"), "-Fc", "--no-owner", "--no-privileges", "-f", str(target / PG_FILE), "-d", conninfo],
            check=True,
            env=env,
        )
        kind = "postgresql"
    folder = Path(current_app.config["ATTACHMENT_FOLDER"])
    with tarfile.open(target / ATTACHMENTS, "w:gz") as tar:
        if folder.is_dir():
            tar.add(folder, arcname="attachments")
    # the checksums of what was copied: read back from the copy itself where we can
    if kind == "sqlite":
        copy = sa.create_engine(f"sqlite:///{target / SQLITE_FILE}")
        tables = fingerprints(copy)
        copy.dispose()
    else:
        tables = fingerprints(engine)
    manifest = {"made_at": dt.datetime.now().isoformat(timespec="seconds"), "engine": kind, "tables": tables}
    (target / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
    return manifest


def restore(source: Path, force: bool = False) -> dict:
    manifest = json.loads((source / MANIFEST).read_text())
    engine = _engine()
    url = engine.url
    if not force and _table_names(engine):
        raise BackupError("the target database is not empty (use --force to replace it)")
    if _is_sqlite(url):
        if manifest["engine"] != "sqlite":
            raise BackupError("this backup is of a PostgreSQL database: restore it into PostgreSQL")
        engine.dispose()
        src = sqlite3.connect(source / SQLITE_FILE)
        dest = sqlite3.connect(url.database)
        try:
            with dest:
                src.backup(dest)
        finally:
            src.close()
            dest.close()
    else:
        if manifest["engine"] != "postgresql":
            raise BackupError("this backup is of a SQLite database: restore it into SQLite")
        engine.dispose()
        conninfo, env = _libpq(url)
        cmd = [_tool("pg_restore"), "--no-owner", "--no-privileges", "--exit-on-error", "-d", conninfo]
        if force:
            cmd[1:1] = ["--clean", "--if-exists"]
        subprocess.run([*cmd, str(source / PG_FILE)], check=True, env=env)
    folder = Path(current_app.config["ATTACHMENT_FOLDER"])
    with tarfile.open(source / ATTACHMENTS, "r:gz") as tar:
        members = [m for m in tar.getmembers() if m.name == "attachments" or m.name.startswith("attachments/")]
        folder.mkdir(parents=True, exist_ok=True)
        for m in members:
            m.name = m.name[len("attachments") :].lstrip("/") or "."
        tar.extractall(folder, members=members, filter="data")
    found = fingerprints(engine)
    differ = sorted(t for t in manifest["tables"] if manifest["tables"][t] != found.get(t))
    return {"tables": len(found), "differ": differ, "rows": sum(t["rows"] for t in found.values())}


def register_cli(app: Flask) -> None:
    @app.cli.command("backup")
    @click.argument("path", required=False, type=click.Path(path_type=Path))
    def backup_cmd(path):
        """Back up the database and the attachments into the folder PATH (default instance/backups/<time>)."""
        if path is None:
            instance = Path(current_app.config["ATTACHMENT_FOLDER"]).parent
            path = instance / "backups" / dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        manifest = backup(path)
        rows = sum(t["rows"] for t in manifest["tables"].values())
        click.echo(f"backup written to {path}: {len(manifest['tables'])} tables, {rows} rows")

    @app.cli.command("restore")
    @click.argument("path", type=click.Path(exists=True, file_okay=False, path_type=Path))
    @click.option("--force", is_flag=True, help="Replace a database that is not empty.")
    def restore_cmd(path, force):
        """Restore a backup folder made by `backup` into the configured (empty) database and verify it."""
        result = restore(path, force=force)
        if result["differ"]:
            raise BackupError(f"restored, but these tables differ from the backup: {', '.join(result['differ'])}")
        click.echo(f"restored {result['tables']} tables, {result['rows']} rows; counts and checksums match the backup")
