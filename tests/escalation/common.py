"""Helpers of the 督办预警 tests: rows the tests own, and reading the list page's rows and counts."""

from __future__ import annotations

import datetime as dt
import html
import re

import sqlalchemy as sa

from app.common.enums import WorkItemKind, WorkItemStatus
from app.common.models import WorkItem
from app.core import clock
from app.dues.models import DueItem
from app.extensions import db
from app.org.enums import Module

from ..conftest import text
from ..factories import org, user

T0 = dt.datetime(2027, 5, 12, 10, 0)  # a Wednesday, mid-month: 督办 before month end, 通报 after

_ROW = re.compile(r'<tr class="[^"]*escalation-item"([^>]*)>')
_ATTR = re.compile(r'data-([a-z]+)="([^"]*)"')
_COUNT = re.compile(r'data-count="([a-z]+)">(\d+)<')
_NEXT = re.compile(r'id="escalation-next" href="([^"]+)"')


def work_item(place: str, title: str, deadline: dt.date, *, module=Module.zhili, owner="sq1") -> WorkItem:
    wi = WorkItem(
        module=module,
        kind=WorkItemKind.other,
        title=title,
        org_unit=org(place),
        deadline=deadline,
        status=WorkItemStatus.todo,
        responsible_person=user(owner) if owner else None,
    )
    db.session.add(wi)
    db.session.commit()
    return wi


def due_of(register_key: str, row_id: int, *, open_only: bool = True) -> DueItem | None:
    db.session.expire_all()
    q = sa.select(DueItem).where(DueItem.register_key == register_key, DueItem.row_key == row_id)
    if open_only:
        q = q.where(DueItem.resolved_at.is_(None))
    return db.session.execute(q.order_by(DueItem.id.desc())).scalars().first()


def rows(page: str) -> list[dict]:
    """The list's rows as their data attributes (item, register, module, org, owner, stage …)."""
    return [dict(_ATTR.findall(m.group(1))) for m in _ROW.finditer(page)]


def counts(page: str) -> dict[str, int]:
    return {k: int(v) for k, v in _COUNT.findall(page)}


def next_url(page: str) -> str | None:
    m = _NEXT.search(page)
    return html.unescape(m.group(1)) if m else None


def walk(client, query: str = "", size: int = 500) -> tuple[list[dict], dict[str, int], int]:
    """Every page of /escalation/?query, following the "next" links: (rows, counts of the first
    page, pages read). Asserts that no row comes twice."""
    url = f"/escalation/?size={size}" + (f"&{query}" if query else "")
    found, first, pages = [], None, 0
    while url:
        r = client.get(url)
        assert r.status_code == 200, url
        page = text(r)
        first = first or counts(page)
        found += rows(page)
        pages += 1
        url = next_url(page)
        assert pages < 200
    ids = [r["item"] for r in found]
    assert len(ids) == len(set(ids)), "a row came twice"
    return found, first, pages


def freeze(at=T0):
    clock.freeze(at)
