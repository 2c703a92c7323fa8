"""大协调 pages: the month's supervision board with suggested 督办单, the month-end 公示 (page and
xlsx), and the year-end table of typical cases (page and xlsx)."""

from __future__ import annotations

import datetime as dt
import io

import xlsxwriter
from flask import abort, flash, redirect, request, send_file, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.core import clock, registry, workflow, writes
from app.core.pages import year_arg

from . import reports
from . import workflow as wf
from .models import SupervisionItem, SupervisionList

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SupervisionView(BaseView):
    route_base = "/xietiao_supervision"
    class_permission_name = "xietiao_supervision"
    # the confirm step checks its own right (approve on supervision_item) inside workflow.apply
    method_permission_name = {"index": "read", "confirm": "read", "publication": "read", "publication_xlsx": "read"}
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        month = reports.parse_month(request.args.get("month"))
        sl = reports.list_for_month(month)
        today = clock.today()
        lines = reports.item_lines(sl, today) if sl else []
        return self.render_template(
            "xietiao/supervision.html",
            title=_l("Monthly supervision"),
            month=month,
            sl=sl,
            lines=lines,
            suggested=reports.suggestions(sl, lines) if sl else [],
            orders=reports.month_orders(sl) if sl else [],
            months=reports.months_with_lists(),
            today=today,
            **_percent_labels(),
            prev_month=reports.rules.add_months(month, -1),
            next_month=reports.rules.add_months(month, 1),
        )

    @expose("/confirm/<int:list_id>", methods=["POST"])
    @has_access
    def confirm(self, list_id):
        """综合督考办 confirms suggested lagging items: one 督办单 each (the issue_order step)."""
        sl = reports.scoped(SupervisionList).filter(SupervisionList.id == list_id).one_or_none()
        if sl is None:
            abort(404)
        reg = registry.get("supervision_item")
        step = workflow.find(reg, "issue_order")
        ids = {int(i) for i in request.form.getlist("item_id") if i.isdigit()}
        done = 0
        for item_id in sorted(ids):
            item = (
                reports.scoped(SupervisionItem)
                .filter(SupervisionItem.id == item_id, SupervisionItem.supervision_list_id == sl.id)
                .one_or_none()
            )
            if item is None:
                continue
            try:
                workflow.apply(reg, item, step)
            except writes.WriteRefused as refusal:
                flash(f"{item.title}: {refusal.message}", "danger")
            else:
                done += 1
        if done:
            flash(_("%(n)s supervision orders issued.", n=done), "success")
        return redirect(url_for("SupervisionView.index", month=f"{sl.month:%Y-%m}"))

    def _published_list(self, list_id):
        sl = reports.scoped(SupervisionList).filter(SupervisionList.id == list_id).one_or_none()
        if sl is None:
            abort(404)
        return sl

    @expose("/publication/<int:list_id>")
    @has_access
    def publication(self, list_id):
        sl = self._published_list(list_id)
        lines = reports.item_lines(sl, (sl.published_at or clock.now()).date())
        return self.render_template(
            "xietiao/publication.html", title=_l("Month-end publication"), sl=sl, lines=lines, **_percent_labels()
        )

    @expose("/publication/<int:list_id>/xlsx")
    @has_access
    def publication_xlsx(self, list_id):
        sl = self._published_list(list_id)
        lines = reports.item_lines(sl, (sl.published_at or clock.now()).date())
        return _xlsx(f"{sl.title}.xlsx", lambda book: _publication_sheet(book, sl, lines))


def _percent_labels():
    # passed in, not translated in the template: Jinja's gettext %-formats its strings
    return {"pct_label": _("Progress (%)"), "expected_label": _("Expected (%)")}


def _xlsx(name, fill):
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True, "default_date_format": "yyyy-mm-dd"})
    fill(book)
    book.close()
    buf.seek(0)
    return send_file(buf, mimetype=XLSX, as_attachment=True, download_name=name)


def _formats(book):
    return {
        "title": book.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"}),
        "sub": book.add_format({"align": "center"}),
        "head": book.add_format(
            {
                "bold": True,
                "border": 1,
                "align": "center",
                "valign": "vcenter",
                "text_wrap": True,
                "bg_color": "#DDEBF7",
            }
        ),
        "cell": book.add_format({"border": 1, "valign": "top", "text_wrap": True}),
        "center": book.add_format({"border": 1, "valign": "top", "align": "center"}),
        "date": book.add_format({"border": 1, "valign": "top", "align": "center", "num_format": "yyyy-mm-dd"}),
        "note": book.add_format({"text_wrap": True, "valign": "top"}),
        "right": book.add_format({"align": "right"}),
    }


