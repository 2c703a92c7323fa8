"""How many rows an export of the list would hold (same filters and scope as the page)."""

from __future__ import annotations

from flask_appbuilder.urltools import get_filter_args


def count_rows(view) -> int:
    """Rows of the register's list with the request's search filters, in the user's scope.

    Built like spreadsheets.export_response (fresh Filters per request; ScopedInterface adds
    the scope), without order or paging."""
    datamodel = view.datamodel
    filters = datamodel.get_filters(view.search_columns)
    get_filter_args(filters)
    query = datamodel.apply_all(datamodel.session.query(datamodel.obj), filters)
    return query.order_by(None).count()
