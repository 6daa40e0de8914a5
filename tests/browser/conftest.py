"""Browser fixtures: Playwright (sync API) driving Debian's chromium against pytest-django's live server.

Never ``playwright install``: the browser is ``/usr/bin/chromium`` (``apt-get install chromium fonts-noto-cjk``).
When a test fails, every page it opened is saved as a screenshot under ``test-results/``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from safecity.core.factories import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
REPO_ROOT = Path(__file__).resolve().parents[2]
RESULTS_DIR = REPO_ROOT / "test-results"
DESKTOP = {"width": 1366, "height": 800}
PHONE = {"width": 390, "height": 844}
TIMEOUT_MS = 15_000


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep each phase's report on the test item, so fixtures can tell at teardown whether the test failed."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium and fonts-noto-cjk (apt-get install ...)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server, request) -> Iterator[Callable]:
    """``new_page(viewport=...)``: a page in a fresh browser context (own cookies) aimed at the live server.

    The browser asks for Chinese, like the platform's users do. On failure, every page is screenshotted.
    """
    contexts = []

    def make(viewport: dict | None = None, locale: str = "zh-CN"):
        context = browser.new_context(base_url=live_server.url, viewport=viewport or DESKTOP, locale=locale)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make

    failed = any(
        getattr(request.node, f"report_{when}", None) is not None and getattr(request.node, f"report_{when}").failed
        for when in ("setup", "call")
    )
    for index, context in enumerate(contexts):
        if failed:
            RESULTS_DIR.mkdir(parents=True, exist_ok=True)
            name = re.sub(r"[^\w.-]+", "_", request.node.name)
            for number, page in enumerate(context.pages):
                target = RESULTS_DIR / f"{name}-{index}-{number}.png"
                try:
                    page.screenshot(path=str(target), full_page=True)
                    print(f"screenshot of {page.url} saved to {target}")
                except Exception as exc:  # a crashed page must not hide the test's own failure
                    print(f"could not screenshot {page.url}: {exc}")
        context.close()


@pytest.fixture
def page(new_page):
    """A desktop-sized page (1366×800)."""
    return new_page()


@pytest.fixture
def log_in(live_server) -> Callable:
    """``log_in(page, username)``: log in through the login page, as a person would, and land on the home page."""
    from playwright.sync_api import expect

    def log_in(page, username: str, password: str = PASSWORD) -> None:
        page.goto("/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.locator("form:has(#id_password) [type=submit]").click()
        expect(page).to_have_url(f"{live_server.url}/")
        expect(page.locator("[data-testid=user-menu]")).to_be_attached()

    return log_in
