"""Rules of the org registers."""

from __future__ import annotations

from flask_babel import gettext as _

from app.core.rules import RuleViolation

from .enums import OrgUnitType
from .models import COMMUNITY_TYPES

# the level each kind of unit hangs under
_PARENT_TYPES = {
    OrgUnitType.street: (None,),
    OrgUnitType.community: (OrgUnitType.street,),
    OrgUnitType.village: (OrgUnitType.street,),
    OrgUnitType.grid: COMMUNITY_TYPES,
}


def check_org_unit(u) -> None:
    parent_type = u.parent.unit_type if u.parent is not None else None
    if parent_type not in _PARENT_TYPES.get(u.unit_type, ()):
        if u.unit_type == OrgUnitType.street:
            raise RuleViolation(_("A sub-district has no parent unit."), field="parent")
        if u.unit_type == OrgUnitType.grid:
            raise RuleViolation(_("A grid must belong to a community."), field="parent")
        raise RuleViolation(_("A community must belong to the sub-district."), field="parent")
    if u.parent is not None and u.id is not None and u.parent.id == u.id:
        raise RuleViolation(_("A unit cannot be its own parent."), field="parent")


def sync_user_org_unit(profile) -> None:
    """The staff profile's org unit is the user's: it decides community/grid scope."""
    if profile.user is not None:
        profile.user.org_unit = profile.org_unit


def check_compound(c) -> None:
    if c.org_unit is not None and c.org_unit.unit_type not in COMMUNITY_TYPES:
        raise RuleViolation(_("A compound belongs to a community."), field="org_unit")
    for grid in c.grids or []:
        if c.org_unit is not None and grid.parent_id != c.org_unit.id:
            raise RuleViolation(_("Every grid must be in the compound's community."), field="grids")
    if c.household_count is not None and c.household_count < 0:
        raise RuleViolation(_("The number of households cannot be negative."), field="household_count")
