"""State transitions of a register (申报 → 审核 → 确定, 交办 → 上报 → 办结 …).

A register lists its Transition objects; the generated view shows each as a button
on the show page (a FAB action) and the API takes ``POST /api/v1/<key>/<id>/transition/<name>``
with the row's ``version``. apply() is the one place that checks the right
(write or approve, with the matching data scope), the source state and the
module's guard, then saves through writes.save().
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db

from . import scope, writes
from .registry import Register
from .rules import RuleViolation


@dataclass(frozen=True)
class Transition:
    name: str  # action name, unique within the register: "review_round1"
    label: Any  # lazy_gettext(...) text of the button
    source: tuple  # enum members the row may be in
    target: Any  # enum member it moves to
    right: str = "approve"  # "write" or "approve": permission and scope needed
    field: str = "status"
    guard: Callable[[Any, Any], None] | None = None  # (item, principal) -> raise RuleViolation
    effect: Callable[[Any, Any], None] | None = None  # (item, principal) -> set dates, owners …
    confirmation: Any = None
    icon: str = "fa-check"


def find(reg: Register, name: str) -> Transition | None:
    return next((t for t in reg.transitions if t.name == name), None)


def apply(reg: Register, item, t: Transition, expected_version: int | None = None) -> list[str]:
    p = scope.principal()
    if not scope.allows(reg, item, t.right):
        raise writes.WriteRefused(_("This step is not yours to take on this record."), status=403)
    current = getattr(item, t.field)
    if current not in t.source:
        label = getattr(current, "label", current)
        raise writes.WriteRefused(
            _("This step is not possible in the current state (%(state)s).", state=label), status=409
        )
    if expected_version is not None and item.version != expected_version:
        raise writes.WriteRefused(writes.stale_message(), status=409)
    try:
        # no autoflush: a guard or effect that queries must not flush the half-changed row
        # (that would bump its version and hide the old state the module's rules compare with);
        # the version the row was loaded with still guards the UPDATE (version_id_col)
        with db.session.no_autoflush:
            if t.guard is not None:
                t.guard(item, p)
            setattr(item, t.field, t.target)
            if t.effect is not None:
                t.effect(item, p)
    except RuleViolation as e:
        writes.rollback()
        raise writes.WriteRefused(e, e.errors) from e
    except SQLAlchemyError as e:  # an effect that queries or writes and meets a database error
        writes.rollback()
        raise writes.WriteRefused(_("The database refused the change; nothing was saved.")) from e
    return writes.save(reg, item, need=t.right)
