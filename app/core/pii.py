"""Personal data (domain §9.5): masked in lists, show pages, exports and the API for every
role except the ones that handle the person (Register.pii_roles); every clear view is audited.

Masking follows the value wherever it goes: a related row nested in another register's answer
is masked by its own register's rules (value_at), the audit log's field diffs by the audited
register's (kind AUDIT_DIFF), and a column the user sees masked cannot be sorted or filtered
by (hidden, hidden_path): the order of the rows or a "starts with" would tell the value."""

from __future__ import annotations

import json

from . import audit, registry, scope
from .registry import Register

#: kind of a column holding audit diffs ({column: [old, new]}) of rows of the register named in
#: the row's `register_key`: each personal field is masked by that register's rules
AUDIT_DIFF = "audit_diff"


def mask(value, kind: str) -> str:
    text = "" if value is None else str(value)
    if not text:
        return text
    if kind == "phone":
        return text[:3] + "****" + text[-4:] if len(text) >= 8 else "****"
    if kind == "id_no":
        return text[:4] + "*" * max(len(text) - 8, 4) + text[-4:] if len(text) >= 10 else "****"
    if kind == "name":
        return text[0] + "*" * (len(text) - 1)
    return "****"


def sees_clear(reg: Register, item=None) -> bool:
    """Does the current user see personal data clear — on the register, or on `item` when the
    register limits its pii_roles to some rows (Register.pii_row, e.g. the requests one runs)?"""
    p = scope.principal()
    if p is None:
        return True  # CLI, seed scripts
    if not set(p.role_keys) & set(reg.pii_roles):
        return False
    return reg.pii_row is None or item is None or bool(reg.pii_row(item, p))


def per_row(reg: Register) -> bool:
    """True when the answer of sees_clear depends on the row."""
    return reg.pii_row is not None


def clear_ids(reg: Register, ids) -> set:
    """The ids among `ids` whose personal data the current user sees clear."""
    ids = [i for i in ids if i is not None]
    if not ids or not sees_clear(reg):
        return set()
    if not per_row(reg) or scope.principal() is None:
        return set(ids)
    from app.extensions import db

    rows = db.session.query(reg.model).filter(reg.model.id.in_(ids)).all()
    return {r.id for r in rows if sees_clear(reg, r)}


def masked(reg: Register, item, column: str, raw, clear: bool | None = None):
    """`raw`, the value of `column` of `item`, as the current user may see it."""
    kind = reg.pii.get(column)
    if kind is None:
        return raw
    if kind == AUDIT_DIFF:
        return _mask_diff(item, raw)
    if clear is None:
        clear = sees_clear(reg, item)
    return raw if clear else mask(raw, kind)


def value(reg: Register, item, column: str, clear: bool | None = None):
    return masked(reg, item, column, getattr(item, column), clear)


def value_at(item, path: str):
    """The value at a dotted path (`household.head_phone`), masked by the register of the row
    that holds it; None when a link on the way is empty."""
    *links, column = path.split(".")
    for link in links:
        item = getattr(item, link, None)
        if item is None:
            return None
    reg = registry.for_model(type(item))
    if reg is None or column not in reg.pii:
        return getattr(item, column, None)
    return value(reg, item, column)


def _mask_diff(log_row, raw):
    """An audit diff with the audited register's personal fields masked for the current user."""
    target = _audited_register(log_row)
    if not raw or target is None or not target.pii:
        return raw
    try:
        diff = json.loads(raw)
    except (TypeError, ValueError):
        return raw
    if not isinstance(diff, dict) or not set(diff) & set(target.pii):
        return raw
    if getattr(log_row, "row_id", None) in clear_ids(target, [getattr(log_row, "row_id", None)]):
        return raw
    for column, kind in target.pii.items():
        if isinstance(diff.get(column), list):
            diff[column] = [None if v is None else mask(v, kind) for v in diff[column]]
    return json.dumps(diff, ensure_ascii=False)


def _audited_register(log_row) -> Register | None:
    key = getattr(log_row, "register_key", None)
    try:
        return registry.get(key) if key else None
    except KeyError:
        return None


def hidden(reg: Register, column: str) -> bool:
    """Is `column` masked for the current user on any row? Then sorting and filtering by it are
    refused: the order of the rows, or which rows match "starts with 3301", tells the value."""
    kind = reg.pii.get(column)
    if kind is None or scope.principal() is None:
        return False
    if kind == AUDIT_DIFF:  # diffs of every register: clear only to whom every register is clear
        return any(
            hidden(other, c)
            for other in registry.all_registers()
            if other is not reg
            for c, k in other.pii.items()
            if k != AUDIT_DIFF
        )
    return not sees_clear(reg) or per_row(reg)


def register_of_path(model, path: str) -> tuple[Register | None, str]:
    """(register of the row holding the last column of a dotted path, that column)."""
    *links, column = path.split(".")
    for link in links:
        prop = getattr(getattr(model, link, None), "property", None)
        if prop is None or not hasattr(prop, "mapper"):
            return None, column
        model = prop.mapper.class_
    return registry.for_model(model), column


def is_personal_path(model, path: str) -> bool:
    reg, column = register_of_path(model, path)
    return reg is not None and column in reg.pii


def hidden_path(model, path: str) -> bool:
    """hidden() for a column of `model` or a dotted path through its many-to-one links."""
    if not path:
        return False
    reg, column = register_of_path(model, path)
    return reg is not None and hidden(reg, column)


def searchable(model, columns) -> list[str]:
    """`columns` without those hidden() from the current user."""
    return [c for c in columns if not hidden_path(model, c)]


def log_clear_view(reg: Register, row_ids) -> None:
    """Record that the current user saw these rows' personal data unmasked."""
    p = scope.principal()
    if reg.pii and p is not None and sees_clear(reg):
        row_ids = list(row_ids)
        clear = clear_ids(reg, row_ids) if per_row(reg) else set(row_ids)
        rows = [i for i in row_ids if i in clear]
        if rows:
            audit.log_event("view_pii", p.user_id, {"register": reg.key, "rows": rows[:200]})
