"""大党建 in a real browser: a 社区书记 declares a project, the three review rounds pass it, 党建办
allocates the year's fund and the secretary records an expenditure on the project."""

import datetime as dt

import pytest

from app.core import clock

pytestmark = pytest.mark.browser

TITLE = "浏览器申报的楼道微更新项目"


@pytest.fixture()
def january_2027():
    """Projects of a year are declared in its January (TR-06): the server's clock stands there."""
    clock.freeze(dt.datetime(2027, 1, 12, 10, 0))
    yield
    clock.reset()


def _open_project_from_board(person):
    person.menu("大党建", "党建项目看板")
    inbox = person.page.locator("#inbox + table")
    assert TITLE in inbox.inner_text(), f"{person.username} does not see the project waiting for them"
    with person.page.expect_navigation():
        inbox.locator("a", has_text=TITLE).first.click()
    return person.seen()


def test_project_declared_reviewed_and_funded(person, january_2027):
    sq1 = person("sq1")
    sq1.menu("大党建", "党建项目")
    assert "荷花社区" in sq1.text() and "新村社区" not in " ".join(sq1.list_rows())
    sq1.add()
    assert sq1.page.locator("label[for=title]").inner_text().startswith("项目名称")
    sq1.choose("org_unit", "荷花社区").fill("year", "2027").fill("title", TITLE).fill("goal", "楼道照明和扶手全部更新")
    sq1.fill("start_date", "2027-03-01").fill("end_date", "2027-11-30").fill("budget", "-100")
    sq1.save()
    assert "不能为负" in sq1.field_error("budget"), (
        sq1.flash(),
        sq1.page.locator("tr:has(.alert-danger) label").all_inner_texts(),
    )
    assert sq1.page.input_value("#title") == TITLE  # what was typed is kept
    sq1.fill("budget", "12000").save()
    assert "添加成功" in sq1.flash() or "已添加" in sq1.flash() or "成功" in sq1.flash(), sq1.flash()
    row = sq1.page.locator("tr", has_text=TITLE).first
    with sq1.page.expect_navigation():
        row.locator("a[href*='/show/']").first.click()
    sq1.seen()
    assert "草稿" in sq1.page.locator("tr", has_text="状态").first.inner_text()
    sq1.step("申报")
    sq1.page.goto(sq1.page.url)  # the step lands on the list or back on the show page: read it again
    sq1.seen()
    assert "已申报" in sq1.text()

    for login, button, state in (
        ("zzwy", "第一轮通过", "第一轮通过"),
        ("djb", "第二轮通过", "第二轮通过"),
        ("leader", "第三轮通过", "已确定"),
    ):
        reviewer = person(login)
        _open_project_from_board(reviewer)
        reviewer.step(button, opinion=f"{login}：同意")
        assert "成功" in reviewer.flash() or state in reviewer.text(), reviewer.flash()

    # 党建办 allocates 荷花社区's 2027 fund
    djb = person("djb")
    djb.menu("大党建", "党组织服务群众专项经费")
    djb.add()
    djb.choose("org_unit", "荷花社区").fill("year", "2027").fill("allocated_amount", "50000")
    djb.fill("allocated_on", "2027-01-10").save()
    assert "2027" in " ".join(djb.list_rows())

    # the secretary books an expenditure on the approved project; zero is refused next to the amount
    sq1.menu("大党建", "专项经费支出")
    sq1.add()
    sq1.choose("fund", "荷花社区 2027").fill("spent_on", "2027-01-12").fill("amount", "-5")
    sq1.choose("purpose", "党建项目").choose("party_project", TITLE).fill("description", "采购楼道扶手")
    sq1.save()
    assert "大于零" in sq1.field_error("amount"), (
        sq1.flash(),
        sq1.page.locator("tr:has(.alert-danger) label").all_inner_texts(),
    )
    sq1.fill("amount", "3200.50").save()
    rows = " ".join(sq1.list_rows())
    assert f"2027-01-12\t3200.50\t党建项目\t2027 {TITLE}" in rows, rows
    sq1.menu("大党建", "专项经费收支情况")
    assert "3,200.50" in sq1.text()
