"""督办 of a 大协调 督查事项 (supervision item): a 工作督办单 (supervision order) on the item, with the
督办's note as its requirement and the new deadline as its reply deadline (domain §4.2: orders
are issued on lagging items). Registered with app.dues.actions for the supervision_item register."""

from __future__ import annotations

from flask_babel import gettext as _

from app.core import registry
from app.dues import actions
from app.extensions import db


def supervision_order(item, p, note: str, deadline):
    from app.modules.xietiao import workflow as wf
    from app.modules.xietiao.enums import OrderStatus
    from app.modules.xietiao.models import SupervisionItem

    row = db.session.get(SupervisionItem, item.row_id) if item.row_id is not None else None
    if row is None or row.is_deleted:
        raise actions.ActionRefused(_("The record of this item no longer exists."), 409)
    if any(o.status != OrderStatus.closed and not o.is_deleted for o in row.orders):
        raise actions.ActionRefused(_("This item already has an open supervision order."), 409)
    lag = _(
        "Deadline %(deadline)s, progress %(percent)s%%: escalated from the escalation list.",
        deadline=row.deadline.isoformat(),
        percent=row.progress_percent or 0,
    )
    order = wf.new_order(p, row.responsible_person_id, lag, note, supervision_item=row)
    order.reply_deadline = deadline.date()
    order.org_unit_id = row.org_unit_id
    return (
        registry.get("supervision_order"),
        order,
        _("Supervision order %(no)s issued.", no=order.order_no),
    )


actions.add_escalator("supervision_item", supervision_order)
