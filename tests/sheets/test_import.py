"""Import: template, round trip, preview before write, all-or-nothing, every bad-file case."""

import datetime as dt
import io
import json

import openpyxl
import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from app.common.models import AuditLog, Meeting, WorkItem
from app.core import registry
from app.org.models import OrgUnit

from .. import factories as f
from .helpers import book, confirm, page, token_of, upload, xlsx_bytes


def _zh(app, fn):
    with app.test_request_context(), force_locale("zh"):
        return fn()


def _form_labels(app, key):
    from app.core import imports

    return _zh(app, lambda: [fl.label for fl in imports.fields(registry.get(key))])


def _export_file(client, url) -> openpyxl.Workbook:
    return book(client.get(url))


def _save(wb) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _count(model, *where):
    from app.extensions import db

    return db.session.execute(sa.select(sa.func.count()).select_from(model).where(*where)).scalar()


# --- template ---------------------------------------------------------------------------


def test_template_has_form_headers_and_dropdowns(app, db, clients):
    r = clients("sq1").get("/meeting/import_template/")
    wb = book(r)
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[1]]
    assert headers == _form_labels(app, "meeting")
    validations = {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}
    lists = wb["_lists"]
    assert lists.sheet_state == "hidden"
    # org units offered: only those sq1 may write to
    col = headers.index(_zh(app, lambda: str(registry.get("meeting").label("org_unit"))))
    letter = openpyxl.utils.get_column_letter(col + 1)
    assert f"{letter}2" in validations and validations[f"{letter}2"].type == "list"
    offered = {c.value for c in lists[letter] if c.value}
    writable = {
        o.name
        for o in db.session.execute(
            sa.select(OrgUnit).where(OrgUnit.id.in_(f.community_and_grids("荷花社区")))
        ).scalars()
    }
    assert offered == writable
    # enum drop-down: labels
    col = headers.index(_zh(app, lambda: str(registry.get("meeting").label("status"))))
    letter = openpyxl.utils.get_column_letter(col + 1)
    from app.common.enums import MeetingStatus

    assert {c.value for c in lists[letter] if c.value} == set(_zh(app, lambda: [m.label for m in MeetingStatus]))


def test_an_export_cannot_overwrite_a_change_made_after_it(app, db, clients):
    a = f.meeting("荷花社区", "版本测试会议", chair="sq1")
    c = clients("sq1")
    wb = _export_file(c, "/meeting/export_xlsx/?_flt_2_title=版本测试会议")
    ws = wb.worksheets[0]
    header = [cell.value for cell in ws[1]]
    assert "版本号" in header, header
    ws.cell(2, header.index("会议名称") + 1).value = "版本测试会议（旧表改）"
    # someone else edits the meeting after the export
    a.title = "版本测试会议（新）"
    db.session.commit()
    preview = upload(c, "meeting", _save(wb))
    text = page(preview)
    assert 'id="import-errors"' in text and "导出后已被修改" in text
    assert token_of(preview) is None or 'id="import-updates"' not in text
    db.session.expire_all()
    assert db.session.get(Meeting, a.id).title == "版本测试会议（新）"


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
def test_template_for_every_register(app, clients, key):
    ws = book(clients("admin").get(f"/{key}/import_template/")).worksheets[0]
    assert [c.value for c in ws[1]] == _form_labels(app, key)


def test_import_needs_write_right(db, clients):
    assert clients("audit").get("/meeting/import_template/").status_code in (302, 403)
    assert clients("audit").get("/meeting/import_xlsx/").status_code in (302, 403)
    assert clients("sq1").get("/audit_log/import_xlsx/").status_code in (302, 403, 404)
    assert "import-xlsx" not in page(clients("audit").get("/meeting/list/"))
    assert "import-xlsx" in page(clients("sq1").get("/meeting/list/"))


# --- round trip -------------------------------------------------------------------------


