"""Export: what the user looks at, typed cells, masked personal data, headers and file name."""

import datetime as dt
from urllib.parse import unquote

import openpyxl
import pytest
import sqlalchemy as sa

from app.core import registry
from app.org.models import StaffProfile

from .. import factories as f
from .helpers import book, rows


def _labels(app, key):
    from flask_babel import force_locale

    reg = registry.get(key)
    with app.test_request_context(), force_locale("zh"):
        return [str(reg.label(c)) for c in reg.list_columns]


def test_export_has_labels_enum_labels_real_dates_and_the_id(app, db, clients):
    m = f.meeting("荷花社区", "导出格式专用会议", chair="sq1", planned_start=dt.datetime(2026, 12, 3, 9, 30))
    r = clients("sq1").get("/meeting/export_xlsx/?_flt_2_title=导出格式专用")
    wb = book(r)
    ws = wb.worksheets[0]
    data = [list(x) for x in ws.iter_rows(values_only=True)]
    assert data[0] == _labels(app, "meeting") + ["版本号", "编号"]
    assert data[0][:2] == ["计划时间", "会议名称"]
    assert len(data) == 2
    row = data[1]
    assert row[0] == dt.datetime(2026, 12, 3, 9, 30)  # a real Excel date, not text
    assert ws.cell(2, 1).number_format == "yyyy-mm-dd hh:mm"
    assert row[2] != m.meeting_type.name and row[2] == _zh(app, m.meeting_type)
    assert row[6] == _zh(app, m.status)
    assert row[7] == m.version and row[8] == m.id
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:I")
    assert ws.column_dimensions["B"].width >= 12


def _zh(app, member):
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("zh"):
        return member.label


def test_file_name_is_register_and_date_rfc5987(db, clients):
    r = clients("sq1").get("/meeting/export_xlsx/")
    cd = r.headers["Content-Disposition"]
    assert cd.startswith("attachment;")
    assert "filename*=UTF-8''" in cd
    encoded = cd.split("filename*=UTF-8''")[1]
    from app.core import clock

    assert unquote(encoded) == f"会议台账_{clock.today():%Y%m%d}.xlsx"
    assert r.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_current_page_only_vs_all_pages(db, clients):
    for i in range(4):
        f.meeting("荷花社区", f"分页导出会议{i}", chair="sq1")
    c = clients("sq1")
    all_rows = rows(c.get("/meeting/export_xlsx/?_flt_2_title=分页导出会议"))
    page = rows(
        c.get("/meeting/export_xlsx/?_flt_2_title=分页导出会议&psize_MeetingView=3&page_MeetingView=0&pages=current")
    )
    assert len(all_rows) - 1 == 4
    assert len(page) - 1 == 3


def test_sort_of_the_list_is_kept(db, clients):
    for i, day in enumerate((5, 1, 9)):
        f.meeting("荷花社区", f"排序导出会议{i}", chair="sq1", planned_start=dt.datetime(2026, 12, day, 9, 0))
    data = rows(
        clients("sq1").get(
            "/meeting/export_xlsx/?_flt_2_title=排序导出会议&_oc_MeetingView=planned_start&_od_MeetingView=asc"
        )
    )
    assert [r[0].day for r in data[1:]] == [1, 5, 9]


def test_money_columns_are_numbers_with_a_yuan_format(app):
    import decimal
    import tempfile

    from app.core.spreadsheets import Col, _write_book

    with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp, app.test_request_context():
        _write_book(
            tmp.name,
            "t",
            [Col("项目"), Col("金额", "money"), Col("日期", "date")],
            [("修路", decimal.Decimal("1234.50"), dt.date(2026, 1, 2))],
        )
        ws = openpyxl.load_workbook(tmp.name).worksheets[0]
        assert ws.cell(2, 2).value == 1234.5
        assert "¥" in ws.cell(2, 2).number_format and "0.00" in ws.cell(2, 2).number_format
        assert ws.cell(2, 3).value == dt.datetime(2026, 1, 2)


def test_personal_data_masked_as_in_the_ui(db, clients):
    profile = db.session.execute(sa.select(StaffProfile).where(StaffProfile.phone.isnot(None))).scalars().first()
    data = rows(clients("leader").get("/staff_profile/export_xlsx/"))
    phone_col = registry.get("staff_profile").list_columns.index("phone")
    phones = [r[phone_col] for r in data[1:] if r[phone_col]]
    assert phones and all("****" in p for p in phones)
    assert profile.phone not in phones


@pytest.mark.parametrize(
    "key",
    [
        "meeting",
        "work_item",
        "unit",
        "residential_compound",
        "staff_profile",
        "schedule_rule",
        "work_calendar",
        "org_unit",
    ],
)
def test_every_register_exports_for_admin(db, clients, key):
    reg = registry.get(key)
    data = rows(clients("admin").get(f"/{key}/export_xlsx/"))
    assert data[0][-2:] == ["版本号", "编号"]
    assert len(data[0]) == len(reg.list_columns) + 2


def test_export_scope_sq1_against_sq2(db, clients):
    mine = f.meeting("荷花社区", "范围导出测试荷花", chair="sq1")
    theirs = f.meeting("新村社区", "范围导出测试新村", chair="sq2")
    ids1 = {r[-1] for r in rows(clients("sq1").get("/meeting/export_xlsx/?_flt_2_title=范围导出测试"))[1:]}
    ids2 = {r[-1] for r in rows(clients("sq2").get("/meeting/export_xlsx/?_flt_2_title=范围导出测试"))[1:]}
    assert ids1 == {mine.id} and ids2 == {theirs.id}


def test_dotted_and_method_list_columns(app, db):
    from app.core.spreadsheets import _attr

    m = f.meeting("荷花社区", "点路径列会议", chair="sq1")
    reg = registry.get("meeting")
    with app.test_request_context():
        assert _attr(reg, m, "org_unit.name", True) == "荷花社区"
        assert _attr(reg, m, "chair.nonexistent", True) is None
        assert _attr(reg, m, "__repr__", True) == "点路径列会议"
