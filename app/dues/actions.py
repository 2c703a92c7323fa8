"""催办 / 督办 / 销号 on a due (domain §9.7): who may take them and what each leaves behind.

Who (domain §9.2, group G15 "escalations", and §9.4):
- 催办 (urge: a reminder to the item's owner, counted on the item): 综合督考办 (dcb, the one role
  that writes escalations, G15 W·a) and 街道领导 (street_leader: the 牵头领导 a 督办 goes to, §9.7)
  on every item they see; a 模块负责人 on the items of the module(s) they head.
- 督办 (escalate: a 督办单 where the register has one, else a 督办预警记录, and a new deadline) and
  销号 (close by hand, with a note and optional evidence): 综合督考办 only — it issues and closes
  督办单 (§9.4) and is the only writer of escalation records.
- Everybody else, the administrator included (G15 R·a), reads the list and takes none of them.

Each action is one transaction: the item's fields, a DueAction row, an audit_log entry (action
due_urge / due_escalate / due_close, on the due's register and row), and what 督办 creates.
The caller has loaded the item within the viewer's scope (reads.item_by_id).
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.core import clock, registry, scope, timerules, writes
from app.core.context import client_ip, current_user_id
from app.extensions import db

from . import ledger
from .models import CLOSED_BY_HAND, DueAction, DueItem

T = DueItem.__table__
URGE, ESCALATE, CLOSE = "urge", "escalate", "close"
KINDS = (URGE, ESCALATE, CLOSE)
URGE_GAP = dt.timedelta(minutes=10)  # a second 催办 this soon is a double click, not a new reminder
MAX_EXTENSION = dt.timedelta(days=366)
NOTE_LIMIT = 2000
ATTACHMENT_KEY = "due_item"  # evidence of a 销号: attachment rows keyed (due_item, item id)


class ActionRefused(Exception):
    """An action the user may not take (403), that the item's state does not allow (409), or with
    input missing or wrong (422); the message is for the user."""

    def __init__(self, message, status: int = 409):
        self.message = str(message)
        self.status = status
        super().__init__(self.message)


# --- who may ---------------------------------------------------------------------------------

LEADING = {"dcb", "street_leader"}


def _heads(p) -> bool:
    return any(k.startswith("module_head_") for k in p.role_keys)


def may(kind: str, item, p=None) -> bool:
    """The role part of the decision (no query): may `p` take `kind` on `item` at all?"""
    p = p or scope.principal()
    if p is None:
        return False
    roles = set(p.role_keys)
    if kind == URGE:
        return bool(roles & LEADING) or (_heads(p) and item.module in p.modules)
    if kind in (ESCALATE, CLOSE):
        return "dcb" in roles
    return False


def rule_of(item) -> timerules.TimeRule | None:
    try:
        reg = registry.get(item.register_key)
    except KeyError:
        return None
    return next((r for r in reg.time_rules if r.code == item.source), None)


def refusal(kind: str, item, p=None) -> ActionRefused | None:
    """Why `p` cannot take `kind` on `item` now (None: they can)."""
    if not may(kind, item, p):
        if kind == URGE:
            msg = _("Only the supervision office, a sub-district leader or the module's head can urge this item.")
        else:
            msg = _("Only the supervision office (综合督考办) takes this step.")
        return ActionRefused(msg, 403)
    if item.resolved_at is not None:
        return ActionRefused(_("This item is already closed."), 409)
    if kind == CLOSE:
        rule = rule_of(item)
        if rule is None or not rule.manual_close:
            return ActionRefused(_("This item cannot be closed by hand: it ends when its record is done."), 409)
    if kind == URGE and item.last_urged_at is not None and clock.now() - item.last_urged_at < URGE_GAP:
        return ActionRefused(
            _("This item was urged at %(time)s already.", time=item.last_urged_at.strftime("%H:%M")), 409
        )
    return None


def allowed(item, p=None) -> dict[str, bool]:
    """{kind: can p take it now} for the buttons of a page (no query)."""
    return {kind: refusal(kind, item, p) is None for kind in KINDS}


# --- what 督办 creates --------------------------------------------------------------------------

# register key → fn(item, principal, note, deadline) -> (register, unsaved row, success message):
# the register's own 督办单 (大协调's supervision order on a supervision item). Others get a
# 督办预警记录 (escalation record).
Escalator = Callable[[Any, Any, str, dt.datetime], tuple]
_ESCALATORS: dict[str, Escalator] = {}


def add_escalator(register_key: str, fn: Escalator) -> None:
    _ESCALATORS[register_key] = fn


def _record(item, p, note: str, deadline: dt.datetime):
    """The item's 督办 stage record (督办预警记录), created or given the handling note."""
    from app.escalation.models import EscalationRecord, EscalationStage

    text = _("Escalated: %(note)s (new deadline %(deadline)s)", note=note, deadline=deadline.strftime("%Y-%m-%d %H:%M"))
    rec = db.session.execute(
        sa.select(EscalationRecord).where(
            EscalationRecord.register_key == item.register_key,
            EscalationRecord.row_id == item.row_key,
            EscalationRecord.rule_code == item.rule_code,
            EscalationRecord.stage == EscalationStage.supervision,
        )
    ).scalar_one_or_none()
    if rec is None:
        rec = EscalationRecord(
            register_key=item.register_key,
            row_id=item.row_key,
            rule_code=item.rule_code,
            stage=EscalationStage.supervision,
            due_at=item.due_at,
            raised_at=clock.now(),
            responsible_person_id=item.owner_id,
            title=(item.title or "")[:300],
            org_unit_id=item.org_unit_id or _street_id(),
        )
    else:
        rec.resolved_at = None  # in 督办 again: the due's resolution resolves it again
    rec.note = f"{rec.note}\n{text}" if rec.note else text
    return registry.get("escalation_record"), rec, _("The escalation record was written.")


