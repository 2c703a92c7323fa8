"""What a person does and sees in the browser, and the checks every visited page must pass.

`Person` wraps a Playwright page: it clicks menus, buttons and form fields the way a person does, and
after every navigation `seen()` checks the page as that person sees it — no untranslated msgid or
English word in the visible text, a title, axe-core's basic accessibility rules — and, for form pages,
no horizontal scroll of the page itself. Each failure names the page it was found on.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

AXE = Path(__file__).with_name("vendor") / "axe.min.js"
AXE_RULES = [
    "label",
    "document-title",
    "button-name",
    "link-name",
    "html-has-lang",
    "select-name",
    "input-button-name",
    "aria-input-field-name",
]

# msgid keys of our catalogs (fld_meeting__title, grp_G3, reg_meeting …) shown as they are
MSGID_KEY = re.compile(r"\b(?:fld|lbl|grp|reg|mod|act|msg|btn|enum|help|page|menu)_[A-Za-z0-9_]+")
# FAB's and our own English words a Chinese page must not show (whole words)
ENGLISH_WORDS = (
    "Search",
    "Add",
    "Edit",
    "Delete",
    "List",
    "Actions",
    "Action",
    "Record",
    "Records",
    "No records found",
    "Show",
    "Save",
    "Back",
    "Filter",
    "Filters",
    "Refresh",
    "Select",
    "Submit",
    "Cancel",
    "Logout",
    "Login",
    "Home",
    "Previous",
    "Next",
    "Export",
    "Import",
    "Upload",
    "Remove",
    "Total",
    "Loading",
    "Details",
    "Dashboard",
    "Close",
    "Confirm",
    "Error",
    "Warning",
    "Yes",
    "No",
    "Page",
    "Remarks",
    "Status",
    "Name",
    "Date",
    "Year",
    "Month",
    "Week",
    "Today",
    "Overdue",
    "Due",
    "Open",
    "Planned",
    "Approve",
    "Reject",
    "Declare",
    "Round",
    "Complete",
    "Clear",
    "Starts with",
    "Ends with",
    "Contains",
    "Equal to",
    "Not Equal to",
    "Greater than",
    "Smaller than",
    "Relation",
    "Choose",
    "Download",
    "Calendar",
    "Meeting",
    "Task",
    "Users",
    "User info",
    "Reset Password",
    "Language",
    "Security",
    "None",
    "True",
    "False",
)
ENGLISH = re.compile(r"(?<![A-Za-z])(?:" + "|".join(re.escape(w) for w in ENGLISH_WORDS) + r")(?![A-Za-z])")
# three or more English words in a row: an untranslated sentence
SENTENCE = re.compile(r"\b[A-Za-z]{2,}(?:[ ,'’-]+[A-Za-z]{2,}){2,}")
# names that are English on purpose (the language menu, file formats, brands)
ALLOWED = re.compile(r"English|Excel|xlsx|ICS|iCalendar|ECharts|PDF|URL|API|KB|MB|ID")


# text a person reads or hears besides the page's own: tooltips, placeholders, names of icon buttons
ATTRIBUTE_TEXTS = """() => [...document.querySelectorAll('[title], [placeholder], [aria-label], img[alt]')]
    .flatMap(e => ['title', 'placeholder', 'aria-label', 'alt'].map(a => e.getAttribute(a)).filter(Boolean))"""


def screenshot_dir() -> Path:
    folder = Path(
        os.environ.get("JIEDAO_SCREENSHOTS") or Path(__file__).resolve().parents[2] / "instance" / "screenshots"
    )
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def foreign_text(text: str) -> list[str]:
    """Untranslated msgids and English words in a page's visible text."""
    cleaned = ALLOWED.sub(" ", text)
    found = MSGID_KEY.findall(cleaned) + ENGLISH.findall(cleaned) + SENTENCE.findall(cleaned)
    return sorted(set(found))


