"""Form fields for column types FAB's form converter renders badly or not at all."""
from __future__ import annotations

import enum

from flask_appbuilder.fieldwidgets import Select2ManyWidget, Select2Widget
from flask_babel import lazy_gettext
from wtforms import DateTimeLocalField, SelectField, SelectMultipleField


class LabeledEnumField(SelectField):
    """A select over a LabeledEnum: submits keys, shows catalog labels, yields members."""

    def __init__(self, label=None, validators=None, enum_cls=None, nullable=False, **kwargs):
        self.enum_cls = enum_cls

        def coerce(value):
            if value in (None, "", "None", "__None"):
                return None
            if isinstance(value, enum.Enum):
                return value
            return enum_cls[value] if value in enum_cls.__members__ else value

        def choices():
            blank = [("", lazy_gettext("(none)"))] if nullable else []
            return blank + enum_cls.choices()

        super().__init__(label, validators, coerce=coerce, choices=choices, widget=Select2Widget(), **kwargs)


class EnumSetField(SelectMultipleField):
    """Several values of a LabeledEnum (stored by EnumSet)."""

    def __init__(self, label=None, validators=None, enum_cls=None, **kwargs):
        super().__init__(label, validators, coerce=str, choices=lambda: enum_cls.choices(),
                         widget=Select2ManyWidget(), **kwargs)

    def process_data(self, value):
        self.data = [v.name if isinstance(v, enum.Enum) else v for v in (value or [])]


class LocalDateTimeField(DateTimeLocalField):
    """A datetime as the browser's own picker (<input type="datetime-local">).

    FAB 5.3's datetime widget binds a date-only picker that wipes the time a user
    types; the native input needs no script. Also accepts "2026-12-03 09:00:00".
    """

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("format", ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"])
        kwargs.setdefault("render_kw", {"class": "form-control", "step": "60"})
        super().__init__(label, validators, **kwargs)
