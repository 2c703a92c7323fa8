"""Form fields for column types FAB's form converter renders badly or not at all."""

from __future__ import annotations

import enum

from flask_appbuilder.fieldwidgets import Select2ManyWidget, Select2Widget
from flask_babel import lazy_gettext
from marshmallow import ValidationError
from marshmallow import fields as ma_fields
from wtforms import DateTimeLocalField, SelectField, SelectMultipleField, StringField

from . import values


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
        super().__init__(
            label, validators, coerce=str, choices=lambda: enum_cls.choices(), widget=Select2ManyWidget(), **kwargs
        )

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


class DecimalTextField(StringField):
    """An amount as people type it (30,000 or １５，０００．５０; no 1e3), parsed by
    values.parse_decimal like the API and the import. WTForms' DecimalField takes neither."""

    def __init__(self, label=None, validators=None, money=False, **kwargs):
        self.money = money
        kwargs.setdefault("render_kw", {"inputmode": "decimal"})
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        if valuelist:
            try:
                self.data = values.parse_decimal(valuelist[0], money=self.money)
            except values.Invalid as e:
                self.data = None
                raise ValueError(str(e)) from None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return "" if self.data is None else str(self.data)


class TypedDecimal(ma_fields.Decimal):
    """The API's decimal: the same parser as the form (a JSON number is judged as written, see
    values.JsonNumber), so 1e3 is refused and "30,000" taken."""

    def __init__(self, *args, money: bool = False, **kwargs):
        self.money = money
        super().__init__(*args, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        try:
            return values.parse_decimal(value, money=self.money)
        except values.Invalid as e:
            raise ValidationError(str(e)) from None


def _refuse_unoffered_choices() -> None:
    """FAB's QuerySelectMultipleField drops submitted ids its (scoped) query does not offer without
    a word: its pre_validate reads the "invalid" flag before resolving the data that sets it. A
    forged many-to-many choice of a row out of scope is then refused, as the API refuses it."""
    from flask_appbuilder.fields import QuerySelectMultipleField

    if getattr(QuerySelectMultipleField, "jiedao_checked", False):
        return
    fab_pre_validate = QuerySelectMultipleField.pre_validate

    def pre_validate(self, form):
        self.data  # noqa: B018 — resolves the submitted ids, setting _invalid_formdata
        return fab_pre_validate(self, form)

    QuerySelectMultipleField.pre_validate = pre_validate
    QuerySelectMultipleField.jiedao_checked = True


_refuse_unoffered_choices()
