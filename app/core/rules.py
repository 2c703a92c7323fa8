"""How register rules report: raise RuleViolation for errors, return strings for warnings.

A rule is a plain function ``rule(item) -> list[str] | None`` in a module's
rules.py; views, the API, imports and the CLI all run it through writes.save().
"""

from __future__ import annotations


class RuleViolation(Exception):
    """Field errors ({column: message}; None for the whole form)."""

    def __init__(self, errors: dict[str | None, str] | str, field: str | None = None):
        if isinstance(errors, str):
            errors = {field: errors}
        self.errors = errors
        super().__init__("; ".join(str(m) for m in errors.values()))


def check_order(item, start: str, end: str, message) -> None:
    """end ≥ start when both are set."""
    a, b = getattr(item, start), getattr(item, end)
    if a is not None and b is not None and b < a:
        raise RuleViolation({end: message})