def _street_id():
    from app.org.enums import OrgUnitType
    from app.org.models import OrgUnit

    return db.session.execute(
        sa.select(OrgUnit.id).where(OrgUnit.unit_type == OrgUnitType.street).order_by(OrgUnit.id)
    ).scalar()


# --- the actions -------------------------------------------------------------------------------


def _note(note, required: bool) -> str:
    note = (note or "").strip()
    if required and not note:
        raise ActionRefused(_("Write a note first."), 422)
    if len(note) > NOTE_LIMIT:
        raise ActionRefused(_("The note is longer than %(n)s characters.", n=NOTE_LIMIT), 422)
    return note


def _audit(kind: str, item, detail: dict) -> None:
    """The action in audit_log, on the due's own register and row, in the action's transaction."""
    from app.common.models import AuditLog

    db.session.execute(
        sa.insert(AuditLog.__table__).values(
            at=clock.now(),
            user_id=current_user_id(),
            action=f"due_{kind}",
            register_key=item.register_key,
            row_id=item.row_id,
            org_unit_id=item.org_unit_id,
            diff=json.dumps({"due_item": item.id, "rule": item.rule_code, **detail}, ensure_ascii=False, default=str),
            ip=client_ip(),
        )
    )


def _update_open(item, **values) -> None:
    """Change the item if it is still open; a concurrent close wins (409)."""
    done = db.session.execute(sa.update(T).where(T.c.id == item.id, T.c.resolved_at.is_(None)).values(**values))
    if done.rowcount != 1:
        db.session.rollback()
        raise ActionRefused(_("This item is already closed."), 409)


def _check(kind: str, item, p) -> None:
    refused = refusal(kind, item, p)
    if refused is not None:
        raise refused


def urge(item, note: str = "", p=None) -> str:
    """催办: a reminder to the owner, counted on the item (urged_count, last_urged_at)."""
    p = p or scope.principal()
    _check(URGE, item, p)
    note = _note(note, required=False)
    now = clock.now()
    try:
        _update_open(item, urged_count=T.c.urged_count + 1, last_urged_at=now)
        db.session.add(DueAction(due_item_id=item.id, kind=URGE, at=now, user_id=p.user_id, note=note or None))
        _audit(URGE, item, {"note": note})
        db.session.commit()
    except ActionRefused:
        raise
    except sa.exc.SQLAlchemyError as e:
        db.session.rollback()
        raise ActionRefused(_("The database refused the change; nothing was saved."), 409) from e
    return _("Urged: the owner is reminded (%(n)s times so far).", n=(item.urged_count or 0) + 1)


def parse_deadline(text: str | None) -> dt.datetime:
    """The new deadline as typed: a date (its end of day) or a date and time."""
    raw = (text or "").strip().replace("T", " ")
    if not raw:
        raise ActionRefused(_("Give the new deadline."), 422)
    try:
        if len(raw) <= 10:
            return dt.datetime.combine(dt.date.fromisoformat(raw), timerules.END_OF_DAY)
        value = dt.datetime.fromisoformat(raw)
    except ValueError:
        raise ActionRefused(_("The new deadline is not a date (YYYY-MM-DD)."), 422) from None
    if value.tzinfo is not None:
        value = value.astimezone(clock._tz).replace(tzinfo=None)
    return value.replace(microsecond=0)


def escalate(item, note: str, deadline: dt.datetime | str | None, p=None) -> str:
    """督办: the register's 督办单 (or a 督办预警记录) and a new deadline the ledger keeps
    (`deadline` as typed, or a datetime)."""
    p = p or scope.principal()
    _check(ESCALATE, item, p)
    note = _note(note, required=True)
    if not isinstance(deadline, dt.datetime):
        deadline = parse_deadline(deadline)
    now = clock.now()
    if deadline <= now:
        raise ActionRefused(_("The new deadline must be later than now."), 422)
    if deadline > now + MAX_EXTENSION:
        raise ActionRefused(_("The new deadline can be at most a year from now."), 422)
    rule = rule_of(item)
    soon = rule.soon if rule is not None else dt.timedelta(days=3)
    remind = min(now, deadline - soon)  # under 督办 it stays on the list until the new deadline
    notice = ledger.month_end(deadline) if item.notice_at is not None else None
    stage = ledger.stage_at(remind, deadline, notice, item.fixed_stage, now)
    values = {"extended_to": deadline, "due_at": deadline, "remind_at": remind, "notice_at": notice, "stage": stage}
    if stage != item.row.stage:
        values["stage_changed_at"] = now
    make = _ESCALATORS.get(item.register_key, _record)
    try:
        _update_open(item, **values)
        db.session.add(
            DueAction(due_item_id=item.id, kind=ESCALATE, at=now, user_id=p.user_id, note=note, new_deadline=deadline)
        )
        _audit(ESCALATE, item, {"note": note, "new_deadline": deadline.isoformat()})
        reg, row, message = make(item, p, note, deadline)  # last: its new row is not flushed before the save
        writes.save(reg, row)  # the 督办单 / record's own rules and scope; commits it all
    except writes.WriteRefused as refused:
        raise ActionRefused(refused.message, refused.status if refused.status in (403, 409) else 422) from None
    except ActionRefused:
        db.session.rollback()
        raise
    return message


