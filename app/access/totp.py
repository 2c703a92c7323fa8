"""Optional TOTP second factor (RFC 6238, pyotp): a user enrols on 账号安全 (/account/security/),
then signs in with password and a 6-digit code. Config TOTP_REQUIRED=True makes it compulsory for
the roles that see personal data clear (every register's pii_roles, and 系统管理员)."""

from __future__ import annotations

import pyotp
import segno
from flask import current_app

from app.extensions import db

ISSUER = "Jiedao"


def new_secret() -> str:
    return pyotp.random_base32()


def uri(secret: str, username: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=current_app.config.get("APP_NAME", ISSUER))


def qr_svg(text: str) -> str:
    """An inline <svg> (no script, no external image: fine under the CSP)."""
    return segno.make(text, error="m").svg_inline(scale=4)


def matching_step(secret: str, code: str, after: int | None = None) -> int | None:
    """The time step (30 s) `code` belongs to, within one step of now and later than `after`
    (a code is good once: replay refused), else None."""
    code = (code or "").strip().replace(" ", "")
    if not (secret and code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    import time

    now = int(time.time()) // totp.interval
    for step in (now - 1, now, now + 1):
        if after is not None and step <= after:
            continue
        if pyotp.utils.strings_equal(totp.generate_otp(step), code):
            return step
    return None


def verify(user, code: str) -> bool:
    """Check a sign-in code of `user` and spend it."""
    step = matching_step(user.totp_secret, code, user.totp_last_step)
    if step is None:
        return False
    user.totp_last_step = step
    db.session.commit()
    return True


def pii_role_keys() -> set[str]:
    from app.core import permissions, registry

    keys = {permissions.ADMIN_ROLE}
    for reg in registry.all_registers():
        keys |= set(reg.pii_roles or ())
    return keys


def role_keys(user) -> set[str]:
    from app.core import permissions

    return {permissions.ROLE_BY_NAME[r.name] for r in user.roles if r.name in permissions.ROLE_BY_NAME}


def offered_to(user) -> bool:
    """Users of roles that see personal data may enrol."""
    return bool(role_keys(user) & pii_role_keys())


def required_for(user) -> bool:
    return bool(current_app.config.get("TOTP_REQUIRED")) and offered_to(user)
