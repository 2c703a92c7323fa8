"""ScopedInterface: FAB's SQLAInterface with scope, soft delete and eager loading.

Every FAB code path that reads rows — list, count, get by id (show, edit,
delete, actions, API), related-field choices (get_related_interface builds
another ScopedInterface) and group-by charts — goes through _apply_inner_all
or _get_base_query, so the scope filter is added here and nowhere else.
"""

from __future__ import annotations

import enum

import sqlalchemy as sa
from flask import has_request_context
from flask_appbuilder.exceptions import DatabaseException
from flask_appbuilder.models.filters import BaseFilter
from flask_appbuilder.models.sqla.interface import SQLAInterface
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload

from . import clock, filtering, paging, pii, registry, scope

#: what a related column sorts by: the related model's first column of these
RELATION_SORT_KEYS = ("name", "title", "full_name", "case_no", "last_name", "username")


class ScopedInterface(SQLAInterface):
    #: relationships to load with the page (set by the view from its list columns)
    eager: tuple[str, ...] = ()
    #: the list view this datamodel serves: its pages use keyset paging and a capped count
    #: (app.core.paging); None for the REST API, which keeps FAB's exact count
    paged_view: str | None = None

    def query(
        self,
        filters=None,
        order_column="",
        order_direction="",
        page=None,
        page_size=None,
        select_columns=None,
        outer_default_load=False,
    ):
        order_column = self.visible_order(order_column)
        if self.paged_view and not select_columns and has_request_context():
            return paging.query(self, self.paged_view, filters, order_column, order_direction, page, page_size)
        return super().query(
            filters, order_column, order_direction, page, page_size, select_columns, outer_default_load
        )

    def relation_sort_column(self, column: str) -> str:
        """A many-to-one column sorts by its related row's name (`org_unit` → `org_unit.name`)."""
        if column and "." not in column and self.is_relation_many_to_one(column):
            related = self.get_related_model(column)
            key = next((k for k in RELATION_SORT_KEYS if k in related.__table__.c), None)
            return f"{column}.{key or 'id'}"
        return column

    def visible_order(self, order_column: str) -> str:
        """No order by a column the user sees masked (pii.hidden): the list falls back to the id."""
        return "id" if pii.hidden_path(self.obj, order_column) else order_column

    def apply_order_by(self, query, order_column, order_direction, *args, **kwargs):
        return super().apply_order_by(
            query, self.relation_sort_column(self.visible_order(order_column)), order_direction, *args, **kwargs
        )

    def _apply_inner_all(self, query, filters=None, *args, **kwargs):
        _drop_masked_filters(self.obj, filters)
        filtering.clean(self, filters)  # values typed for SQL (PostgreSQL refuses a string for a bool …)
        return super()._apply_inner_all(scope.restrict(query, self.obj), filters, *args, **kwargs)

    def _get_base_query(self, query, filters=None, *args, **kwargs):
        _drop_masked_filters(self.obj, filters)
        filtering.clean(self, filters)
        return super()._get_base_query(scope.restrict(query, self.obj), filters, *args, **kwargs)

    def apply_all(self, query, *args, **kwargs):
        query = super().apply_all(query, *args, **kwargs)
        if self.eager:
            # one IN query per relation instead of one lazy load per row (FAB's hidden N+1)
            query = query.options(*(selectinload(getattr(self.obj, rel)) for rel in self.eager))
        return query

    @staticmethod
    def _get_attr_value(item, col):
        # lists and show pages print an enum's catalog label, not its key, and mask personal data
        # (of a related row too: `household.head_phone` by the household register's rules)
        value = SQLAInterface._get_attr_value(item, col)
        if isinstance(getattr(item, col, None), enum.Enum):
            return getattr(item, col).label
        if "." in col and pii.is_personal_path(type(item), col):
            return pii.value_at(item, col)
        reg = registry.for_model(type(item))
        if reg is not None and col in reg.pii:
            return pii.value(reg, item, col)
        return value

    def get(self, id, *args, **kwargs):
        # an id no database integer can hold is simply not there (SQLite's driver would raise
        # OverflowError: a 500 on /show/<huge>, or on an API body naming a huge related id)
        if not _fits(self.obj, id):
            return None
        return super().get(id, *args, **kwargs)

    def get_filters(self, *args, **kwargs):
        filters = super().get_filters(*args, **kwargs)
        add = filters.add_filter_index

        def add_filter_index(column_name, index, value):
            # ?_flt_9_title=… names a filter the column does not have: FAB indexed past its list (a 500)
            if 0 <= index < len(filters._all_filters.get(column_name, ())):
                add(column_name, index, value)

        filters.add_filter_index = add_filter_index
        return filters

    def get_related_interface(self, col_name):
        return ScopedInterface(self.get_related_model(col_name), self.session)

    def get_related_obj(self, col_name, value):
        related = self.get_related_interface(col_name)
        return related.get(value)

    # Deletes are soft: the row stays for the audit trail and disappears from every query.
    def delete(self, item, commit: bool = True) -> None:
        self.delete_all([item], commit=commit)

    def delete_all(self, items, commit: bool = True) -> None:
        try:
            for item in items:
                if hasattr(item, "is_deleted"):
                    item.is_deleted = True
                    item.updated_at = clock.now()
                else:
                    self.session.delete(item)
            if commit:
                self.session.commit()
        except SQLAlchemyError as ex:
            self.session.rollback()
            raise DatabaseException from ex


def _drop_masked_filters(model, filters) -> None:
    """Backstop for every query: a search filter on a column the user sees masked is dropped
    (the pages never offer one, the API refuses it with a 400 before it gets here)."""
    if filters is None:
        return
    pairs = [
        (f, v)
        for f, v in zip(filters.filters, filters.values)
        if not pii.hidden_path(model, getattr(f, "column_name", "") or "")
    ]
    if len(pairs) < len(filters.filters):
        filters.filters[:] = [f for f, _ in pairs]
        filters.values[:] = [v for _, v in pairs]


def _fits(model, value) -> bool:
    from .writes import int_fits

    try:
        return int_fits(model.__table__.c.id.type, int(value))
    except (TypeError, ValueError, OverflowError):
        return True  # not a number: the query itself finds nothing


class WritableOrgUnits(BaseFilter):
    """Drop-down filter: only the org units the user may save this register's rows into."""

    name = "writable org units"
    arg_name = "wou"

    def apply(self, query, register):
        ids = scope.writable_org_ids(register, scope.principal())
        if ids is None:
            return query
        return query.filter(self.model.id.in_(sorted(ids)) if ids else sa.false())
