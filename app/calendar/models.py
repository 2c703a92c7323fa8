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
    """One active feed token per user (regenerating replaces it; revoking deletes it). It is good
    only in the session epoch it was made in: a password change or "log out everywhere" ends it."""

    __tablename__ = "calendar_token"
    id = sa.Column(sa.Integer, primary_key=True)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("ab_user.id", ondelete="CASCADE"), nullable=False, unique=True)
    user = relationship(USER, foreign_keys=[user_id])
    token_hash = sa.Column(sa.String(64), nullable=False, unique=True)
    created_at = sa.Column(sa.DateTime, nullable=False, default=clock.now)
    last_used_at = sa.Column(sa.DateTime)
    session_epoch = sa.Column(sa.Integer, nullable=False, default=0, server_default="0")

    @classmethod
    def issue(cls, user_id: int) -> str:
        """A new secret for the user (the old one stops working); returns the clear token."""
        token = secrets.token_urlsafe(32)
        row = db.session.execute(sa.select(cls).where(cls.user_id == user_id)).scalar_one_or_none()
        if row is None:
            row = cls(user_id=user_id)
            db.session.add(row)
        row.token_hash, row.created_at, row.last_used_at = token_hash(token), clock.now(), None
        from app.org.models import AppUser

        row.session_epoch = db.session.get(AppUser, user_id).session_epoch or 0
        db.session.commit()
        return token

    @classmethod
    def revoke(cls, user_id: int) -> None:
        db.session.execute(sa.delete(cls).where(cls.user_id == user_id))
        db.session.commit()

    @property
    def ended(self) -> bool:
        """Made before the user's sessions were last ended (password change, log out everywhere)."""
        return self.user is None or self.session_epoch != (self.user.session_epoch or 0)

    @classmethod
    def of_user(cls, user_id: int):
        return db.session.execute(sa.select(cls).where(cls.user_id == user_id)).scalar_one_or_none()

    @classmethod
    def resolve(cls, token: str):
        """The live token row of a feed address, else None."""
        if not token or len(token) > 100:
            return None
        row = db.session.execute(sa.select(cls).where(cls.token_hash == token_hash(token))).scalar_one_or_none()
        return None if row is None or row.ended else row
