"""xlsx export of a register's list: the same filters, order and scope as the page.

Streams rows with yield_per into xlsxwriter's constant_memory mode, so memory
stays flat however many rows the user's scope and filters select.
"""
from __future__ import annotations

import datetime as dt
import enum
import os
import tempfile

import xlsxwriter
from flask import Response, send_file
from flask_appbuilder.urltools import get_filter_args, get_order_args

from . import clock, pii


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, enum.Enum) or isinstance(value, list):
        return str(value)
    if isinstance(value, (dt.datetime, dt.date, dt.time, int, float)):
        return value
    return str(value)


def export_response(view) -> Response:
    datamodel = view.datamodel
    # fresh Filters per request: FAB's view-level self._filters is shared between threads
    filters = datamodel.get_filters(view.search_columns)
    get_filter_args(filters)
    order_column, order_direction = get_order_args().get(view.__class__.__name__, view.base_order or ("", ""))
    columns = list(view.list_columns)
    query = datamodel.session.query(datamodel.obj)
    query = datamodel.apply_all(query, filters, order_column, order_direction)
    reg = view.register

    tmp = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)
    tmp.close()
    book = xlsxwriter.Workbook(tmp.name, {"constant_memory": True, "default_date_format": "yyyy-mm-dd",
                                          "remove_timezone": True})
    sheet = book.add_worksheet(str(reg.name)[:31])
    header = book.add_format({"bold": True})
    datetime_fmt = book.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    sheet.write_row(0, 0, [str(view.label_columns.get(c, c)) for c in columns], header)
    # 2.0-style execution: the legacy Query forces unique(), which yield_per refuses
    rows = datamodel.session.execute(query.statement.execution_options(yield_per=2000)).scalars()
    clear = None if pii.per_row(reg) else pii.sees_clear(reg)  # None: decided per row
    for r, item in enumerate(rows, start=1):
        for c, col in enumerate(columns):
            value = _cell(pii.value(reg, item, col, clear))
            if isinstance(value, dt.datetime):
                sheet.write_datetime(r, c, value, datetime_fmt)
            else:
                sheet.write(r, c, value)
    book.close()
    name = f"{reg.name}-{clock.now():%Y%m%d-%H%M}.xlsx"
    response = send_file(tmp.name, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                         as_attachment=True, download_name=name)
    response.call_on_close(lambda: os.unlink(tmp.name))
    return response
