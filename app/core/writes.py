"""The one write path for every surface (form, API, import, CLI).

save(): register rules → flush → the database confirms the row is inside the
user's write scope → commit. Stale versions, scope and constraint failures
come back as WriteRefused with a message for the user; nothing is half-saved.
"""
from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db

from . import clock, scope
from .registry import Register
from .rules import RuleViolation


class WriteRefused(Exception):
    def __init__(self, message, errors: dict | None = None, status: int = 422):
        self.message = str(message)
        self.errors = errors or {}
        self.status = status
        super().__init__(self.message)


def stale_message() -> str:
    return _("This record was changed by someone else after you opened it. Your changes were not saved: reload it, then apply them again.")


def rollback() -> None:
    db.session.rollback()


def run_rules(reg: Register, item) -> list[str]:
    warnings: list[str] = []
    for rule in reg.rules:
        warnings.extend(rule(item) or [])
    return warnings


def save(reg: Register, item, expected_version: int | None = None, need: str = "write",
         parent_checked: bool = False) -> list[str]:
    """Validate, scope-check and commit `item`. Returns warnings to show the user.

    `need` is the right whose scope the saved row must be in: "write" for forms and the API,
    the step's own right ("approve") for a workflow step taken by a role that approves but
    does not write (RA cells: a leader reviews, the row stays where it is).
    parent_checked: the caller has checked write access to the row this one belongs to
    (attachments), which then decides instead of this register's own scope."""
    session = db.session
    try:
        if expected_version is not None and item.version != expected_version:
            raise WriteRefused(stale_message(), status=409)
        warnings = run_rules(reg, item)
        session.add(item)
        session.flush()
        if not parent_checked and not scope.allows(reg, item, need):
            raise WriteRefused(_("You cannot save a record into an organisation unit outside your scope."), {"org_unit": _("Outside your scope.")}, status=403)
        session.commit()
        return warnings
    except RuleViolation as e:
        session.rollback()
        raise WriteRefused(e, e.errors) from e
    except StaleDataError as e:
        session.rollback()
        raise WriteRefused(stale_message(), status=409) from e
    except IntegrityError as e:
        session.rollback()
        raise WriteRefused(_("The record conflicts with an existing one (a value that must be unique is taken) or refers to a missing record.")) from e
    except WriteRefused:
        session.rollback()
        raise
    except SQLAlchemyError as e:
        session.rollback()
        raise WriteRefused(_("The database refused the change; nothing was saved.")) from e


def can_modify(reg: Register, item) -> bool:
    """Is the row, as it is now, inside the user's write scope?"""
    return scope.allows(reg, item, "write")


def can_delete(reg: Register, item) -> bool:
    """W rights delete only rows one created (domain §9.2: "delete only own drafts"); admins any."""
    p = scope.principal()
    if p is not None and not p.is_admin and getattr(item, "created_by_id", None) != p.user_id:
        return False
    return can_modify(reg, item)


def delete(reg: Register, item, parent_checked: bool = False) -> None:
    if not parent_checked and not can_delete(reg, item):
        raise WriteRefused(_("You can only delete records you created yourself."), status=403)
    from .dependents import dependents, describe

    found = dependents(item)
    if found:  # nothing another live row points at disappears by a mis-click
        raise WriteRefused(_("This record cannot be deleted: %(what)s refer to it. Change or delete those first.",
                             what=describe(found)), status=409)
    try:
        item.is_deleted = True
        item.updated_at = clock.now()
        db.session.commit()
    except StaleDataError as e:
        db.session.rollback()
        raise WriteRefused(stale_message(), status=409) from e
