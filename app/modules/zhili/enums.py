"""Enumerations of 大治理 (domain Appendix A); labels come from the catalog."""

from app.core.enums import LabeledEnum


class PetitionChannel(LabeledEnum):
    __catalog__ = "petition_channel"
    visit = "visit"
    letter = "letter"
    phone = "phone"
    online = "online"
    proxy = "proxy"
    hotline = "hotline"
    other = "other"


class PetitionGrade(LabeledEnum):
    __catalog__ = "petition_grade"
    general = "general"
    significant = "significant"
    major = "major"


class PetitionCategory(LabeledEnum):
    __catalog__ = "petition_category"
    property = "property"
    urban = "urban"
    environment = "environment"
    labour = "labour"
    neighbour = "neighbour"
    land = "land"
    social = "social"
    law = "law"
    other = "other"


class HandlingLevel(LabeledEnum):
    __catalog__ = "handling_level"
    grid = "grid"
    community = "community"
    street = "street"
    related_unit = "related_unit"
    command_center = "command_center"
    third_party = "third_party"
    upper = "upper"


class PetitionStatus(LabeledEnum):
    __catalog__ = "petition_status"
    registered = "registered"
    accepted = "accepted"
    investigating = "investigating"
    replied = "replied"
    feedback = "feedback"
    closed = "closed"
    ceased = "ceased"
    terminated = "terminated"
    not_accepted = "not_accepted"


class BacklogType(LabeledEnum):
    __catalog__ = "backlog_type"
    bone = "bone"
    nail = "nail"
    difficult = "difficult"


class TransferAction(LabeledEnum):
    __catalog__ = "transfer_action"
    report_up = "report_up"
    screen = "screen"
    assign = "assign"
    transfer = "transfer"
    locals()["return"] = "return"  # a Python keyword: the stored key stays "return"
    close = "close"
    escalate_upper = "escalate_upper"


class PetitionActionType(LabeledEnum):
    __catalog__ = "petition_action_type"
    investigation = "investigation"
    reply = "reply"
    feedback = "feedback"
    education = "education"
    coordination = "coordination"
    supervision = "supervision"
    package_deploy = "package_deploy"
    package_review = "package_review"
    publicity = "publicity"
    other = "other"


class HearingForm(LabeledEnum):
    __catalog__ = "hearing_form"
    mediation = "mediation"
    hearing = "hearing"


class HearingResult(LabeledEnum):
    __catalog__ = "hearing_result"
    agreed = "agreed"
    terminated = "terminated"
    not_agreed = "not_agreed"


class Satisfaction(LabeledEnum):
    __catalog__ = "satisfaction"
    satisfied = "satisfied"
    basically = "basically"
    dissatisfied = "dissatisfied"


class FiveColour(LabeledEnum):
    __catalog__ = "five_colour"
    red = "red"
    yellow = "yellow"
    green = "green"
    blue = "blue"
    white = "white"


class RentalClass(LabeledEnum):
    __catalog__ = "rental_class"
    A = "A"
    B = "B"
    C = "C"


class Cooperation(LabeledEnum):
    __catalog__ = "cooperation"
    good = "good"
    fair = "fair"
    poor = "poor"


class SecurityLevel(LabeledEnum):
    __catalog__ = "security_level"
    good = "good"
    fair = "fair"
    poor = "poor"


class RentalStatus(LabeledEnum):
    __catalog__ = "rental_status"
    renting = "renting"
    vacant = "vacant"
    delisted = "delisted"


class PatrolTarget(LabeledEnum):
    __catalog__ = "patrol_target"
    rental_house = "rental_house"
    household = "household"


class VisitType(LabeledEnum):
    __catalog__ = "visit_type"
    patrol = "patrol"
    visit = "visit"
    follow_up = "follow_up"
    care = "care"
    key_attention = "key_attention"


class ResidentKind(LabeledEnum):
    __catalog__ = "resident_kind"
    household_member = "household_member"
    tenant = "tenant"


class ConventionScope(LabeledEnum):
    __catalog__ = "convention_scope"
    grid = "grid"
    compound = "compound"
    stairwell = "stairwell"


class ConventionStatus(LabeledEnum):
    __catalog__ = "convention_status"
    draft = "draft"
    effective = "effective"
    repealed = "repealed"


class AdoptionMethod(LabeledEnum):
    __catalog__ = "adoption_method"
    stairwell = "stairwell"
    grid = "grid"
    red_council = "red_council"
    vote = "vote"


class DeliberationSource(LabeledEnum):
    __catalog__ = "deliberation_source"
    visit = "visit"
    hotline = "hotline"
    suggestion = "suggestion"
    online = "online"
    meeting = "meeting"
    petition = "petition"
    other = "other"


class DeliberationScope(LabeledEnum):
    __catalog__ = "deliberation_scope"
    public_interest = "public_interest"
    hot_issue = "hot_issue"


class DeliberationStage(LabeledEnum):
    __catalog__ = "deliberation_stage"
    step1_propose = "step1_propose"
    step2_consult = "step2_consult"
    step3_plan = "step3_plan"
    step4_convention = "step4_convention"
    step5_vote = "step5_vote"
    step6_implement = "step6_implement"
    resolved_directly = "resolved_directly"
    archived = "archived"


class DeliberationForm(LabeledEnum):
    __catalog__ = "deliberation_form"
    democratic_talk = "democratic_talk"
    red_council = "red_council"
    stairwell = "stairwell"
    grid = "grid"
    caotang = "caotang"
    posting = "posting"
    vote = "vote"


class ParticipantKind(LabeledEnum):
    __catalog__ = "participant_kind"
    owners_committee = "owners_committee"
    supervisory_committee = "supervisory_committee"
    grid_worker = "grid_worker"
    red_handprint = "red_handprint"
    resident_backbone = "resident_backbone"
    stakeholder = "stakeholder"
    expert_team = "expert_team"
    red_steward = "red_steward"
    branch_member = "branch_member"
    owner = "owner"


class VoteMethod(LabeledEnum):
    __catalog__ = "vote_method"
    posting = "posting"
    vote = "vote"
    signature = "signature"


class VoteResult(LabeledEnum):
    __catalog__ = "vote_result"
    passed = "passed"
    failed = "failed"


class EmergencyCategory(LabeledEnum):
    __catalog__ = "emergency_category"
    natural = "natural"
    accident = "accident"
    public_health = "public_health"
    social_security = "social_security"


class EmergencyLevel(LabeledEnum):
    __catalog__ = "emergency_level"
    I = "I"  # noqa: E741  (the plan level's own name)
    II = "II"
    III = "III"
    IV = "IV"


class EventStatus(LabeledEnum):
    __catalog__ = "event_status"
    received = "received"
    verified = "verified"
    handling = "handling"
    expanded = "expanded"
    ended = "ended"
    closed = "closed"


class ReportKind(LabeledEnum):
    __catalog__ = "report_kind"
    phone = "phone"
    written = "written"
    follow_up = "follow_up"


class WarningLevel(LabeledEnum):
    __catalog__ = "warning_level"
    red = "red"
    orange = "orange"
    yellow = "yellow"
    blue = "blue"


class WarningAction(LabeledEnum):
    __catalog__ = "warning_action"
    issue = "issue"
    adjust = "adjust"
    end = "end"


class ActionPhase(LabeledEnum):
    __catalog__ = "action_phase"
    initial = "initial"
    expanded = "expanded"
    ended = "ended"
    aftermath = "aftermath"


class PlanLevel(LabeledEnum):
    __catalog__ = "plan_level"
    level1 = "level1"
    level2 = "level2"
    level3 = "level3"