def test_round_trip_export_edit_import_updates_the_right_rows(app, db, clients):
    a = f.meeting("荷花社区", "往返测试会议甲", chair="sq1")
    b = f.meeting("荷花社区第1网格", "往返测试会议乙", chair="sq1")
    c = clients("sq1")
    wb = _export_file(c, "/meeting/export_xlsx/?_flt_2_title=往返测试会议")
    ws = wb.worksheets[0]
    data = [list(r) for r in ws.iter_rows(values_only=True)]
    title_col = data[0].index("会议名称") + 1
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, title_col).value == "往返测试会议甲":
            ws.cell(r, title_col).value = "往返测试会议甲（改）"
    before_audit = _count(AuditLog, AuditLog.action == "import")
    preview = upload(c, "meeting", _save(wb))
    text = page(preview)
    assert preview.status_code == 200
    assert 'id="import-errors"' not in text, text[text.find("import-errors") :][:2000]
    assert "往返测试会议甲（改）" in text and 'id="import-updates"' in text
    db.session.expire_all()
    assert db.session.get(Meeting, a.id).title == "往返测试会议甲"  # nothing written before confirm
    token = token_of(preview)
    done = confirm(c, "meeting", token)
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Meeting, a.id).title == "往返测试会议甲（改）"
    assert db.session.get(Meeting, a.id).version == 2
    assert db.session.get(Meeting, b.id).title == "往返测试会议乙" and db.session.get(Meeting, b.id).version == 1
    assert _count(AuditLog, AuditLog.action == "import") == before_audit + 1
    log = (
        db.session.execute(sa.select(AuditLog).where(AuditLog.action == "import").order_by(AuditLog.id.desc()))
        .scalars()
        .first()
    )
    assert json.loads(log.diff)["updated"] == [a.id] and log.register_key == "meeting"
    assert (
        _count(AuditLog, AuditLog.action == "update", AuditLog.row_id == a.id, AuditLog.register_key == "meeting") >= 1
    )
    # the token is single-use
    again = confirm(c, "meeting", token)
    assert 'id="import-refused"' in page(again)


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
def test_unchanged_export_imports_back_without_changes(db, clients, key):
    # the whole table goes through the rules again: judge it after every test's rows (some are
    # created under frozen clocks, e.g. meetings held in 2027) so "now" does not vary with test order
    from app.core import clock

    clock.freeze(dt.datetime(2030, 1, 1))
    try:
        _round_trip(clients("admin"), key)
    finally:
        clock.reset()


def _round_trip(c, key):
    content = c.get(f"/{key}/export_xlsx/").data
    preview = upload(c, key, content)
    text = page(preview)
    assert 'id="import-errors"' not in text and 'id="import-refused"' not in text, text[text.find("<table") :][:3000]
    assert 'id="import-updates"' not in text and 'id="import-creates"' not in text


def test_template_filled_in_creates_rows(app, db, clients):
    c = clients("sq1")
    wb = book(c.get("/work_item/import_template/"))
    ws = wb.worksheets[0]
    headers = [h.value for h in ws[1]]
    reg = registry.get("work_item")
    lbl = lambda col: _zh(app, lambda: str(reg.label(col)))  # noqa: E731
    values = {
        lbl("module"): "党建",
        lbl("kind"): None,
        lbl("title"): "模板导入任务",
        lbl("org_unit"): "荷花社区第1网格",
        lbl("deadline"): dt.date(2026, 12, 20),
        lbl("status"): "todo",
        lbl("responsible_person"): "sq1",
    }
    from app.common.enums import WorkItemKind

    values[lbl("kind")] = _zh(app, lambda: list(WorkItemKind)[0].label)
    values[lbl("module")] = _zh(
        app, lambda: str(__import__("app.org.enums", fromlist=["Module"]).Module.dangjian.label)
    )
    for i, h in enumerate(headers, start=1):
        if h in values:
            ws.cell(2, i).value = values[h]
    preview = upload(c, "work_item", _save(wb))
    text = page(preview)
    assert 'id="import-creates"' in text, text[text.find("alert") :][:1500] + text[text.find("import-errors") :][:1500]
    assert confirm(c, "work_item", token_of(preview)).status_code == 302
    db.session.expire_all()
    row = db.session.execute(sa.select(WorkItem).where(WorkItem.title == "模板导入任务")).scalar_one()
    assert row.org_unit.name == "荷花社区第1网格" and row.deadline == dt.date(2026, 12, 20)
    assert row.responsible_person.username == "sq1"


