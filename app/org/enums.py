from app.core.enums import LabeledEnum


class Module(LabeledEnum):
    __catalog__ = "module"
    common = "common"
    dangjian = "dangjian"
    xietiao = "xietiao"
    zhili = "zhili"
    zhifa = "zhifa"
    jingji = "jingji"
    fuwu = "fuwu"

    @property
    def label(self) -> str:  # module labels live under module_<key> in the glossary
        from flask_babel import gettext

        return gettext(f"module_{self.name}")


class OrgUnitType(LabeledEnum):
    __catalog__ = "org_unit_type"
    street = "street"
    community = "community"
    village = "village"  # treated exactly like a community (domain §10.52)
    grid = "grid"


class UnitKind(LabeledEnum):
    __catalog__ = "unit_kind"
    street_office = "street_office"
    stationed = "stationed"
    special_team = "special_team"
    command_center = "command_center"
    upper_dept = "upper_dept"
    third_party = "third_party"
    social_org = "social_org"
    property_company = "property_company"


class Position(LabeledEnum):
    __catalog__ = "position"
    party_secretary = "party_secretary"
    director = "director"
    deputy_secretary = "deputy_secretary"
    org_committee = "org_committee"
    leadership_member = "leadership_member"
    office_head = "office_head"
    office_staff = "office_staff"
    community_secretary = "community_secretary"
    community_deputy = "community_deputy"
    community_staff = "community_staff"
    grid_head = "grid_head"
    grid_worker = "grid_worker"
    team_leader = "team_leader"
    errand_runner = "errand_runner"
    window_staff = "window_staff"
    stationed_staff = "stationed_staff"
    other = "other"
