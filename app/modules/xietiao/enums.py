from app.core.enums import LabeledEnum


class SupervisionListStatus(LabeledEnum):
    __catalog__ = "supervision_list_status"
    draft = "draft"
    issued = "issued"
    published = "published"


class SupervisionItemStatus(LabeledEnum):
    __catalog__ = "supervision_item_status"
    on_track = "on_track"
    lagging = "lagging"
    done = "done"


class OrderStatus(LabeledEnum):
    __catalog__ = "order_status"
    issued = "issued"
    responded = "responded"
    closed = "closed"


class TypicalPolarity(LabeledEnum):
    __catalog__ = "typical_polarity"
    positive = "positive"
    negative = "negative"


class TypicalSubject(LabeledEnum):
    __catalog__ = "typical_subject"
    cadre = "cadre"
    deed = "deed"


class TypicalStatus(LabeledEnum):
    __catalog__ = "typical_status"
    nominated = "nominated"
    selected = "selected"
    notified = "notified"
    withdrawn = "withdrawn"


class SourceChannel(LabeledEnum):
    __catalog__ = "source_channel"
    document_exchange = "document_exchange"
    meeting = "meeting"
    notice = "notice"
    phone = "phone"
    platform = "platform"
    other = "other"


class AssignmentStatus(LabeledEnum):
    __catalog__ = "assignment_status"
    drafting = "drafting"
    pending_review = "pending_review"
    returned = "returned"
    assigned = "assigned"
    reported_to_leader = "reported_to_leader"
    reported_to_dcb = "reported_to_dcb"
    closed = "closed"
    under_supervision = "under_supervision"