def _rule_due_at(item, rule) -> dt.datetime | None:
    """The deadline the rule itself holds for this item now (an extended item's due_at is the
    new one): the ledger keeps a hand-closed item closed for the rule's deadline."""
    reg = registry.get(item.register_key)
    if rule.declared:
        if item.row_id is None:
            return None
        dues = timerules.declared_dues(reg, rule, None, {item.row_id})
    else:
        dues = list(rule.check(clock.now()))
    return next((d.due_at for d in dues if d.row_key == item.row_key and d.rule == item.rule_code), None)


def close(item, note: str, upload: tuple[str, bytes] | None = None, p=None) -> str:
    """销号: closed by hand (resolution CLOSED_BY_HAND), with a note and optional evidence; the
    ledger keeps it closed for the same deadline when the row is saved again."""
    from app.common import attachments
    from app.common.models import Attachment

    p = p or scope.principal()
    _check(CLOSE, item, p)
    note = _note(note, required=True)
    now = clock.now()
    stored = None
    try:
        attachment_id = None
        if upload is not None:
            filename, data = upload
            content_type = attachments.check_file(filename, data)
            stored = secrets.token_hex(16)
            (attachments.folder() / stored).write_bytes(data)
            evidence = Attachment(
                register_key=ATTACHMENT_KEY,
                row_id=item.id,
                file_name=Path(filename).name[:200],
                content_type=content_type,
                size_bytes=len(data),
                stored_name=stored,
                org_unit_id=item.org_unit_id or _street_id(),
            )
            db.session.add(evidence)
            db.session.flush()
            attachment_id = evidence.id
        values = {"resolved_at": now, "resolution": CLOSED_BY_HAND, "stage_changed_at": now}
        if item.extended_to is not None:
            original = _rule_due_at(item, rule_of(item))
            if original is not None:
                values["due_at"] = original
        _update_open(item, **values)
        db.session.add(
            DueAction(
                due_item_id=item.id, kind=CLOSE, at=now, user_id=p.user_id, note=note, attachment_id=attachment_id
            )
        )
        _audit(CLOSE, item, {"note": note, "attachment": attachment_id})
        # the ledger's listeners hear the resolution (the item's escalation records are resolved)
        old = dict(item.row._mapping)
        change = ledger.Change(item.id, item.register_key, item.row_key, item.rule_code, old["stage"], None, old)
        ledger.tell([change], now, Counter())
        db.session.commit()
        stored = None
    except writes.WriteRefused as refused:  # the file's type or size
        db.session.rollback()
        raise ActionRefused(refused.message, 422) from None
    except ActionRefused:
        db.session.rollback()
        raise
    except sa.exc.SQLAlchemyError as e:
        db.session.rollback()
        raise ActionRefused(_("The database refused the change; nothing was saved."), 409) from e
    finally:
        if stored is not None:  # not committed: no orphan file
            (attachments.folder() / stored).unlink(missing_ok=True)
    return _("Closed (销号).")


def history(item_id: int) -> list:
    """The actions taken on an item, oldest first, with who took them (one query)."""
    from app.common.models import Attachment
    from app.org.models import AppUser

    name = sa.func.coalesce(AppUser.last_name, "") + sa.func.coalesce(AppUser.first_name, "")
    who = sa.func.coalesce(sa.func.nullif(name, ""), AppUser.username)
    A = DueAction.__table__
    return db.session.execute(
        sa.select(A, who.label("user_name"), Attachment.file_name.label("file_name"))
        .select_from(A)
        .outerjoin(AppUser, AppUser.id == A.c.user_id)
        .outerjoin(Attachment, sa.and_(Attachment.id == A.c.attachment_id, Attachment.is_deleted.is_(False)))
        .where(A.c.due_item_id == item_id)
        .order_by(A.c.at, A.c.id)
    ).all()


def evidence(item_id: int, attachment_id: int):
    """A 销号's evidence file of this item (None if it is not one)."""
    from app.common.models import Attachment

    att = db.session.get(Attachment, attachment_id)
    if att is None or att.is_deleted or att.register_key != ATTACHMENT_KEY or att.row_id != item_id:
        return None
    return att
