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


def sees_clear(reg: Register) -> bool:
    p = scope.principal()
    if p is None:
        return True  # CLI, seed scripts
    return bool(set(p.role_keys) & set(reg.pii_roles))


def value(reg: Register, item, column: str, clear: bool | None = None):
    raw = getattr(item, column)
    if column not in reg.pii:
        return raw
    if clear is None:
        clear = sees_clear(reg)
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
        audit.log_event("view_pii", p.user_id, {"register": reg.key, "rows": list(row_ids)[:200]})
