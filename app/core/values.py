"""Typed values people type: ID numbers, phone numbers, money and other decimals.

A column says what it holds by its `info` (id_no_column(), phone_column(), money_column());
every surface reads the kind from there: the form and the API parse decimals with
parse_decimal(), writes.save() checks ID and phone numbers of every save (form, API, CLI), the
import converts its cells with the same functions. One set of rules, one set of messages.
"""

from __future__ import annotations

import datetime as dt
import decimal
import re
import unicodedata

import sqlalchemy as sa
from flask_babel import gettext as _

KIND = "jiedao_kind"  # Column.info key
ID_NO, PHONE, MONEY = "id_no", "phone", "money"
TEXT_KINDS = (ID_NO, PHONE)


class Invalid(ValueError):
    """The value cannot be taken; str() is the message for the user."""


# --- columns ------------------------------------------------------------------------------


def id_no_column(**kw) -> sa.Column:
    """A 居民身份证号 (18 characters, GB 11643)."""
    return sa.Column(sa.String(30), info={KIND: ID_NO}, **kw)


def phone_column(**kw) -> sa.Column:
    """A mainland mobile or landline number."""
    return sa.Column(sa.String(30), info={KIND: PHONE}, **kw)


def money_column(**kw) -> sa.Column:
    """An amount in yuan (or 万元, as the label says), two decimals."""
    return sa.Column(sa.Numeric(12, 2), info={KIND: MONEY}, **kw)


def kind_of(column) -> str | None:
    return getattr(column, "info", {}).get(KIND) if column is not None else None


def is_decimal(column) -> bool:
    """Exact decimal columns (Numeric, not Float): typed with parse_decimal everywhere."""
    return column is not None and isinstance(column.type, sa.Numeric) and not isinstance(column.type, sa.Float)


# --- decimals -----------------------------------------------------------------------------

# plain digits, or digits grouped by thousands (30,000.50); no exponent, no NaN/Infinity
_DECIMAL = re.compile(r"[+-]?(?:\d+|\d{1,3}(?:,\d{3})+)(?:\.\d+)?|[+-]?\.\d+")
_CURRENCY = ("¥", "元")


def _fold(text: str) -> str:
    """Full-width digits, signs, comma and point (１５，０００．５０) as ASCII; spaces dropped."""
    text = unicodedata.normalize("NFKC", text).replace("，", ",").replace("。", ".")
    return re.sub(r"\s+", "", text)


def parse_decimal(raw, money: bool = False) -> decimal.Decimal | None:
    """A typed amount as a Decimal: 30000, 30,000, １５，０００．５０ (and ¥…/…元 for money).
    Refuses 1e3, NaN, Infinity and a JSON number written with an exponent (JsonNumber)."""
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise Invalid(_("Enter a number, such as 30000 or 30,000.50."))
    if isinstance(raw, float) and getattr(raw, "source", None):
        raw = raw.source  # a JSON number: judged as written (JsonNumber)
    if isinstance(raw, (int, float, decimal.Decimal)) and not isinstance(raw, str):
        # numbers from a program or an Excel number cell: nobody typed an exponent
        number = decimal.Decimal(repr(raw) if isinstance(raw, float) else raw)
        if not number.is_finite():
            raise Invalid(_("Enter a number, such as 30000 or 30,000.50."))
        return number
    if isinstance(raw, str):
        text = _fold(raw)
        if money:
            text = text.removeprefix("¥").removesuffix("元")
        if not text:
            return None
    else:
        raise Invalid(_("Enter a number, such as 30000 or 30,000.50."))
    if not _DECIMAL.fullmatch(text):
        raise Invalid(_("Enter a number, such as 30000 or 30,000.50 (digits only: no letters or exponent)."))
    return decimal.Decimal(text.replace(",", ""))


class JsonNumber(float):
    """A JSON number that remembers how it was written (json.loads(parse_float=JsonNumber)):
    1e3 and 1000 are the same float, but only one is an amount a person types."""

    def __new__(cls, source: str):
        number = super().__new__(cls, source)
        number.source = source
        return number


# --- ID numbers ---------------------------------------------------------------------------

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def check_id_no(raw: str) -> str:
    """An 18-character 居民身份证号: area code, a real birth date (not in the future), the GB 11643
    ISO 7064 MOD 11-2 check character. Returns it folded (half-width, upper-case X).
    (python-stdnum's cn.ric does the same; the few lines here spare a dependency.)"""
    from . import clock

    text = _fold(raw).upper()
    if not re.fullmatch(r"\d{17}[\dX]", text):
        raise Invalid(_("An ID number has 18 characters: 17 digits and a digit or X at the end."))
    if text[0] not in "12345678":
        raise Invalid(_("This ID number does not start with a valid area code."))
    try:
        born = dt.date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise Invalid(_("The birth date in this ID number (digits 7 to 14) is not a real date.")) from None
    if born.year < 1900 or born > clock.today():
        raise Invalid(_("The birth date in this ID number (digits 7 to 14) is not a real date."))
    total = sum(int(d) * w for d, w in zip(text[:17], _ID_WEIGHTS))
    if _ID_CHECK[total % 11] != text[17]:
        raise Invalid(_("The check digit of this ID number is wrong: a character was mistyped."))
    return text


# --- phone numbers ------------------------------------------------------------------------

_MOBILE = re.compile(r"1[3-9]\d{9}")
# area code (010, 02x, 0xxx) optional, 7 or 8 digits, an optional extension
_LANDLINE = re.compile(r"(?:0\d{2,3}-?)?[1-9]\d{6,7}(?:(?:-|转|ext\.?|#)\d{1,6})?", re.I)


def check_phone(raw: str) -> str:
    """A mainland mobile (13800138000, +86 allowed) or landline (0570-1234567, (0570)1234567,
    1234567, 0570-1234567-801). Returns it folded; a mobile as its 11 digits."""
    text = _fold(raw).replace("—", "-")
    mobile = re.sub(r"[-()]", "", re.sub(r"^(?:\+|00)86", "", text))
    if _MOBILE.fullmatch(mobile):
        return mobile
    landline = re.sub(r"^\((0\d{2,3})\)-?", r"\1-", text)
    if _LANDLINE.fullmatch(landline):
        return landline
    raise Invalid(_("Enter a mobile number (11 digits, e.g. 13800138000) or a landline number (e.g. 0570-1234567)."))


CHECKS = {ID_NO: check_id_no, PHONE: check_phone}


def check(kind: str | None, raw):
    """The value of a text column of `kind`, folded, or Invalid. Empty stays as it is."""
    if kind not in CHECKS or raw is None or (isinstance(raw, str) and not raw.strip()):
        return raw
    if not isinstance(raw, str):
        raise Invalid(_("Enter the number as text."))
    return CHECKS[kind](raw)


def item_errors(item) -> dict:
    """{column: message} for ID and phone numbers this save sets or changes that are not valid;
    valid ones are stored folded. Values left as they were are not judged again (old rows)."""
    state = sa.inspect(item)
    errors = {}
    for attr in state.mapper.column_attrs:
        kind = kind_of(attr.columns[0])
        if kind not in CHECKS:
            continue
        history = state.attrs[attr.key].history
        if not history.added and state.persistent:
            continue
        try:
            folded = check(kind, getattr(item, attr.key))
        except Invalid as e:
            errors[attr.key] = str(e)
            continue
        if folded != getattr(item, attr.key):
            setattr(item, attr.key, folded)
    return errors
