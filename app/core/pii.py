"""Personal data (domain §9.5): masked in lists, show pages, exports and the API for every
role except the ones that handle the person (Register.pii_roles); every clear view is audited."""
from __future__ import annotations

from . import audit, scope
from .registry import Register


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


def value(reg: Register, item, column: str, clear: bool | None = None):
    raw = getattr(item, column)
    if column not in reg.pii:
        return raw
    if clear is None:
        clear = sees_clear(reg, item)
    return raw if clear else mask(raw, reg.pii[column])


def mask_dict(reg: Register, row: dict) -> dict:
    for column, kind in reg.pii.items():
        if column in row:
            row[column] = mask(row[column], kind)
    return row


def log_clear_view(reg: Register, row_ids) -> None:
    """Record that the current user saw these rows' personal data unmasked."""
    p = scope.principal()
    if reg.pii and p is not None and sees_clear(reg):
        row_ids = list(row_ids)
        clear = clear_ids(reg, row_ids) if per_row(reg) else set(row_ids)
        rows = [i for i in row_ids if i in clear]
        if rows:
            audit.log_event("view_pii", p.user_id, {"register": reg.key, "rows": rows[:200]})
