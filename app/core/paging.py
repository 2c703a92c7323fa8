"""List pages that stay fast at millions of rows: keyset paging, deferred OFFSET, capped count.

FAB pages with ``COUNT(*)`` over the whole filtered set plus ``LIMIT n OFFSET page*n``:
both grow with the table. ``ScopedInterface.query`` (list pages only) comes here instead:

- **Keyset**: the "next" and "previous" links FAB draws carry a cursor ``_k_<View>`` = the
  sort key (value, id) of the row the page starts after (before); that page is read with
  ``WHERE (col, id) < (value, id) ORDER BY col, id LIMIT n`` along the index, however deep.
  The cursor names the page, page size, order and filters it was made for; a cursor that
  does not match the request is ignored (the page is then read as below). Sort columns
  that may be NULL, enums and relations are not keyed (OFFSET path).
- **Deferred OFFSET** (a jump to page k, or an order no keyset can walk: a related column,
  a nullable one): the sort and OFFSET run over ids only (``SELECT id … ORDER BY … LIMIT n
  OFFSET k*n``, from the order index where there is one), then the page's rows are read by id.
- **Capped count**: rows are counted up to ``COUNT_CAP`` (``SELECT count(*) FROM (SELECT 1
  … LIMIT cap+1)``); past it the page says "1,000+" and still offers the next page.
  Once a page comes back short, the exact total is known and shown.

Query count per page is fixed: the page, the capped count and one IN query per related
column shown (selectinload), whatever the page size.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import zlib

import sqlalchemy as sa
from flask import g, has_request_context, request, url_for
from sqlalchemy.orm import selectinload

COUNT_CAP = 1_000
CURSOR_ARG = "_k_"


class BoundedCount(int):
    """A row count that stopped at the cap: compares as a number big enough for one more page,
    prints as "1,000+"."""

    cap: int = COUNT_CAP

    def __new__(cls, value: int, cap: int | None = None):
        obj = super().__new__(cls, value)
        obj.cap = COUNT_CAP if cap is None else cap
        return obj

    def __str__(self) -> str:
        return f"{self.cap:,}+"

    def __html__(self) -> str:
        return str(self)

    def __truediv__(self, other):  # pages = count / page_size in FAB's templates
        return int(self) / other


# --- the cursor -----------------------------------------------------------------------------
def _filters_hash() -> int:
    args = sorted((k, v) for k, v in request.args.items(multi=True) if k.startswith("_flt_"))
    return zlib.crc32(json.dumps(args, ensure_ascii=False).encode())


def _dump(value):
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return value


def _load(column, value):
    if value is None:
        return None
    t = column.type
    if isinstance(t, sa.DateTime):
        return dt.datetime.fromisoformat(value)
    if isinstance(t, sa.Date):
        return dt.date.fromisoformat(value)
    return value


def encode(direction: str, page: int, page_size: int, order: tuple[str, str], key) -> str:
    data = [direction, page, page_size, order[0], order[1], _filters_hash(), _dump(key[0]), key[1]]
    return base64.urlsafe_b64encode(json.dumps(data, ensure_ascii=False).encode()).decode().rstrip("=")


def decode(token: str):
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        d, page, size, oc, od, fh, value, pk = json.loads(raw)
        if d not in ("a", "b") or not isinstance(pk, int):
            return None
        return {
            "dir": d,
            "page": int(page),
            "page_size": int(size),
            "order": (oc, od),
            "filters": fh,
            "value": value,
            "id": pk,
        }
    except (ValueError, TypeError, json.JSONDecodeError):
        return None


def keyed_column(model, order_column: str):
    """The table column a keyset can run on, or None (relations, nullable, enum columns)."""
    if not order_column or "." in order_column:
        return None
    column = model.__table__.c.get(order_column)
    if column is None:
        return None
    if column.primary_key:
        return column
    if (
        column.nullable
        or isinstance(column.type, sa.Enum)
        or not isinstance(column.type, (sa.DateTime, sa.Date, sa.Integer, sa.String))
    ):
        return None
    return column


# --- the list query -------------------------------------------------------------------------
def _eager(datamodel, query):
    if datamodel.eager:
        query = query.options(*(selectinload(getattr(datamodel.obj, rel)) for rel in datamodel.eager))
    return query


def query(datamodel, view_name: str, filters, order_column: str, order_direction: str, page, page_size):
    """(count, rows) of one list page; see the module docstring."""
    model = datamodel.obj
    session = datamodel.session
    page = max(int(page or 0), 0)  # a negative page or size would be a negative OFFSET/LIMIT (PostgreSQL: error)
    page_size = int(page_size or 0)
    page_size = page_size if page_size > 0 else 20
    if not order_column:
        order_column, order_direction = "id", "desc"
    order = (order_column, "asc" if order_direction == "asc" else "desc")
    key_col = keyed_column(model, order_column)

    cursor = None
    token = request.args.get(CURSOR_ARG + view_name)
    if token and key_col is not None:
        c = decode(token)
        if (
            c
            and c["page"] == page
            and c["page_size"] == page_size
            and tuple(c["order"]) == order
            and c["filters"] == _filters_hash()
        ):
            try:
                cursor = (c["dir"], _load(key_col, c["value"]), c["id"])
            except (ValueError, TypeError):
                cursor = None

    if cursor is not None:
        direction, value, pk = cursor
        q = datamodel._apply_inner_all(session.query(model), filters, aliases_mapping={})
        col, id_col = getattr(model, key_col.key), model.id
        forward = (order[1] == "desc") == (direction == "a")  # walking towards smaller keys?
        if forward:
            q = q.filter(sa.tuple_(col, id_col) < sa.tuple_(sa.literal(value, key_col.type), sa.literal(pk)))
            q = q.order_by(col.desc(), id_col.desc())
        else:
            q = q.filter(sa.tuple_(col, id_col) > sa.tuple_(sa.literal(value, key_col.type), sa.literal(pk)))
            q = q.order_by(col.asc(), id_col.asc())
        rows = _eager(datamodel, q.limit(page_size)).all()
        if direction == "b":
            rows.reverse()
    elif page > 0 or key_col is None:
        # deep page by number, or an order no keyset can walk (a related column, NULLs): the sort
        # and OFFSET run over narrow (key, id) rows; then the page's full rows are read by id
        ids = [
            r[0]
            for r in datamodel._apply_inner_all(
                session.query(model.id), filters, order_column, order[1], page, page_size, aliases_mapping={}
            )
        ]
        found = {r.id: r for r in _eager(datamodel, session.query(model).filter(model.id.in_(ids)))} if ids else {}
        rows = [found[i] for i in ids if i in found]
    else:
        q = datamodel.apply_all(session.query(model), filters, order_column, order[1], 0, page_size)
        rows = q.all()

    capped = (
        datamodel._apply_inner_all(session.query(sa.literal(1)).select_from(model), filters, aliases_mapping={})
        .limit(COUNT_CAP + 1)
        .subquery()
    )
    n = session.query(sa.func.count()).select_from(capped).scalar()
    offset = page * page_size
    if n <= COUNT_CAP:
        count = n
    elif len(rows) < page_size:
        count = offset + len(rows)  # the last page: the total is known
    else:
        count = BoundedCount(max(COUNT_CAP + 1, offset + 2 * page_size), COUNT_CAP)

    if has_request_context():
        first = last = None
        if rows and key_col is not None:
            first = (getattr(rows[0], key_col.key), rows[0].id)
            last = (getattr(rows[-1], key_col.key), rows[-1].id)
        g.setdefault("jiedao_pages", {})[view_name] = {
            "page": page,
            "page_size": page_size,
            "order": order,
            "first": first,
            "last": last,
        }
    return count, rows


# --- FAB's page links, with cursors ------------------------------------------------------------
def link_page(page, modelview_name):
    """FAB's ``link_page`` template filter, plus the keyset cursor on "next" and "previous"."""
    args = request.args.copy()
    args["page_" + modelview_name] = page
    args.pop(CURSOR_ARG + modelview_name, None)
    info = g.get("jiedao_pages", {}).get(modelview_name)
    if info and info["last"] is not None:
        try:
            target = int(page)
        except (TypeError, ValueError):
            target = None
        if target == info["page"] + 1:
            args[CURSOR_ARG + modelview_name] = encode("a", target, info["page_size"], info["order"], info["last"])
        elif target is not None and target == info["page"] - 1 and target > 0:
            args[CURSOR_ARG + modelview_name] = encode("b", target, info["page_size"], info["order"], info["first"])
    return url_for(request.endpoint, **{**request.view_args, **args.to_dict()})


def init_app(app) -> None:
    app.jinja_env.filters["link_page"] = link_page
