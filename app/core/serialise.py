"""What the REST API writes for a row: FAB's marshmallow schemas, with two limits.

- A related row is ``{"id", "name"}`` (its display name, str(row)) plus only the columns of it a
  register declares as dotted columns (``household.address``). FAB's default serialises the
  related row whole: a show page of anything with ``created_by`` gave out the login user's
  password hash, TOTP secret and e-mail. The login user (ab_user) gives id and name and nothing
  else, whatever is declared; only FAB's own security API (administrators) shows more.
- A personal-data column is masked at every depth, by the register of the row holding it
  (app.core.pii), in every schema the API dumps: list, show, and the answers of POST/PUT/steps.
"""

from __future__ import annotations

from functools import cache

from flask_appbuilder.api.convert import Model2SchemaConverter, TreeNode
from flask_appbuilder.security.sqla.models import User
from marshmallow import Schema, fields

from . import pii, registry

#: key of a related row's display name
NAME = "name"


def is_login_user(model) -> bool:
    return isinstance(model, type) and issubclass(model, User)


def related_columns(model, declared) -> list[str]:
    """The columns of a related row beyond id and name: the declared ones, none of a login user."""
    if is_login_user(model):
        return []
    return [c for c in declared if c not in ("id", NAME)]


@cache
def _masking(field_class: type) -> type:
    """A subclass of a marshmallow field class that masks the value on dump (load unchanged)."""

    def _serialize(self, value, attr, obj, **kwargs):
        reg, column = self.jiedao_pii
        if obj is not None:
            value = pii.masked(reg, obj, column, value)
        return super(cls, self)._serialize(value, attr, obj, **kwargs)

    cls = type(f"Masked{field_class.__name__}", (field_class,), {"_serialize": _serialize})
    return cls


_RELATED_SCHEMAS: dict = {}


def _display(obj) -> str:
    return str(obj)


class RelatedRowConverter(Model2SchemaConverter):
    """FAB's converter with related rows cut to id and name, and personal data masked."""

    def _column2field(self, datamodel, column, nested=True, parent_schema_name=None):
        field = super()._column2field(datamodel, column, nested, parent_schema_name)
        reg = registry.for_model(datamodel.obj)
        if reg is not None and column.name in reg.pii and field is not None:
            field.__class__ = _masking(type(field))
            field.jiedao_pii = (reg, column.name)
        return field

    def _column2relation(self, datamodel, column, nested=False, parent_schema_name=None):
        if not nested:  # add/edit schemas: the related id, as FAB loads it
            return super()._column2relation(datamodel, column, nested, parent_schema_name)
        model = datamodel.get_related_model(column.name)
        declared = tuple(related_columns(model, [child.name for child in column.children]))
        many = not datamodel.is_relation_many_to_one(column.name)
        return fields.Nested(self._related_schema(datamodel.__class__(model), declared), many=many, dump_only=True)

    def _related_schema(self, related, declared: tuple) -> type:
        """One schema class per related model and declared columns (the OpenAPI spec names it once)."""
        key = (related.obj, declared)
        if key not in _RELATED_SCHEMAS:
            extra = {
                c: self._column2field(related, TreeNode(c), nested=False)
                for c in declared
                if not related.is_relation(c)
            }
            name = "_".join((f"{related.obj.__name__}Related", *declared))
            _RELATED_SCHEMAS[key] = Schema.from_dict(
                {"id": fields.Integer(dump_only=True), NAME: fields.Function(_display, dump_only=True), **extra},
                name=name,
            )
        return _RELATED_SCHEMAS[key]
