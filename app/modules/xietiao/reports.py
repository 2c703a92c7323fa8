"""What the 大协调 pages show: the month's supervision board, the 公示, the year-end table.

Every query goes through scope.restrict, so each viewer sees only the rows in their scope.
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass, field

from sqlalchemy.orm import selectinload

from app.core import clock, scope
from app.extensions import db

from . import rules
from .enums import OrderStatus, TypicalPolarity, TypicalStatus
from .enums import SupervisionItemStatus as IS
from .models import SupervisionItem, SupervisionList, SupervisionOrder, TypicalCase

GREEN, AMBER, RED = "green", "amber", "red"


def scoped(model):
    return scope.restrict(db.session.query(model), model)


def parse_month(text: str | None) -> dt.date:
    try:
        return dt.datetime.strptime(text or "", "%Y-%m").date()
    except ValueError:
        return rules.month_start(clock.today())


@dataclass
class ItemLine:
    item: SupervisionItem
    expected: int
    light: str
    lagging: bool
    open_order: SupervisionOrder | None


def item_lines(sl: SupervisionList, today: dt.date) -> list[ItemLine]:
    items = (
        scoped(SupervisionItem)
        .filter(SupervisionItem.supervision_list_id == sl.id)
        .options(
            selectinload(SupervisionItem.orders),
            selectinload(SupervisionItem.responsible_person),
            selectinload(SupervisionItem.responsible_unit),
        )
        .order_by(SupervisionItem.deadline, SupervisionItem.id)
        .all()
    )
    out = []
    for it in items:
        done = it.status == IS.done
        expected = rules.expected_percent(sl.month, it.deadline, today)
        lagging = rules.is_lagging(sl.month, it.deadline, it.progress_percent, done, today)
        if done:
            light = GREEN
        elif it.deadline < today:
            light = RED
        elif (it.progress_percent or 0) < expected or it.status == IS.lagging:
            light = AMBER
        else:
            light = GREEN
        open_order = next((o for o in it.orders if o.status != OrderStatus.closed and not o.is_deleted), None)
        out.append(ItemLine(it, expected, light, lagging, open_order))
    return out


def suggestions(sl: SupervisionList, lines: list[ItemLine]) -> list[ItemLine]:
    """TR-17: lagging items of an issued list that have no open 督办单 yet."""
    if sl.status.name != "issued":
        return []
    return [ln for ln in lines if ln.lagging and ln.open_order is None]


def month_orders(sl: SupervisionList) -> list[SupervisionOrder]:
    return (
        scoped(SupervisionOrder)
        .join(SupervisionItem, SupervisionOrder.supervision_item_id == SupervisionItem.id)
        .filter(SupervisionItem.supervision_list_id == sl.id)
        .order_by(SupervisionOrder.issued_at)
        .all()
    )


def list_for_month(month: dt.date) -> SupervisionList | None:
    return scoped(SupervisionList).filter(SupervisionList.month == rules.month_start(month)).one_or_none()


def months_with_lists() -> list[dt.date]:
    return [
        m
        for (m,) in scoped(SupervisionList)
        .with_entities(SupervisionList.month)
        .order_by(SupervisionList.month.desc())
        .all()
    ]


# --- typical cases: the year-end table (TR-19) ---


@dataclass
class Tally:
    name: str
    positive: int = 0
    negative: int = 0
    cases: list = field(default_factory=list)

    def add(self, case) -> None:
        if case.polarity == TypicalPolarity.positive:
            self.positive += 1
        else:
            self.negative += 1
        self.cases.append(case)


def year_cases(year: int) -> list[TypicalCase]:
    """Notified cases of the year that count at the year-end assessment."""
    return (
        scoped(TypicalCase)
        .filter(
            TypicalCase.case_date >= dt.date(year, 1, 1),
            TypicalCase.case_date <= dt.date(year, 12, 31),
            TypicalCase.status == TypicalStatus.notified,
            TypicalCase.year_end_linked.is_(True),
        )
        .options(selectinload(TypicalCase.rules), selectinload(TypicalCase.cadre), selectinload(TypicalCase.unit))
        .order_by(TypicalCase.case_date, TypicalCase.id)
        .all()
    )


def year_summary(year: int):
    cases = year_cases(year)
    by_person: dict = OrderedDict()
    by_unit: dict = OrderedDict()
    for c in cases:
        if c.cadre is not None:
            by_person.setdefault(c.cadre_id, Tally(str(c.cadre))).add(c)
        if c.unit is not None:
            by_unit.setdefault(c.unit_id, Tally(str(c.unit))).add(c)
    order = lambda t: (-t.positive - t.negative, t.name)  # noqa: E731
    return cases, sorted(by_person.values(), key=order), sorted(by_unit.values(), key=order)
