"""What every app process must see alike, kept in the database (no Redis needed): failed sign-in
attempts (the per-account and per-address limits) and the signed-in browser sessions (so that
logging out revokes a session even if its signed cookie was copied)."""

from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db


class LoginFailure(db.Model):
    """One wrong password or code: counted per `kind` ("account" / "address") and `key` (the
    account's id or normalised name, the client address) inside the limit's window."""

    __tablename__ = "login_failure"
    __table_args__ = (sa.Index("ix_login_failure_kind_key_at", "kind", "key", "at"),)
    id = sa.Column(sa.Integer, primary_key=True)
    kind = sa.Column(sa.String(8), nullable=False)
    key = sa.Column(sa.String(160), nullable=False)
    at = sa.Column(sa.DateTime, nullable=False, index=True)


class LoginSession(db.Model):
    """A browser session made by our sign-in; its cookie holds the secret whose SHA-256 is `id`.
    Logout deletes the row, so a copy of the cookie stops working."""

    __tablename__ = "login_session"
    id = sa.Column(sa.String(64), primary_key=True)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False, index=True)
    created_at = sa.Column(sa.DateTime, nullable=False, index=True)
