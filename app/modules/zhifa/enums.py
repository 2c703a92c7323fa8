"""Enumerations of 大执法 (domain Appendix A)."""

from app.core.enums import LabeledEnum


class PlanStatus(LabeledEnum):
    __catalog__ = "plan_status"
    draft = "draft"
    in_effect = "in_effect"
    done = "done"


class EnforcementFocus(LabeledEnum):
    __catalog__ = "enforcement_focus"
    road_market = "road_market"
    street_occupation = "street_occupation"
    ten_disorders = "ten_disorders"
    sanitation = "sanitation"
    parking = "parking"
    catering = "catering"
    five_small = "five_small"
    civility = "civility"
    other = "other"


class IssueStatus(LabeledEnum):
    __catalog__ = "issue_status"
    open = "open"
    handling = "handling"
    resolved = "resolved"
    closed = "closed"


class AnalysisKind(LabeledEnum):
    __catalog__ = "analysis_kind"
    weekly = "weekly"
    monthly = "monthly"
    quarterly = "quarterly"
    emergency = "emergency"


class HandlingMethod(LabeledEnum):
    __catalog__ = "handling_method"
    persuasion = "persuasion"
    rectify_order = "rectify_order"
    penalty = "penalty"
    transfer = "transfer"
    other = "other"


class JointStatus(LabeledEnum):
    __catalog__ = "joint_status"
    planned = "planned"
    done = "done"
    cancelled = "cancelled"


class VolunteerService(LabeledEnum):
    __catalog__ = "volunteer_service"
    civility = "civility"
    sanitation = "sanitation"
    other = "other"


class ActionLevel(LabeledEnum):
    __catalog__ = "action_level"
    national = "national"
    provincial = "provincial"
    city = "city"
    district = "district"


class MajorActionKind(LabeledEnum):
    __catalog__ = "major_action_kind"
    inspection = "inspection"
    unannounced = "unannounced"
    other = "other"


class DeployMode(LabeledEnum):
    __catalog__ = "deploy_mode"
    advance = "advance"
    immediate = "immediate"


class PlanLevel(LabeledEnum):
    """预案级别: 一级 is the most serious (domain §10.42)."""

    __catalog__ = "plan_level"
    level1 = "level1"
    level2 = "level2"
    level3 = "level3"


class MajorActionStatus(LabeledEnum):
    __catalog__ = "major_action_status"
    planned = "planned"
    deployed = "deployed"
    in_action = "in_action"
    done = "done"