def _publication_sheet(book, sl, lines):
    """The layout an office posts: title, issue/publish dates, one bordered row per item, comments, signature."""
    f = _formats(book)
    sheet = book.add_worksheet(f"{sl.month:%Y-%m}")
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    head = [
        _("No."),
        str(registry.get("supervision_item").label("title")),
        _("Module"),
        str(registry.get("supervision_item").label("responsible_unit")),
        str(registry.get("supervision_item").label("responsible_person")),
        str(registry.get("supervision_item").label("deadline")),
        _("Progress (%)"),
        str(registry.get("supervision_item").label("progress")),
        str(registry.get("supervision_item").label("status")),
        str(registry.get("supervision_item").label("comment")),
    ]
    widths = [6, 30, 10, 16, 10, 12, 10, 40, 10, 30]
    for i, w in enumerate(widths):
        sheet.set_column(i, i, w)
    last = len(head) - 1
    sheet.merge_range(
        0,
        0,
        0,
        last,
        _(
            "%(year)s-%(month)s key-work supervision: progress published",
            year=sl.month.year,
            month=f"{sl.month.month:02d}",
        ),
        f["title"],
    )
    sheet.set_row(0, 30)
    stamp = sl.published_at.strftime("%Y-%m-%d") if sl.published_at else _("not yet published")
    published = _("Published: %(date)s", date=stamp)
    sheet.merge_range(1, 0, 1, last, f"{sl.title}　{published}", f["sub"])
    sheet.write_row(2, 0, head, f["head"])
    row = 3
    for n, ln in enumerate(lines, start=1):
        it = ln.item
        sheet.write(row, 0, n, f["center"])
        sheet.write(row, 1, it.title, f["cell"])
        sheet.write(row, 2, it.module.label, f["center"])
        sheet.write(row, 3, str(it.responsible_unit or ""), f["cell"])
        sheet.write(row, 4, str(it.responsible_person or ""), f["center"])
        sheet.write_datetime(row, 5, dt.datetime.combine(it.deadline, dt.time()), f["date"])
        sheet.write(row, 6, it.progress_percent or 0, f["center"])
        sheet.write(row, 7, it.progress or "", f["cell"])
        sheet.write(row, 8, it.status.label, f["center"])
        sheet.write(row, 9, it.comment or "", f["cell"])
        row += 1
    row += 1
    sheet.merge_range(
        row,
        0,
        row,
        last,
        f"{registry.get('supervision_list').label('review_comment')}：{sl.review_comment or ''}",
        f["note"],
    )
    sheet.set_row(row, 60)
    sheet.merge_range(row + 2, 0, row + 2, last, _("Comprehensive supervision office (综合督考办)"), f["right"])
    sheet.repeat_rows(2)


class TypicalSummaryView(BaseView):
    route_base = "/xietiao_typical"
    class_permission_name = "xietiao_typical"
    method_permission_name = {"index": "read", "xlsx": "read"}
    default_view = "index"

    @expose("/")
    @has_access
    def index(self):
        year = year_arg()
        cases, people, units = reports.year_summary(year)
        return self.render_template(
            "xietiao/typical_summary.html",
            title=_l("Ten rules: year-end table"),
            year=year,
            cases=cases,
            people=people,
            units=units,
            notice_kind=wf.notice_kind,
        )

    @expose("/xlsx")
    @has_access
    def xlsx(self):
        year = year_arg()
        cases, people, units = reports.year_summary(year)

        def fill(book):
            f = _formats(book)
            reg = registry.get("typical_case")
            for title, tallies in ((_("By cadre"), people), (_("By unit"), units)):
                sheet = book.add_worksheet(title)
                sheet.merge_range(
                    0, 0, 0, 3, _("%(year)s ten-rules typical cases: year-end table", year=year), f["title"]
                )
                sheet.write_row(1, 0, [title, _("Positive"), _("Negative"), _("Cases")], f["head"])
                sheet.set_column(0, 0, 20)
                sheet.set_column(3, 3, 60)
                for r, t in enumerate(tallies, start=2):
                    sheet.write(r, 0, t.name, f["cell"])
                    sheet.write(r, 1, t.positive, f["center"])
                    sheet.write(r, 2, t.negative, f["center"])
                    sheet.write(
                        r,
                        3,
                        "；".join(
                            f"{c.case_date:%m-%d} {c.polarity.label} {c.notice_no or ''}".strip() for c in t.cases
                        ),
                        f["cell"],
                    )
            sheet = book.add_worksheet(_("Cases"))
            cols = ("case_date", "period_label", "polarity", "cadre", "unit", "rules", "description", "notice_no")
            sheet.write_row(0, 0, [str(reg.label(c)) for c in cols], f["head"])
            sheet.set_column(0, len(cols) - 1, 16)
            for r, c in enumerate(cases, start=1):
                values = [
                    c.case_date.isoformat(),
                    c.period_label,
                    c.polarity.label,
                    str(c.cadre or ""),
                    str(c.unit or ""),
                    "、".join(str(x.number) for x in c.rules),
                    c.description,
                    c.notice_no or "",
                ]
                sheet.write_row(r, 0, values, f["cell"])

        return _xlsx(f"typical-cases-{year}.xlsx", fill)


def register_views(appbuilder) -> None:
    appbuilder.add_view(
        SupervisionView,
        "xietiao_supervision",
        label=_l("Monthly supervision"),
        icon="fa-calendar-check-o",
        category="xietiao",
        category_label=_l("module_xietiao"),
    )
    appbuilder.add_view(
        TypicalSummaryView,
        "xietiao_typical",
        label=_l("Ten rules: year-end table"),
        icon="fa-trophy",
        category="xietiao",
        category_label=_l("module_xietiao"),
    )
