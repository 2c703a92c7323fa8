from app.core.enums import LabeledEnum


class MeetingType(LabeledEnum):
    __catalog__ = "meeting_type"
    djb_weekly = "djb_weekly"
    dangjian_regular = "dangjian_regular"
    dangjian_analysis = "dangjian_analysis"
    project_review = "project_review"
    team_monthly = "team_monthly"
    team_weekly = "team_weekly"
    xietiao_analysis = "xietiao_analysis"
    petition_joint = "petition_joint"
    case_package = "case_package"
    enforcement_weekly = "enforcement_weekly"
    enforcement_monthly = "enforcement_monthly"
    enforcement_quarterly = "enforcement_quarterly"
    enforcement_emergency = "enforcement_emergency"
    economy_project = "economy_project"
    service_weekly = "service_weekly"
    other = "other"


class MeetingStatus(LabeledEnum):
    __catalog__ = "meeting_status"
    planned = "planned"
    held = "held"
    postponed = "postponed"
    cancelled = "cancelled"


class WorkItemKind(LabeledEnum):
    __catalog__ = "work_item_kind"
    weekly_task = "weekly_task"
    work_list = "work_list"
    monthly_key_task = "monthly_key_task"
    meeting_decision = "meeting_decision"
    plan_task = "plan_task"
    other = "other"


class WorkItemStatus(LabeledEnum):
    __catalog__ = "work_item_status"
    todo = "todo"
    in_progress = "in_progress"
    done = "done"
    cancelled = "cancelled"
