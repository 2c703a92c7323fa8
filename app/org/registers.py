"""The org and people registers. One line each: the rest is generated."""
from app.core import registry
from app.core.registry import Register

from . import rules
from .models import AppUser, OrgUnit, ResidentialCompound, StaffProfile, Unit

registry.add(
    Register("org_unit", OrgUnit, "common", "G1",
             list_columns=("name", "unit_type", "parent", "code", "head", "sort_order", "is_active"),
             search_columns=("name", "unit_type", "code", "is_active"),
             form_columns=("name", "unit_type", "parent", "code", "head", "sort_order", "is_active", "remarks"),
             order=("sort_order", "asc"), scope_column="id", reference=True,
             rules=(rules.check_org_unit,), icon="fa-sitemap"),
    Register("unit", Unit, "common", "G1",
             list_columns=("name", "unit_kind", "contact_person", "contact_phone", "is_active"),
             search_columns=("name", "unit_kind", "contact_person", "is_active"),
             form_columns=("name", "unit_kind", "contact_person", "contact_phone", "is_active", "org_unit", "remarks"),
             order=("id", "asc"), reference=True, icon="fa-building"),
    Register("staff_profile", StaffProfile, "common", "G1",
             list_columns=("full_name", "position", "org_unit", "unit", "phone", "lead_modules", "head_modules",
                           "is_active"),
             search_columns=("full_name", "position", "org_unit", "is_active"),
             form_columns=("user", "full_name", "position", "org_unit", "unit", "lead_modules", "head_modules",
                           "phone", "is_active", "remarks"),
             order=("id", "asc"), reference=True, owner=lambda p: StaffProfile.user_id == p.user_id,
             pii={"phone": "phone"}, pii_roles=("admin",),
             rules=(rules.sync_user_org_unit,), icon="fa-id-badge"),
    Register("residential_compound", ResidentialCompound, "common", "G1",
             list_columns=("name", "org_unit", "address", "is_old", "property_company", "household_count"),
             search_columns=("name", "org_unit", "is_old", "has_owners_committee"),
             form_columns=("name", "org_unit", "grids", "address", "is_old", "property_company",
                           "has_owners_committee", "household_count", "remarks"),
             anchor="community", labels={"org_unit": "fld_residential_compound__community"},
             rules=(rules.check_compound,), icon="fa-home"),
    # Login users: no pages of their own (FAB's security views), scoped in drop-downs.
    Register("user", AppUser, "common", "G1", list_columns=(), views=False, menu=False, reference=True,
             owner=lambda p: AppUser.id == p.user_id),
)
