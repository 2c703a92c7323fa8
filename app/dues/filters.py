"""The 督办预警 list's filters, sort and keyset pages, read from a request's arguments.

Every filter becomes SQL over due_item (added to reads.shown, which holds the data scope), so
the page, the counts per stage and the export read the same set. Pages are keyset pages: the
"next" link carries the sort key of the last row shown (a cursor), and the next page starts
after it — WHERE (due_at, id) > (…) — never an OFFSET.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
from dataclasses import dataclass, field, replace

import sqlalchemy as sa
from flask_babel import gettext as _

from app.core import registry

from . import reads
from .ledger import STAGES_SHOWN, stage_case
from .models import NOTICE, REMINDER, SUPERVISION, DueItem

T = DueItem.__table__
SORTS = ("due", "due_desc", "stage", "register")  # due_at ascending (the most urgent first) is the default
DUE_CHOICES = ("overdue", "soon")
DEFAULT_SIZE, MAX_SIZE = 100, 1000  # a page to read; the filters and the next link reach the rest
STAGE_RANK = {NOTICE: 0, SUPERVISION: 1, REMINDER: 2}  # the stage sort: the most severe first
_RULE_CODE = re.compile(r"^[A-Za-z0-9_-]{1,30}$")


@dataclass
class ListArgs:
    module: str | None = None
    register: str | None = None
    org_unit: int | None = None  # a community (with its grids) or a grid
    stage: str | None = None
    rule: str | None = None
    owner: int | None = None
    mine: bool = False
    due: str | None = None  # overdue | soon
    sort: str = "due"
    size: int = DEFAULT_SIZE
    cursor: tuple | None = None  # the sort key of the last row of the previous page
    errors: list[str] = field(default_factory=list)  # input that was ignored, for the page to say

    def url_args(self, cursor: str | None = None, size: bool = True) -> dict:
        """The filters as URL arguments (for the next page, the stage links and the export)."""
        out = {
            "module": self.module,
            "register": self.register,
            "org_unit": self.org_unit,
            "stage": self.stage,
            "rule": self.rule,
            "owner": self.owner,
            "mine": "1" if self.mine else None,
            "due": self.due,
            "sort": self.sort if self.sort != "due" else None,
            "size": self.size if size and self.size != DEFAULT_SIZE else None,
            "cursor": cursor,
        }
        return {k: v for k, v in out.items() if v is not None}

    def with_stage(self, stage: str | None) -> ListArgs:
        return replace(self, stage=stage, cursor=None, errors=[])


def _int(value) -> int | None:
    try:
        n = int(value)
    except (TypeError, ValueError):
        return None
    return n if 0 < n < 2**31 else None


def parse(args) -> ListArgs:
    """Request arguments → ListArgs. Unknown or malformed values are dropped (and listed in
    `errors`), never an error page: a bookmarked or hand-edited URL still opens."""
    a = ListArgs()

    def choice(name, allowed):
        value = (args.get(name) or "").strip()
        if not value:
            return None
        if value in allowed:
            return value
        a.errors.append(_("Ignored the filter %(name)s: unknown value.", name=name))
        return None

    a.module = choice("module", registry.MODULES)
    a.register = choice("register", [r.key for r in registry.all_registers() if r.time_rules])
    a.stage = choice("stage", STAGES_SHOWN)
    a.due = choice("due", DUE_CHOICES)
    a.sort = choice("sort", SORTS) or "due"
    rule = (args.get("rule") or "").strip()
    if rule:
        if _RULE_CODE.match(rule):
            a.rule = rule
        else:
            a.errors.append(_("Ignored the filter %(name)s: unknown value.", name="rule"))
    for name in ("org_unit", "owner"):
        raw = (args.get(name) or "").strip()
        if raw:
            value = _int(raw)
            if value is None:
                a.errors.append(_("Ignored the filter %(name)s: unknown value.", name=name))
            setattr(a, name, value)
    a.mine = (args.get("mine") or "").strip().lower() in ("1", "y", "yes", "on", "true")
    raw = (args.get("size") or "").strip()
    if raw:
        size = _int(raw)
        if size is None or size > MAX_SIZE:
            a.errors.append(_("Rows per page are 1 to %(max)s; showing %(n)s.", max=MAX_SIZE, n=DEFAULT_SIZE))
        else:
            a.size = size
    raw = (args.get("cursor") or "").strip()
    if raw:
        a.cursor = decode_cursor(raw, a.sort)
        if a.cursor is None:
            a.errors.append(_("The page link is not valid (or for another sort): showing the first page."))
    return a


# --- SQL ------------------------------------------------------------------------------------


def _subtree(org_unit_id: int):
    """The org unit and the units under it (a community's grids), as a subquery."""
    from app.org.models import OrgUnit

    children = sa.select(OrgUnit.id).where(OrgUnit.parent_id == org_unit_id)
    return sa.select(OrgUnit.id).where(
        sa.or_(OrgUnit.id == org_unit_id, OrgUnit.parent_id == org_unit_id, OrgUnit.parent_id.in_(children))
    )


def where(a: ListArgs, now: dt.datetime, stage: bool = True):
    """The filters as one SQL condition over due_item (None: no filter). The data scope is not
    here: reads.items / count_stages_and_overdue add it (reads.shown). stage=False leaves out the stage
    filter (the counts per stage are of the set the other filters select)."""
    conds = []
    if a.module:
        conds.append(T.c.module == a.module)
    if a.register:
        conds.append(T.c.register_key == a.register)
    if a.org_unit:
        conds.append(T.c.org_unit_id.in_(_subtree(a.org_unit)))
    if a.rule:
        conds.append(T.c.rule_code == a.rule)
    if a.owner:
        conds.append(T.c.owner_id == a.owner)
    if a.mine:
        conds.append(reads.mine_clause())
    if a.due == "overdue":
        conds.append(T.c.due_at <= now)
    elif a.due == "soon":
        conds.append(T.c.due_at > now)
    if stage and a.stage:
        conds.append(stage_case(now) == a.stage)
    return sa.and_(*conds) if conds else None


def _rank(now: dt.datetime):
    return sa.case(*((stage_case(now) == s, r) for s, r in STAGE_RANK.items()), else_=len(STAGE_RANK))


def _key_columns(sort: str, now: dt.datetime) -> list:
    if sort == "stage":
        return [_rank(now), T.c.due_at, T.c.id]
    if sort == "register":
        return [T.c.register_key, T.c.due_at, T.c.id]
    return [T.c.due_at, T.c.id]


def order(a: ListArgs, now: dt.datetime) -> list:
    cols = _key_columns(a.sort, now)
    return [c.desc() for c in cols] if a.sort == "due_desc" else cols


def after(a: ListArgs, now: dt.datetime, cursor: tuple | None = None):
    """Rows after the cursor in the sort order (None: from the first row)."""
    cursor = cursor if cursor is not None else a.cursor
    if cursor is None:
        return None
    key = sa.tuple_(*_key_columns(a.sort, now))
    values = sa.tuple_(
        *(sa.literal(v) if not isinstance(v, dt.datetime) else sa.literal(v, sa.DateTime) for v in cursor)
    )
    return key < values if a.sort == "due_desc" else key > values


def page_where(a: ListArgs, now: dt.datetime, cursor: tuple | None = None):
    conds = [c for c in (where(a, now), after(a, now, cursor)) if c is not None]
    return sa.and_(*conds) if conds else None


def page(a: ListArgs, now: dt.datetime, cursor: tuple | None = None, size: int | None = None):
    """One page: (items, the cursor of the next page or None). One statement (reads.items joins
    the owner's and the org unit's names)."""
    size = size or a.size
    found = reads.items(now, where=page_where(a, now, cursor), limit=size + 1, order=order(a, now))
    more = len(found) > size
    found = found[:size]
    return found, (key_of(a, found[-1]) if more and found else None)


def all_items(a: ListArgs, now: dt.datetime, chunk: int = 1000):
    """Every item of the filtered list in its order (all pages), read page by page (the export)."""
    cursor = None
    while True:
        found, cursor = page(a, now, cursor, chunk)
        yield from found
        if cursor is None:
            return


# --- cursors --------------------------------------------------------------------------------


def key_of(a: ListArgs, item) -> tuple:
    if a.sort == "stage":
        return (STAGE_RANK.get(item.stage, len(STAGE_RANK)), item.due_at, item.id)
    if a.sort == "register":
        return (item.register_key, item.due_at, item.id)
    return (item.due_at, item.id)


def encode_cursor(a: ListArgs, key: tuple) -> str:
    plain = [a.sort, *(v.isoformat() if isinstance(v, dt.datetime) else v for v in key)]
    return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(raw: str, sort: str) -> tuple | None:
    """The key a cursor carries, checked against the sort's shape; None if it is not one of ours."""
    try:
        plain = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    if not isinstance(plain, list) or not plain or plain[0] != sort:
        return None
    values = plain[1:]
    try:
        if sort == "stage":
            rank, due, item_id = values
            ok = isinstance(rank, int) and isinstance(item_id, int)
            key = (rank, dt.datetime.fromisoformat(due), item_id)
        elif sort == "register":
            reg_key, due, item_id = values
            ok = isinstance(reg_key, str) and len(reg_key) <= 50 and isinstance(item_id, int)
            key = (reg_key, dt.datetime.fromisoformat(due), item_id)
        else:
            due, item_id = values
            ok = isinstance(item_id, int)
            key = (dt.datetime.fromisoformat(due), item_id)
    except (ValueError, TypeError):
        return None
    due = key[-2]
    if not ok or isinstance(key[-1], bool) or not (0 < key[-1] < 2**63) or due.tzinfo is not None:
        return None
    return key