# --- row errors: preview lists them with row and column; nothing is written ------------


def _meeting_sheet(app, rows_):
    reg = registry.get("meeting")
    cols = ["module", "meeting_type", "title", "org_unit", "status", "planned_start", "chair"]
    header = _zh(app, lambda: [str(reg.label(c)) for c in cols])
    return header, [header, *rows_]


def _zh_enum(app, member):
    return _zh(app, lambda: member.label)


def test_row_errors_are_listed_and_nothing_is_written(app, db, clients):
    from app.common.enums import MeetingStatus, MeetingType
    from app.org.enums import Module

    ok = [
        _zh_enum(app, Module.dangjian),
        _zh_enum(app, MeetingType.team_weekly),
        "错误测试好行",
        "荷花社区",
        _zh_enum(app, MeetingStatus.planned),
        dt.datetime(2026, 12, 3, 9, 0),
        "sq1",
    ]
    bad_enum = list(ok)
    bad_enum[1] = "不存在的会议类型"
    bad_enum[2] = "错误测试枚举"
    bad_scope = list(ok)
    bad_scope[3] = "新村社区"
    bad_scope[2] = "错误测试范围"
    bad_date = list(ok)
    bad_date[5] = "2026-12-03 09:00"
    bad_date[2] = "错误测试日期"
    bad_user = list(ok)
    bad_user[6] = "没有这个人"
    bad_user[2] = "错误测试人员"
    missing = list(ok)
    missing[2] = None
    by_key = list(ok)
    by_key[0] = "dangjian"
    by_key[4] = "planned"
    by_key[2] = "错误测试按键"
    header, data = _meeting_sheet(app, [ok, bad_enum, bad_scope, bad_date, bad_user, missing, by_key])
    before = _count(Meeting)
    r = upload(clients("sq1"), "meeting", xlsx_bytes(data))
    text = page(r)
    assert 'id="import-errors"' in text
    errors = text[text.index('id="import-errors"') : text.index("</table>", text.index('id="import-errors"'))]
    cells = [
        [c.strip() for c in row.split("</td><td>")]
        for row in [x.split("<td>", 1)[1].rsplit("</td>", 1)[0] for x in errors.split('<tr class="danger">')[1:]]
    ]
    by_row = {(int(rw[0]), rw[1]) for rw in cells}
    assert (3, header[1]) in by_row  # enum
    assert (4, header[3]) in by_row  # org unit outside the writable scope
    assert (5, header[5]) in by_row  # date typed as text
    assert (6, header[6]) in by_row  # unknown user
    assert (7, header[2]) in by_row  # required
    assert not any(rw[0] in ("2", "8") for rw in cells)  # the good rows, labels and keys alike
    assert "文本" in errors  # the date-as-text message says so
    assert token_of(r) is None
    assert _count(Meeting) == before


def test_register_rules_run_on_each_row(app, db, clients):
    from app.common.enums import MeetingStatus, MeetingType
    from app.org.enums import Module

    reg = registry.get("meeting")
    cols = ["module", "meeting_type", "title", "org_unit", "status", "planned_start", "end_time", "chair"]
    header = _zh(app, lambda: [str(reg.label(c)) for c in cols])
    row = [
        _zh_enum(app, Module.dangjian),
        _zh_enum(app, MeetingType.team_weekly),
        "规则测试会议",
        "荷花社区",
        _zh_enum(app, MeetingStatus.planned),
        dt.datetime(2026, 12, 3, 9, 0),
        dt.datetime(2026, 12, 3, 8, 0),
        "sq1",
    ]
    text = page(upload(clients("sq1"), "meeting", xlsx_bytes([header, row])))
    assert 'id="import-errors"' in text
    assert "结束时间不能早于开始时间" in text


