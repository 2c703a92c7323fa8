"""The one write path for every surface (form, API, import, CLI).

save(): register rules → flush → the database confirms the row is inside the
user's write scope → commit. Stale versions, scope and constraint failures
come back as WriteRefused with a message for the user; nothing is half-saved.
"""

from __future__ import annotations

import decimal
import logging

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import MANYTOMANY, MANYTOONE
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db

from . import clock, scope, values
from .registry import Register
from .rules import RuleViolation

log = logging.getLogger(__name__)


class WriteRefused(Exception):
    def __init__(self, message, errors: dict | None = None, status: int = 422):
        self.message = str(message)
        self.errors = errors or {}
        self.status = status
        super().__init__(self.message)


def stale_message() -> str:
    return _(
        "This record was changed by someone else after you opened it. Your changes were not saved: reload it, then apply them again."
    )


def rollback() -> None:
    db.session.rollback()


def run_rules(reg: Register, item) -> list[str]:
    # Without autoflush: a rule's query must not flush the half-checked row first (a NOT NULL or
    # unique error would then mask the rule's own message). Rules see the database as it was.
    warnings: list[str] = []
    with db.session.no_autoflush:
        for rule in reg.rules:
            warnings.extend(rule(item) or [])
    return warnings


_INT_LIMITS = ((sa.BigInteger, 2**63), (sa.SmallInteger, 2**15), (sa.Integer, 2**31))


def int_fits(column_type, value: int) -> bool:
    """Does the integer column (INTEGER is 32 bits on PostgreSQL) hold `value`?"""
    limit = next((lim for kind, lim in _INT_LIMITS if isinstance(column_type, kind)), 2**63)
    return -limit <= value < limit


def out_of_range(item) -> dict:
    """{column: message} for values the column cannot hold exactly: integers beyond the column's
    size, money with more digits than Numeric(p, s) keeps (PostgreSQL would refuse, SQLite would
    silently keep a float), NaN/infinity, text longer than String(n). Checked before the flush so
    both databases answer the same, with a field error instead of a server error."""
    errors = {}
    for attr in sa.inspect(type(item)).column_attrs:
        column = attr.columns[0]
        value = getattr(item, attr.key, None)
        if value is None or isinstance(value, bool) or column.primary_key:
            continue
        t = column.type
        bad = False
        if isinstance(t, sa.Integer) and isinstance(value, int):
            bad = not int_fits(t, value)
        elif (
            isinstance(t, sa.Numeric)
            and not isinstance(t, sa.Float)
            and isinstance(value, (decimal.Decimal, int, float))
        ):
            d = decimal.Decimal(str(value))
            if not d.is_finite():
                bad = True
            elif t.precision is not None:
                scale = t.scale or 0
                sign, digits, exp = d.normalize().as_tuple()
                whole = max(len(digits) + exp, 0)
                bad = whole > t.precision - scale or max(-exp, 0) > scale
        elif isinstance(t, sa.String) and isinstance(value, str):
            # PostgreSQL text cannot hold a NUL byte; SQLite would keep it: refused on both
            bad = (t.length is not None and len(value) > t.length) or "\x00" in value
            if not bad and not encodable(value):
                errors[attr.key] = _("The text contains a character that cannot be stored (a broken character code).")
                continue
        if bad:
            errors[attr.key] = _("The value is out of range for this field.")
    return errors


def encodable(text: str) -> bool:
    """False for text no database can store: a lone UTF-16 surrogate ("\\ud800" in JSON)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def save(
    reg: Register, item, expected_version: int | None = None, need: str = "write", parent_checked: bool = False
) -> list[str]:
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
        limits = out_of_range(item)
        if limits:
            raise WriteRefused(_("Some values are out of range; nothing was saved."), limits)
        invalid = values.item_errors(item)  # ID and phone numbers, the same for every surface
        if invalid:
            raise WriteRefused(_("Some values are not valid; nothing was saved."), invalid)
        foreign = links_outside_scope(item)  # before the rules: links the user chose, not ones a rule sets
        if foreign:
            raise WriteRefused(_("A linked record is outside your data scope; nothing was saved."), foreign, status=403)
        try:
            warnings = run_rules(reg, item)
        except (TypeError, ValueError, AttributeError, OverflowError, LookupError) as e:
            # a value of the wrong kind that got past the schema (an id of no row, a datetime with
            # a time zone) trips a rule: the user's input is refused, not a server error
            log.warning("rule of %s failed on the input: %r", reg.key, e, exc_info=True)
            raise WriteRefused(_("A value has the wrong type or is out of range.")) from e
        limits = out_of_range(item)  # values a rule computed
        if limits:
            raise WriteRefused(_("Some values are out of range; nothing was saved."), limits)
        session.add(item)
        session.flush()
        if not parent_checked and not scope.allows(reg, item, need):
            raise WriteRefused(
                _("You cannot save a record into an organisation unit outside your scope."),
                {"org_unit": _("Outside your scope.")},
                status=403,
            )
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
        raise WriteRefused(
            _(
                "The record conflicts with an existing one (a value that must be unique is taken) or refers to a missing record."
            )
        ) from e
    except WriteRefused:
        session.rollback()
        raise
    except SQLAlchemyError as e:
        session.rollback()
        raise WriteRefused(_("The database refused the change; nothing was saved.")) from e


def links_outside_scope(item) -> dict[str, str]:
    """Links this save adds — a many-to-one link set or changed, rows added to a many-to-many
    list — to a row of a register the user may not read.

    Form drop-downs offer only readable rows, but the REST API loads a related id as it is
    (marshmallow-sqlalchemy's session.get): without this, an API body could attach a record to a
    petition, household … of another community, or list another community's meetings under a
    case. Links left unchanged are not judged again."""
    p = scope.principal()
    if p is None or p.is_admin:
        return {}
    from .registry import for_model

    state = sa.inspect(item)
    errors = {}
    with db.session.no_autoflush:
        for rel in state.mapper.relationships:
            if rel.direction not in (MANYTOONE, MANYTOMANY) or rel.viewonly:
                continue
            target = for_model(rel.mapper.class_)
            # office-wide reference rows (org units, units, users …) are placement, judged by the write scope
            if target is None or target.reference:
                continue
            added = [other for other in state.attrs[rel.key].history.added if other is not None]
            if any(sa.inspect(other).persistent and not scope.allows(target, other, "read") for other in added):
                errors[rel.key] = _("Outside your scope.")
    return errors


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
        raise WriteRefused(
            _(
                "This record cannot be deleted: %(what)s refer to it. Change or delete those first.",
                what=describe(found),
            ),
            status=409,
        )
    try:
        item.is_deleted = True
        item.updated_at = clock.now()
        db.session.commit()
    except StaleDataError as e:
        db.session.rollback()
        raise WriteRefused(stale_message(), status=409) from e
