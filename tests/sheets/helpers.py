"""Shared helpers of the spreadsheet tests."""

from __future__ import annotations

import io
import re

import openpyxl

TOKEN_RE = re.compile(r'action="[^"]*/import_confirm/([A-Za-z0-9_\-]+)"')


def book(response):
    assert response.status_code == 200, response.status_code
    return openpyxl.load_workbook(io.BytesIO(response.data))


def rows(response):
    return [list(r) for r in book(response).worksheets[0].iter_rows(values_only=True)]


def xlsx_bytes(data: list[list], mutate=None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in data:
        ws.append(r)
    if mutate:
        mutate(ws)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def upload(client, key: str, content: bytes, name: str = "upload.xlsx"):
    return client.post_form(
        f"/{key}/import_xlsx/",
        {"file": (io.BytesIO(content), name)},
        form_url=f"/{key}/import_xlsx/",
        content_type="multipart/form-data",
    )


def page(response) -> str:
    return response.get_data(as_text=True)


def token_of(response) -> str | None:
    m = TOKEN_RE.search(page(response))
    return m.group(1) if m else None


def confirm(client, key: str, token: str):
    return client.post_form(f"/{key}/import_confirm/{token}", {}, form_url=f"/{key}/import_xlsx/")
