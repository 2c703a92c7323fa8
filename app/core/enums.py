"""Enumerations whose labels come from the translation catalog.

A member's name is the stored key ("planned"); its label is the catalog entry
``enum_<enum>__<key>`` (seeded from glossary.csv), so lists, forms and exports
show 计划 in Chinese and Planned in English.
"""

from __future__ import annotations

import enum

import sqlalchemy as sa
from flask_babel import lazy_gettext


class LabeledEnum(enum.Enum):
    """Subclass with ``__catalog__ = "<enum name>"`` and members ``key = "key"``."""

    __catalog__: str = ""

    @property
    def label(self) -> str:
        return str(lazy_gettext(f"enum_{self.__catalog__}__{self.name}"))

    def __str__(self) -> str:  # what templates and exports print
        return self.label

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.name, m.label) for m in cls]


def enum_column(enum_cls: type[LabeledEnum], **kwargs) -> sa.Column:
    """A VARCHAR column of enum keys (portable; no native PG enum to migrate)."""
    info = kwargs.pop("info", {})
    # the API speaks keys, not labels
    info.setdefault("marshmallow_by_value", False)
    return sa.Column(
        sa.Enum(enum_cls, native_enum=False, create_constraint=False, length=32),
        info=info,
        **kwargs,
    )


class EnumSet(sa.types.TypeDecorator):
    """Several values of one enum, stored as comma-separated keys ("dangjian,zhili")."""

    impl = sa.String(200)
    cache_ok = True

    def __init__(self, enum_cls: type[LabeledEnum], *args, **kwargs):
        self.enum_cls = enum_cls
        super().__init__(*args, **kwargs)

    def process_bind_param(self, value, dialect):
        if not value:
            return ""
        keys = [v.name if isinstance(v, enum.Enum) else str(v) for v in value]
        return ",".join(k for k in keys if k in self.enum_cls.__members__)

    def process_result_value(self, value, dialect):
        return EnumList(self.enum_cls[k] for k in (value or "").split(",") if k)


class EnumList(list):
    """A list of enum members that prints as its labels."""

    def __str__(self) -> str:
        return "、".join(m.label for m in self)

    @property
    def keys(self) -> list[str]:
        return [m.name for m in self]


def alembic_render_item(type_, obj, autogen_context):
    """Migrations store an EnumSet as the plain VARCHAR it is."""
    if type_ == "type" and isinstance(obj, EnumSet):
        return "sa.String(length=200)"
    return False
