"""The key that signs sessions, CSRF tokens and API tokens. Without SECRET_KEY in the environment
the first start writes a random one to the instance folder (SECRET_KEY_FILE, mode 0600) and
every later start — and every other process on that folder — reads it, as Django's startproject
writes one per project. Production refuses short keys and the key once published in the source."""

from __future__ import annotations

import hashlib
import os
import secrets
from pathlib import Path

MIN_PRODUCTION_BYTES = 32
#: SHA-256 of keys that were in the public source (config.py's old development key)
PUBLISHED = {"17696f0bb13a82b0744bb9172dc19725a6a429afabe94b5795858b7ee48707a3"}


def _published(key: bytes) -> bool:
    return hashlib.sha256(key).hexdigest() in PUBLISHED


def instance_key(path: Path) -> str:
    """The key kept in `path`, made on first use. Several processes starting at once agree:
    each writes its candidate to a file of its own and links it into place, and link() fails
    for all but the first; everyone then reads the winner."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        candidate = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            os.write(fd, secrets.token_hex(32).encode())
        finally:
            os.close(fd)
        try:
            os.link(candidate, path)
        except FileExistsError:
            pass
        finally:
            candidate.unlink()
    key = path.read_text().strip()
    if not key:
        raise RuntimeError(f"{path} is empty: delete it to make a new key, or set SECRET_KEY")
    return key


def configure(app) -> None:
    key = app.config.get("SECRET_KEY")
    if not key:
        key = app.config["SECRET_KEY"] = instance_key(Path(app.config["SECRET_KEY_FILE"]))
    raw = key.encode() if isinstance(key, str) else key
    if _published(raw):
        raise RuntimeError("SECRET_KEY is the development key published in the source: set a key of your own")
    if app.config.get("ENV_NAME") == "production" and len(raw) < MIN_PRODUCTION_BYTES:
        raise RuntimeError(f"JIEDAO_ENV=production needs a SECRET_KEY of at least {MIN_PRODUCTION_BYTES} bytes")
