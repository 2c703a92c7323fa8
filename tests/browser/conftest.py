"""A real Chromium (Debian's package) driven by Playwright against the app served on loopback."""

import os
import shutil
import threading
from zoneinfo import ZoneInfo

import pytest
from werkzeug.serving import make_server

from config import TestConfig

TIMEZONE = TestConfig.TIMEZONE


def _chromium():
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        if os.environ.get("JIEDAO_REQUIRE_BROWSER"):
            pytest.fail("chromium is not installed (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium); browser tests skipped")
    return path


@pytest.fixture(scope="session")
def live_server(app):
    app.config["SERVER_NAME"] = None
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    path = _chromium()
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=path,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield b
        b.close()


def new_context(browser, **options):
    """A browser context on the app's clock: its pages' scripts (countdowns) start at the server's
    now() in the office's time zone, and time then flows."""
    from app.core import clock

    ctx = browser.new_context(timezone_id=TIMEZONE, **options)
    ctx.clock.install(time=clock.now().replace(tzinfo=ZoneInfo(TIMEZONE)))
    return ctx


@pytest.fixture()
def login(browser, live_server):
    pages = []

    def _login(username, password="Demo@2026"):
        page = new_context(browser, viewport={"width": 1280, "height": 900}).new_page()
        page.goto(f"{live_server}/login/")
        page.fill("#username", username)
        page.fill("#password", password)
        page.click("input[type=submit], button[type=submit]")
        page.wait_for_load_state()
        pages.append(page)
        return page

    yield _login
    for p in pages:
        p.context.close()


PHONE = {"width": 390, "height": 844}  # iPhone 12
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture()
def person(browser, live_server):
    """person(username, phone=False) → a Person logged in through the login form in its own context."""
    from .person import Person

    contexts = []

    def _person(username, phone=False, password="Demo@2026"):
        if phone:
            ctx = new_context(
                browser,
                viewport=PHONE,
                is_mobile=True,
                has_touch=True,
                device_scale_factor=2,
                accept_downloads=True,
                locale="zh-CN",
            )
        else:
            ctx = new_context(browser, viewport=DESKTOP, accept_downloads=True, locale="zh-CN")
        contexts.append(ctx)
        page = ctx.new_page()
        page.set_default_timeout(15000)
        page.goto(f"{live_server}/login/")
        page.fill("#username", username)
        page.fill("#password", password)
        with page.expect_navigation():
            page.click("input[type=submit], button[type=submit]")
        assert "/login" not in page.url, f"login of {username} failed"
        return Person(page, live_server, username).seen()

    yield _person
    for c in contexts:
        c.close()