class Person:
    def __init__(self, page, base_url: str, username: str):
        self.page = page
        self.base = base_url
        self.username = username
        self.visited: list[str] = []

    # ---- what the person sees -------------------------------------------------
    @property
    def width(self) -> int:
        return self.page.viewport_size["width"]

    def text(self) -> str:
        return self.page.inner_text("body")

    def seen(self, form: bool | None = None) -> Person:
        """Check the page now shown; `form` (default: the page has a model form) adds the scroll check."""
        page = self.page
        page.wait_for_load_state()
        where = f"{self.username} at {page.url} ({self.width}px)"
        self.visited.append(page.url)
        assert page.title().strip(), f"no page title: {where}"
        foreign = foreign_text(self.text() + "\n" + "\n".join(self.page.evaluate(ATTRIBUTE_TEXTS)))
        assert not foreign, f"untranslated or English text {foreign}: {where}"
        violations = self.axe()
        assert not violations, f"accessibility violations {violations}: {where}"
        if form is None:
            form = page.locator("form#model_form, form.form-horizontal").count() > 0
        if form:
            self.assert_no_horizontal_scroll()
        return self

    def axe(self) -> list[str]:
        page = self.page
        if not page.evaluate("typeof window.axe === 'object'"):
            # evaluate, not a <script> tag: a Content-Security-Policy does not stop it
            page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
        result = page.evaluate(
            """rules => axe.run(document, {runOnly: {type: 'rule', values: rules}, resultTypes: ['violations']})
                .then(r => r.violations.map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 5)
                .join(', ')))""",
            AXE_RULES,
        )
        return result

    def assert_no_horizontal_scroll(self) -> None:
        # against the viewport asked for: a phone browser widens its layout viewport to fit the content
        scroll = self.page.evaluate("() => document.documentElement.scrollWidth")
        assert scroll <= self.width, f"page scrolls sideways ({scroll}px > {self.width}px): {self.page.url}"
        # nor does a form's own box: every field is in view without scrolling sideways
        wide = self.page.evaluate("""() => [...document.querySelectorAll('#model_form .table-responsive')]
            .filter(b => b.scrollWidth > b.clientWidth + 1).map(b => b.scrollWidth + '>' + b.clientWidth)""")
        assert not wide, f"the form scrolls sideways inside its box ({wide}): {self.page.url}"

    def shoot(self, name: str) -> Path:
        path = screenshot_dir() / f"{name}-{self.width}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def flash(self) -> str:
        return " ".join(self.page.locator(".alert").all_inner_texts())

    # ---- what the person does -------------------------------------------------
    def goto(self, path: str) -> Person:
        """Only for the first page of a task, or an address the person was given (the .ics feed)."""
        self.page.goto(self.base + path)
        return self.seen()

    def menu(self, group: str, item: str) -> Person:
        page = self.page
        toggle = page.locator(".navbar-toggle")
        if toggle.is_visible():  # phone: the navbar is collapsed behind its button
            toggle.click()
            page.locator(".navbar-collapse.in").wait_for()
        page.locator(".navbar-nav > li.dropdown > a", has_text=group).first.click()
        link = page.locator(
            ".navbar-nav li.dropdown.open .dropdown-menu a", has_text=re.compile(rf"^\s*{re.escape(item)}\s*$")
        ).first
        with page.expect_navigation():
            link.click()
        return self.seen()

    def click(self, selector_or_text: str, **kw) -> Person:
        """Click a button or link that loads a page (by CSS selector, or by its visible text)."""
        page = self.page
        target = (
            page.locator(selector_or_text)
            if selector_or_text[:1] in "#.[" or "=" in selector_or_text
            else page.get_by_role("link", name=selector_or_text).or_(page.get_by_role("button", name=selector_or_text))
        )
        with page.expect_navigation():
            target.first.click(**kw)
        return self.seen()

    def add(self) -> Person:
        """The list page's add (+) button."""
        return self.click("a[href*='/add']:has(i.fa-plus)")

    def fill(self, field: str, value: str) -> Person:
        page = self.page
        box = page.locator(f"#{field}")
        if box.evaluate("e => !!e.closest('.appbuilder_date, .appbuilder_datetime')"):
            # the date picker reads keystrokes (a pasted value is dropped when it closes): type it, then close
            # the picker, which covers the fields below, as a person does
            box.fill("")
            box.press_sequentially(value)
            page.keyboard.press("Escape")
        else:
            box.fill(value)
        return self

    def choose(self, field: str, text: str) -> Person:
        """Pick `text` in a select2 drop-down as a person does: open it, type, click the option."""
        page = self.page
        container = page.locator(f"#{field} + .select2-container, #s2id_{field}").first
        container.click()
        search = page.locator(".select2-container--open .select2-search__field")
        if search.count() and search.first.is_visible():
            search.first.fill(text)
        options = page.locator(".select2-results__option")
        exact = options.filter(has_text=re.compile(rf"^\s*{re.escape(text)}\s*$"))
        (exact if exact.count() else options.filter(has_text=text)).first.click()
        return self

    def save(self) -> Person:
        page = self.page
        with page.expect_navigation():
            page.locator("form#model_form button[type=submit], form#model_form input[type=submit]").first.click()
        return self.seen()

    def step(self, label: str, opinion: str | None = None) -> Person:
        """A workflow button on the show page (FAB action), with the confirmation dialog if any."""
        page = self.page
        if opinion is not None:
            page.fill("#dj-opinion", opinion)
        page.once("dialog", lambda d: d.accept())
        button = page.locator("a, button", has_text=label).first
        with page.expect_navigation():
            button.click()
            confirm = page.locator("#modal-confirm .btn-primary, #modal-confirm-ok")
            if confirm.count() and confirm.first.is_visible():
                confirm.first.click()
        return self.seen()

    def field_error(self, field: str) -> str:
        """The validation message shown next to a form field (FAB puts it in the field's row)."""
        row = self.page.locator(f"#{field}").locator("xpath=ancestor::tr[1]")
        return " ".join(row.locator(".text-danger, .help-block, .alert-danger, span.label-danger").all_inner_texts())

    def search(self, column_label: str, value: str) -> Person:
        """The list's search panel: add a filter on a column, type the value, search."""
        page = self.page
        form = page.locator("#filter_form")
        if not form.is_visible():
            page.get_by_text("搜索", exact=True).first.click()
        form.locator(".dropdown-toggle").first.click()
        form.locator("a.filter", has_text=column_label).first.click()
        form.locator(".filter_val").last.fill(value)
        with page.expect_navigation():
            form.locator("button[type=submit]").first.click()
        return self.seen()

    def list_rows(self) -> list[str]:
        return self.page.locator("table.table-hover tbody tr, .table-responsive table tbody tr").all_inner_texts()