def test_unique_conflict_is_shown_in_the_preview(app, db, clients):
    reg = registry.get("work_calendar")
    header = _zh(app, lambda: [str(reg.label(c)) for c in ("day", "is_working_day", "name", "org_unit")])
    data = [
        header,
        [dt.date(2031, 5, 1), "否", "冲突预览一", "荷花街道"],
        [dt.date(2031, 5, 1), "否", "冲突预览二", "荷花街道"],
    ]
    before = _count(AuditLog)
    r = upload(clients("admin"), "work_calendar", xlsx_bytes(data))
    assert 'id="import-errors"' in page(r) and "冲突" in page(r) and token_of(r) is None
    assert _count(AuditLog) == before


def test_all_or_nothing_when_the_database_refuses_at_confirmation(app, db, clients):
    """The preview passes; before confirmation someone takes one row's unique day: nothing stays."""
    from app.common.models import WorkCalendar

    reg = registry.get("work_calendar")
    header = _zh(app, lambda: [str(reg.label(c)) for c in ("day", "is_working_day", "name", "org_unit")])
    data = [
        header,
        [dt.date(2031, 6, 1), "否", "全有或全无一", "荷花街道"],
        [dt.date(2031, 6, 2), "否", "全有或全无二", "荷花街道"],
    ]
    c = clients("admin")
    r = upload(c, "work_calendar", xlsx_bytes(data))
    token = token_of(r)
    assert token, page(r)[:3000]
    db.session.add(WorkCalendar(day=dt.date(2031, 6, 2), is_working_day=False, name="抢先", org_unit=f.org("荷花街道")))
    db.session.commit()
    before = _count(AuditLog)
    done = confirm(c, "work_calendar", token)
    assert done.status_code == 200 and "冲突" in page(done)
    assert _count(WorkCalendar, WorkCalendar.name.like("全有或全无%")) == 0
    assert _count(AuditLog) == before


def test_token_is_bound_to_the_user(app, db, clients):
    a = f.meeting("荷花社区", "令牌测试会议", chair="sq1")
    c = clients("sq1")
    wb = _export_file(c, "/meeting/export_xlsx/?_flt_2_title=令牌测试会议")
    ws = wb.worksheets[0]
    ws.cell(2, 2).value = "令牌测试会议（改）"
    token = token_of(upload(c, "meeting", _save(wb)))
    assert token
    r = confirm(clients("leader"), "meeting", token)
    assert 'id="import-refused"' in page(r)
    db.session.expire_all()
    assert db.session.get(Meeting, a.id).title == "令牌测试会议"


def test_natural_key_updates_without_id(app, db, clients, monkeypatch):
    from app.common.models import WorkCalendar

    reg = registry.get("work_calendar")
    monkeypatch.setitem(reg.extra, "natural_key", ("day",))
    header = _zh(app, lambda: [str(reg.label(c)) for c in ("day", "is_working_day", "name", "org_unit")])
    c = clients("admin")
    t = token_of(upload(c, "work_calendar", xlsx_bytes([header, [dt.date(2032, 1, 1), "否", "自然键一", "荷花街道"]])))
    confirm(c, "work_calendar", t)
    r = upload(c, "work_calendar", xlsx_bytes([header, [dt.date(2032, 1, 1), "否", "自然键二", "荷花街道"]]))
    assert 'id="import-updates"' in page(r)
    confirm(c, "work_calendar", token_of(r))
    db.session.expire_all()
    assert [
        w.name
        for w in db.session.execute(sa.select(WorkCalendar).where(WorkCalendar.day == dt.date(2032, 1, 1))).scalars()
    ] == ["自然键二"]


