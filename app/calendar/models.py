"""Personal calendar-feed tokens: the secret is shown once; only its SHA-256 is stored."""
from __future__ import annotations

import hashlib
import secrets

import sqlalchemy as sa
from sqlalchemy.orm import relationship

from app.core import clock
from app.core.mixins import USER
from app.extensions import db


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class CalendarToken(db.Model):
    """One active feed token per user (regenerating replaces it; revoking deletes it)."""

    __tablename__ = "calendar_token"
    id = sa.Column(sa.Integer, primary_key=True)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False, unique=True)
    user = relationship(USER, foreign_keys=[user_id])
    token_hash = sa.Column(sa.String(64), nullable=False, unique=True)
    created_at = sa.Column(sa.DateTime, nullable=False, default=clock.now)
    last_used_at = sa.Column(sa.DateTime)

    @classmethod
    def issue(cls, user_id: int) -> str:
        """A new secret for the user (the old one stops working); returns the clear token."""
        token = secrets.token_urlsafe(32)
        row = db.session.execute(sa.select(cls).where(cls.user_id == user_id)).scalar_one_or_none()
        if row is None:
            row = cls(user_id=user_id)
            db.session.add(row)
        row.token_hash, row.created_at, row.last_used_at = token_hash(token), clock.now(), None
        db.session.commit()
        return token

    @classmethod
    def revoke(cls, user_id: int) -> None:
        db.session.execute(sa.delete(cls).where(cls.user_id == user_id))
        db.session.commit()

    @classmethod
    def resolve(cls, token: str):
        if not token or len(token) > 100:
            return None
        return db.session.execute(sa.select(cls).where(cls.token_hash == token_hash(token))).scalar_one_or_none()
