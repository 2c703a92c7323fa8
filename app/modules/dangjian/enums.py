"""Enumerations of 大党建 (domain Appendix A); labels come from the catalog."""

from app.core.enums import LabeledEnum


class ProjectStatus(LabeledEnum):
    __catalog__ = "project_status"
    draft = "draft"
    declared = "declared"
    round1_passed = "round1_passed"
    round2_passed = "round2_passed"
    approved = "approved"
    in_progress = "in_progress"
    completed = "completed"
    returned = "returned"
    rejected = "rejected"


class ReviewRound(LabeledEnum):
    __catalog__ = "review_round"
    round1 = "round1"
    round2 = "round2"
    round3 = "round3"


# "pass" and "return" are Python keywords: the functional API keeps the stored keys as names
# (ReviewResult["pass"]), so the catalog keys enum_review_result__pass … still match.
ReviewResult = LabeledEnum(
    "ReviewResult", [("pass", "pass"), ("return", "return"), ("reject", "reject")], module=__name__
)
ReviewResult.__catalog__ = "review_result"
RR_PASS, RR_RETURN, RR_REJECT = ReviewResult["pass"], ReviewResult["return"], ReviewResult["reject"]


class MilestoneStatus(LabeledEnum):
    __catalog__ = "milestone_status"
    pending = "pending"
    done = "done"


class FundEntryType(LabeledEnum):
    __catalog__ = "fund_entry_type"
    expenditure = "expenditure"
    reversal = "reversal"


class FundPurpose(LabeledEnum):
    __catalog__ = "fund_purpose"
    party_project = "party_project"
    mass_service = "mass_service"
    other = "other"


class AllianceMemberType(LabeledEnum):
    __catalog__ = "alliance_member_type"
    grid_party_branch = "grid_party_branch"
    owners_committee = "owners_committee"
    property_company = "property_company"
    owner = "owner"
    social_org = "social_org"


class AllianceStatus(LabeledEnum):
    __catalog__ = "alliance_status"
    building = "building"
    active = "active"
    suspended = "suspended"


class FourInOne(LabeledEnum):
    __catalog__ = "four_in_one"
    system_building = "system_building"
    committee_operation = "committee_operation"
    property_selection = "property_selection"
    grid_force = "grid_force"


class AllianceRecordKind(LabeledEnum):
    __catalog__ = "alliance_record_kind"
    experience = "experience"
    problem = "problem"
    promotion = "promotion"


class IssueStatus(LabeledEnum):
    __catalog__ = "issue_status"
    open = "open"
    handling = "handling"
    resolved = "resolved"
    closed = "closed"


class SelectionMethod(LabeledEnum):
    __catalog__ = "selection_method"
    public_bidding = "public_bidding"
    negotiation = "negotiation"
    owner_vote = "owner_vote"
    other = "other"


class VolunteerType(LabeledEnum):
    __catalog__ = "volunteer_type"
    team_member = "team_member"
    office_volunteer = "office_volunteer"
    red_handprint = "red_handprint"


class VolunteerStatus(LabeledEnum):
    __catalog__ = "volunteer_status"
    active = "active"
    inactive = "inactive"
    left = "left"


class ActionKind(LabeledEnum):
    __catalog__ = "action_kind"
    prescribed = "prescribed"
    optional = "optional"


class ServiceItemStatus(LabeledEnum):
    __catalog__ = "service_item_status"
    planned = "planned"
    in_progress = "in_progress"
    done = "done"
    cancelled = "cancelled"


class ThemeLevel(LabeledEnum):
    __catalog__ = "theme_level"
    district = "district"
    street = "street"


class ThemeStatus(LabeledEnum):
    __catalog__ = "theme_status"
    draft = "draft"
    set = "set"
    done = "done"