def test_update_of_row_outside_scope_is_refused(app, db, clients):
    theirs = f.meeting("新村社区", "范围外导入会议", chair="sq2")
    reg = registry.get("meeting")
    header = _zh(app, lambda: [str(reg.label("id")), str(reg.label("title"))])
    text = page(upload(clients("sq1"), "meeting", xlsx_bytes([header, [theirs.id, "被篡改"]])))
    assert 'id="import-errors"' in text
    db.session.expire_all()
    assert db.session.get(Meeting, theirs.id).title == "范围外导入会议"


# --- bad files: a clear message, nothing changed ----------------------------------------


def _refusal(client, key, content, name="x.xlsx"):
    r = upload(client, key, content, name)
    text = page(r)
    assert r.status_code == 200
    assert 'id="import-refused"' in text, text[:2000]
    assert token_of(r) is None
    start = text.index('id="import-refused"')
    return text[start : text.index("</div>", start)]


def test_not_an_xlsx(db, clients):
    msg = _refusal(clients("sq1"), "meeting", b"name,title\n1,2\n", "x.csv")
    assert ".xlsx" in msg
    msg = _refusal(clients("sq1"), "meeting", b"PK\x03\x04 broken zip", "x.xlsx")
    assert ".xlsx" in msg


def test_wrong_headers(db, clients):
    msg = _refusal(clients("sq1"), "meeting", xlsx_bytes([["会议名称", "胡乱的列"], ["x", "y"]]))
    assert "胡乱的列" in msg


def test_empty_file(db, clients):
    _refusal(clients("sq1"), "meeting", xlsx_bytes([]))
    msg = _refusal(clients("sq1"), "meeting", xlsx_bytes([["会议名称"]]))
    assert "空" in msg


def test_too_many_rows(app, db, clients):
    app.config["IMPORT_MAX_ROWS"] = 3
    try:
        msg = _refusal(clients("sq1"), "meeting", xlsx_bytes([["会议名称"]] + [[f"行{i}"] for i in range(4)]))
    finally:
        app.config.pop("IMPORT_MAX_ROWS")
    assert "3" in msg and "4" in msg


def test_formulas(db, clients):
    msg = _refusal(clients("sq1"), "meeting", xlsx_bytes([["会议名称"], ['=A1&"x"']]))
    assert "A2" in msg


def test_merged_cells(db, clients):
    content = xlsx_bytes([["会议名称", "地点"], ["合并", None]], mutate=lambda ws: ws.merge_cells("A2:B2"))
    msg = _refusal(clients("sq1"), "meeting", content)
    assert "A2:B2" in msg


def test_dates_typed_as_text_are_row_errors(app, db, clients):
    reg = registry.get("work_calendar")
    header = _zh(app, lambda: [str(reg.label(c)) for c in ("day", "is_working_day", "name", "org_unit")])
    text = page(
        upload(clients("admin"), "work_calendar", xlsx_bytes([header, ["2033-01-01", "否", "文本日期", "荷花街道"]]))
    )
    assert (
        'id="import-errors"' in text
        and "2033-01-01" in text
        and token_of(
            text
            and upload(
                clients("admin"), "work_calendar", xlsx_bytes([header, ["2033-01-01", "否", "文本日期", "荷花街道"]])
            )
        )
        is None
    )


def test_text_longer_than_the_column_is_a_row_error(app, db, clients):
    reg = registry.get("meeting")
    header = _zh(app, lambda: [str(reg.label("id")), str(reg.label("title"))])
    mine = f.meeting("荷花社区", "长度测试会议", chair="sq1")
    text = page(upload(clients("sq1"), "meeting", xlsx_bytes([header, [mine.id, "长" * 201]])))
    assert 'id="import-errors"' in text and "200" in text
