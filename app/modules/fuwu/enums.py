"""Enumerations of 大服务 (domain Appendix A); labels come from enum_<enum>__<key>."""

from app.core.enums import LabeledEnum


class RuleDocKind(LabeledEnum):
    __catalog__ = "rule_doc_kind"
    job_duty = "job_duty"
    one_time_notice = "one_time_notice"
    service_promise = "service_promise"
    errand_process = "errand_process"
    errand_rule = "errand_rule"
    errand_assessment = "errand_assessment"


class ErrandChannel(LabeledEnum):
    __catalog__ = "errand_channel"
    hotline = "hotline"
    wechat = "wechat"
    qq = "qq"
    phone = "phone"
    zjzwfw = "zjzwfw"
    walk_in = "walk_in"
    grid_visit = "grid_visit"


class Urgency(LabeledEnum):
    __catalog__ = "urgency"
    normal = "normal"
    urgent = "urgent"
    special = "special"


class ErrandStatus(LabeledEnum):
    __catalog__ = "errand_status"
    received = "received"
    claimed = "claimed"
    verifying = "verifying"
    in_progress = "in_progress"
    done = "done"
    delivered = "delivered"
    returned = "returned"
    cancelled = "cancelled"


class Satisfaction(LabeledEnum):
    __catalog__ = "satisfaction"
    satisfied = "satisfied"
    basically = "basically"
    dissatisfied = "dissatisfied"


class WindowType(LabeledEnum):
    __catalog__ = "window_type"
    undifferentiated = "undifferentiated"
    consult_issue = "consult_issue"


class PostType(LabeledEnum):
    __catalog__ = "post_type"
    post_a = "post_a"
    post_b = "post_b"
    consult_issue = "consult_issue"
    back_office = "back_office"


class MaterialCheck(LabeledEnum):
    __catalog__ = "material_check"
    complete = "complete"
    incomplete = "incomplete"


class ApprovalResult(LabeledEnum):
    __catalog__ = "approval_result"
    approved = "approved"
    rejected = "rejected"


class CaseStatus(LabeledEnum):
    __catalog__ = "case_status"
    received = "received"
    back_office = "back_office"
    ready = "ready"
    issued = "issued"
    returned = "returned"
