"""The Content-Security-Policy does not break FAB's or our scripts: no CSP violation in the console
on the pages with scripts, and the scripts run (select2 drop-downs, the dashboard's charts, jQuery)."""

import pytest

pytestmark = pytest.mark.browser

PAGES = (
    "/meeting/list/",
    "/meeting/add",
    "/dashboard/",
    "/calendar/month/",
    "/escalation/",
    "/account/security/",
    "/users/list/",
    "/swagger/v1",
)


def test_pages_run_their_scripts_under_the_csp(login, live_server):
    page = login("admin")
    violations = []
    page.on(
        "console",
        lambda msg: (
            violations.append(msg.text) if "Content Security Policy" in msg.text or "Refused to" in msg.text else None
        ),
    )
    for url in PAGES:
        page.goto(f"{live_server}{url}")
        page.wait_for_load_state()
        assert page.evaluate("typeof window.jQuery") == "function", url
    assert not violations, violations
    page.goto(f"{live_server}/meeting/add")
    assert page.locator(".select2-container").count() > 0  # FAB's select2 ran
    page.goto(f"{live_server}/dashboard/")
    page.wait_for_timeout(300)
    assert page.locator("#dashboard-nav").count() == 1
    assert page.locator("canvas, svg").count() > 0  # ECharts drew (inline script with the nonce)
