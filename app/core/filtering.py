"""Search-filter values typed before they reach SQL (list pages, exports, the API's ?q=).

FAB hands a filter's value to SQL as the string it came in: SQLite compares anything with
anything, PostgreSQL refuses (`boolean = varchar`, `invalid input syntax for integer`, a NUL byte
in text, a LIKE pattern ending in a backslash) and the page answers 500. Here every value is
converted to its column's type; a value the column cannot hold matches no row. LIKE filters
escape their wildcards, so 50% and a_b are searched for as written.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
from functools import cache

import sqlalchemy as sa
from dateutil import parser as dateparser
from flask_appbuilder.models.sqla.filters import get_field_setup_query
from flask_babel import gettext as _

from .errors import InputError
from .search import IndexedContains

TRUE = {"1", "y", "yes", "true", "t", "on"}
FALSE = {"0", "n", "no", "false", "f", "off"}
# FAB's LIKE filters by their URL argument: (before, after, negated)
LIKE = {
    "sw": ("", "%", False),
    "nsw": ("", "%", True),
    "ew": ("%", "", False),
    "new": ("%", "", True),
    "ct": ("%", "%", False),
    "nct": ("%", "%", True),
}
INVALID = object()
FAB_FILTERS = "flask_appbuilder.models.sqla.filters"  # the search filters built from URL and ?q= values


def like_escape(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def ilike(column, pattern_before: str, word: str, pattern_after: str):
    return column.ilike(f"{pattern_before}{like_escape(word)}{pattern_after}", escape="\\")


def _like_apply(self, query, value):
    before, after, negated = LIKE[self.arg_name]
    query, field = get_field_setup_query(query, self.model, self.column_name)
    cond = ilike(field, before, value, after)
    return query.filter(~cond if negated else cond)


def _nothing_apply(self, query, value):
    return query.filter(sa.false())


@cache
def _variant(cls: type, kind: str) -> type:
    """A subclass of FAB's filter class (same name, URL argument and constructor, so FAB can copy
    it) that escapes LIKE wildcards ("like") or matches no row ("nothing")."""
    return type(
        f"{kind.title()}{cls.__name__}",
        (cls,),
        {"apply": _like_apply if kind == "like" else _nothing_apply, "jiedao_variant": kind},
    )


def _typed(model, column_name: str, value, related: bool):
    if isinstance(value, str):
        value = value.replace("\x00", "")
    if related:  # a relation filter compares ids
        return _int(value, sa.Integer())
    column = model.__table__.c.get(column_name) if "." not in column_name else None
    if column is None:
        return value
    t = column.type
    if isinstance(t, sa.Boolean):
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        return True if text in TRUE else False if text in FALSE else INVALID
    if isinstance(t, sa.Integer):
        return _int(value, t)
    if isinstance(t, sa.Numeric):
        try:
            number = decimal.Decimal(str(value).strip())
        except (decimal.InvalidOperation, ValueError):
            return INVALID
        return number if number.is_finite() else INVALID
    if isinstance(t, (sa.Date, sa.DateTime)):
        if isinstance(value, (dt.date, dt.datetime)):
            return value
        try:
            parsed = dateparser.parse(str(value))
        except (ValueError, OverflowError, TypeError):
            return INVALID
        return parsed if isinstance(t, sa.DateTime) else parsed.date()
    if isinstance(t, sa.Enum) and t.enum_class is not None and not isinstance(value, enum.Enum):
        return value if str(value) in t.enum_class.__members__ else INVALID
    if isinstance(t, sa.String) and value is not None:  # PostgreSQL: varchar = boolean is an error
        return _words([value])[0]
    return value


def _int(value, column_type):
    from .writes import int_fits

    if isinstance(value, bool):
        return INVALID
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return INVALID
    return number if int_fits(column_type, number) else INVALID


def _strip_nul(value):
    return value.replace("\x00", "") if isinstance(value, str) else value


def _words(values: list) -> list[str]:
    """A text search takes words: a number is searched as its digits; true, null, an object or a
    list (the API's ?q= is typed JSON-like rison) is the client's mistake, answered 400."""
    out = []
    for v in values:
        if isinstance(v, bool) or not isinstance(v, (str, int, float, decimal.Decimal)):
            raise InputError(_("A text filter needs a text value, not %(value)s.", value=_shown(v)))
        out.append(_strip_nul(str(v)))
    return out


def _shown(value) -> str:
    return (
        "true"
        if value is True
        else "false"
        if value is False
        else "null"
        if value is None
        else type(value).__name__
        if isinstance(value, (dict, list))
        else str(value)
    )


def clean(datamodel, filters) -> None:
    """Type every value of `filters` (in place; Filters objects are built per request). A value
    may be a list: FAB applies each element as its own filter, or (in / not_in) the list as one."""
    if filters is None:
        return
    for i, (flt, value) in enumerate(zip(list(filters.filters), list(filters.values))):
        if getattr(flt, "jiedao_variant", None) == "nothing":
            continue
        if (
            not isinstance(flt, IndexedContains)
            and getattr(flt, "jiedao_variant", None) is None
            and type(flt).__module__ != FAB_FILTERS
        ):
            continue  # our own filters (writable org units …) take the values they are given
        values = value if isinstance(value, list) else [value]
        if isinstance(flt, IndexedContains):  # its own index query (app/core/search.py), escaped there
            values = _words(values)
        elif flt.arg_name in LIKE and not datamodel.is_relation(flt.column_name):
            values = _words(values)
            if getattr(flt, "jiedao_variant", None) is None:
                flt.__class__ = _variant(type(flt), "like")
        else:
            related = "." not in flt.column_name and datamodel.is_relation(flt.column_name)
            typed = [_typed(datamodel.obj, flt.column_name, v, related) for v in values]
            values = [v for v in typed if v is not INVALID]
            # every element of a plain list must hold (each is its own condition); an in-list keeps the valid ones
            if not values or (flt.arg_name not in ("in", "not_in") and len(values) < len(typed)):
                flt.__class__ = _variant(type(flt), "nothing")
                continue
        filters.values[i] = values if isinstance(value, list) else values[0]
