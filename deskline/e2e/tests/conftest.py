"""Browser tests: Debian's Chromium driven headless through Playwright, against a live server.

Playwright's sync API runs an event loop in the test thread, and Django refuses database access
from a thread with a running loop unless told that this is deliberate; the tests only touch the
database between browser steps, never concurrently with the page.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Response,
    sync_playwright,
)

from deskline.accounts.models import User
from deskline.testing.factories import DEFAULT_PASSWORD
from deskline.testing.scenario import Helpdesk, build_helpdesk

CHROMIUM = os.environ.get("DESKLINE_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(settings.VAR_DIR) / "screenshots"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium is missing at {CHROMIUM}: run `make browser` (apt-get install chromium)"
        )
    # Django checks this on every database call, so setting it here is enough.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
        )
        yield launched
        launched.close()


@pytest.fixture
def helpdesk(transactional_db: None) -> Helpdesk:
    return build_helpdesk()


@pytest.fixture
def open_page(browser: Browser, live_server: object) -> Iterator[Callable[..., Page]]:
    """Open a fresh browser context (own cookies) in `locale`; returns its page."""
    contexts: list[BrowserContext] = []

    def open_(
        locale: str = "en-US", time_zone: str = "UTC", viewport: tuple[int, int] = (1280, 860)
    ) -> Page:
        context = browser.new_context(
            base_url=str(live_server),
            locale=locale,
            timezone_id=time_zone,
            viewport={"width": viewport[0], "height": viewport[1]},
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()


def sign_in(page: Page, user: User) -> None:
    """Sign in through the sign-in page, as the person would."""
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill(user.email)
    page.locator("input[name=password]").fill(DEFAULT_PASSWORD)
    page.locator("form [type=submit]").first.click()
    page.wait_for_load_state()


def screenshot(page: Page, name: str) -> Path:
    """Write a full-page screenshot under var/screenshots/ for a reviewer to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    # From the top, so that the sticky top bar sits where a person sees it.
    page.evaluate("window.scrollTo(0, 0)")
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# Reports every Content-Security-Policy violation of a page to its console, where Python reads it.
_REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (event) {
  console.error("CSP violation: " + event.violatedDirective
    + " blocked " + (event.blockedURI || "inline")
    + " at " + event.sourceFile + ":" + event.lineNumber + " (" + (event.sample || "") + ")");
});
"""


@dataclass
class Problems:
    """What went wrong while a person clicked through: CSP violations and failed requests."""

    violations: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)


def watch(page: Page) -> Problems:
    """Collect `page`'s CSP violations (from this point on) and its requests answered 4xx/5xx."""
    problems = Problems()

    def on_console(message: ConsoleMessage) -> None:
        if message.text.startswith("CSP violation") or "Content Security Policy" in message.text:
            problems.violations.append(f"{page.url}: {message.text}")

    def on_response(response: Response) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            problems.failed_requests.append(f"{response.status} {response.url}")

    page.context.add_init_script(_REPORT_VIOLATIONS)
    page.on("console", on_console)
    page.on("response", on_response)
    return problems
