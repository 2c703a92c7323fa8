"""Data scope (domain §9.3): which rows a user may see and write.

One function builds the SQL condition for (user, register, read|write|approve);
every surface — lists, show/edit/delete by id, actions, exports, the REST API,
related-field drop-downs, charts, calendars, counts — queries through
``ScopedInterface`` (app.core.interface), which applies it. Nothing else filters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import sqlalchemy as sa
from flask import g, has_request_context

from . import permissions, registry
from .context import current_user

FALSE = sa.false()


class ScopeViolation(Exception):
    """A write would put a row outside the user's scope."""


@dataclass
class Principal:
    """The acting user with everything scope needs, computed once per request."""

    user_id: int
    role_keys: list[str]
    org_unit_id: int | None
    modules: set[str] = field(default_factory=set)
    unit_id: int | None = None

    @property
    def is_admin(self) -> bool:
        return permissions.ADMIN_ROLE in self.role_keys

    @cached_property
    def _org(self):
        from app.org.models import OrgUnit

        return OrgUnit.scope_sets(self.user_id, self.org_unit_id)

    @property
    def community_ids(self) -> set[int]:
        """Own community and every grid under it."""
        return self._org["community"]

    @property
    def grid_ids(self) -> set[int]:
        """Own grid and every grid the user heads (网格长)."""
        return self._org["grid"]

    @property
    def street_ids(self) -> set[int]:
        return self._org["street"]

    def cell(self, reg: registry.Register) -> permissions.Cell:
        return permissions.cell_for(self.role_keys, reg)


def principal() -> Principal | None:
    """The current request's principal, or None outside a request / logged out."""
    if not has_request_context():
        return None
    if "jiedao_principal" in g:
        return g.jiedao_principal
    user = current_user()
    p = None
    if user is not None:
        p = build_principal(user)
    g.jiedao_principal = p
    return p


def build_principal(user) -> Principal:
    from app.org.models import StaffProfile

    keys = [permissions.ROLE_BY_NAME[r.name] for r in user.roles if r.name in permissions.ROLE_BY_NAME]
    modules = {permissions.ROLES[k][1] for k in keys if permissions.ROLES[k][1]}
    profile = StaffProfile.for_user(user.id)
    unit_id = None
    if profile is not None:
        modules |= set(profile.lead_modules.keys) | set(profile.head_modules.keys)
        unit_id = profile.unit_id
    return Principal(user.id, keys, user.org_unit_id, modules, unit_id)


def _clause(reg: registry.Register, p: Principal, scope: str):
    model = reg.model
    col = getattr(model, reg.scope_column)
    if scope == "a":
        return sa.true()
    if scope == "m":
        if reg.module_column:
            return getattr(model, reg.module_column).in_(sorted(p.modules)) if p.modules else FALSE
        return sa.true() if reg.module in p.modules else FALSE
    if scope == "c":
        return col.in_(sorted(p.community_ids)) if p.community_ids else FALSE
    if scope == "g":
        return col.in_(sorted(p.grid_ids)) if p.grid_ids else FALSE
    if scope == "o":
        if reg.owner is not None:
            return reg.owner(p)
        if hasattr(model, "created_by_id"):
            return model.created_by_id == p.user_id
        return FALSE
    raise ValueError(scope)


def clause(reg: registry.Register, p: Principal | None, need: str = "read"):
    """SQL condition for rows of `reg` that `p` may `need` (read | write | approve).

    None means unrestricted (admin, or no request: CLI and seed scripts).
    """
    if p is None:
        return None if not has_request_context() else FALSE
    if p.is_admin:
        return None
    scopes = getattr(p.cell(reg), need)
    if not scopes:
        return FALSE
    if "a" in scopes:
        return None
    parts = [_clause(reg, p, s) for s in sorted(scopes)]
    if reg.reference and need == "read" and p.street_ids:
        # office-wide reference rows (units, schedules, street-level staff) are visible to all
        parts.append(getattr(reg.model, reg.scope_column).in_(sorted(p.street_ids)))
    return sa.or_(*parts)


def reads_unit(reg: registry.Register, p: Principal | None, org_unit_id: int) -> bool:
    """Would a row of `reg` in `org_unit_id` be readable by `p`? Decided in memory, for rows
    that do not exist (a missing report of a community is shown to that community)."""
    if p is None or p.is_admin:
        return p is not None
    scopes = p.cell(reg).read
    return (
        "a" in scopes
        or ("m" in scopes and not reg.module_column and reg.module in p.modules)
        or ("c" in scopes and org_unit_id in p.community_ids)
        or ("g" in scopes and org_unit_id in p.grid_ids)
    )


def restrict(query, model, need: str = "read"):
    """Apply soft-delete and scope to a query over `model` (a register or a user)."""
    reg = registry.for_model(model)
    if hasattr(model, "is_deleted"):
        query = query.filter(model.is_deleted.is_(False))
    if reg is None:
        return query
    cond = clause(reg, principal(), need)
    return query if cond is None else query.filter(cond)


def allows(reg: registry.Register, item, need: str = "write") -> bool:
    """Does the database say this (flushed) row is inside the user's `need` scope?"""
    from app.extensions import db

    cond = clause(reg, principal(), need)
    if cond is None:
        return True
    pk = reg.model.id
    return db.session.query(sa.exists().where(pk == item.id, cond)).scalar()


def ensure(reg: registry.Register, item, need: str = "write") -> None:
    if not allows(reg, item, need):
        raise ScopeViolation(need)


def writable_org_ids(reg: registry.Register, p: Principal | None) -> set[int] | None:
    """Org units a new or edited row of `reg` may be put in (None: any)."""
    if p is None or p.is_admin:
        return None
    scopes = p.cell(reg).write
    if scopes & {"a", "m", "o"}:
        return None  # not org-bound; the post-flush check still applies
    ids: set[int] = set()
    if "c" in scopes:
        ids |= p.community_ids
    if "g" in scopes:
        ids |= p.grid_ids
    return ids
