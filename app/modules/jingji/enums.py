"""Enumerations of 大经济 (domain Appendix A)."""

from app.core.enums import LabeledEnum


class KeyProjectStatus(LabeledEnum):
    __catalog__ = "key_project_status"
    preparation = "preparation"
    construction = "construction"
    completed = "completed"
    stalled = "stalled"


class HazardLevel(LabeledEnum):
    __catalog__ = "hazard_level"
    general = "general"
    major = "major"


class AssessmentResult(LabeledEnum):
    __catalog__ = "assessment_result"
    safe_community = "safe_community"
    not_selected = "not_selected"
