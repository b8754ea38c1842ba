"""The help center works on a phone (390x844) and a laptop (1366x768); the workspace down to
1024 px wide; in English and in Chinese. Each page is screenshot under var/screenshots/layout-*."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

from deskline.accounts.models import SiteSettings
from deskline.e2e.tests.conftest import screenshot, sign_in, watch
from deskline.e2e.tests.layout import Scene, build_scene, measure

PHONE, LAPTOP, SMALL_LAPTOP = (390, 844), (1366, 768), (1024, 768)
LANGUAGES = {"en-US": "en", "zh-CN": "zh"}


@pytest.fixture
def scene(helpdesk) -> Scene:
    site = SiteSettings.current()
    site.allow_self_signup = True
    site.save()
    return build_scene(helpdesk)


def look_at(page: Page, url: str, name: str, must_show: tuple[str, ...] = ()) -> list[str]:
    """Open `url`, screenshot it, and say what is wrong with its layout ([] when nothing)."""
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    page.wait_for_load_state("networkidle")
    screenshot(page, name)
    found = measure(page)
    wrong = [f"{name}: {problem}" for problem in found.broken]
    if found.scrolls_sideways:
        wrong.append(f"{name}: {found.scroll_width} px wide in a {found.inner_width} px window")
    wrong += [f"{name}: shows no {selector}" for selector in must_show if not found.found[selector]]
    return wrong


@pytest.mark.parametrize("locale", LANGUAGES)
def test_the_help_center_fits_a_phone_and_a_laptop(open_page, scene: Scene, locale: str):
    helpdesk, language = scene.helpdesk, LANGUAGES[locale]
    visitor = open_page(locale=locale, viewport=PHONE)
    customer = open_page(locale=locale, viewport=PHONE, time_zone="Asia/Shanghai")
    problems = watch(visitor), watch(customer)
    sign_in(customer, helpdesk.alice)
    wrong: list[str] = []

    for width, height in (PHONE, LAPTOP):
        size = f"{language}-{width}"
        for page in (visitor, customer):
            page.set_viewport_size({"width": width, "height": height})
        wrong += look_at(visitor, "/accounts/login/", f"layout-hc-sign-in-{size}")
        wrong += look_at(visitor, "/accounts/signup/", f"layout-hc-sign-up-{size}")
        wrong += look_at(visitor, "/accounts/password-reset/", f"layout-hc-password-reset-{size}")
        wrong += look_at(customer, "/", f"layout-hc-home-{size}", (".topnav a",))
        wrong += look_at(customer, "/desks/IT/", f"layout-hc-desk-{size}", (".breadcrumbs a",))
        wrong += look_at(
            customer, f"/desks/IT/new/{helpdesk.laptop.pk}/", f"layout-hc-request-form-{size}"
        )
        wrong += look_at(
            customer,
            "/requests/",
            f"layout-hc-my-requests-{size}",
            ("table.list td:first-child a", "table.list td:not(.sla-due) time"),
        )
        wrong += look_at(
            customer,
            f"/requests/{scene.request.key}/",
            f"layout-hc-request-{size}",
            (".entry header time", ".details time", ".request-key"),
        )

    assert not wrong, "\n".join(wrong)
    assert [problem.violations for problem in problems] == [[], []]
    assert [problem.failed_requests for problem in problems] == [[], []]


@pytest.mark.parametrize("locale", LANGUAGES)
def test_the_workspace_fits_a_laptop_down_to_1024_pixels(open_page, scene: Scene, locale: str):
    helpdesk, language = scene.helpdesk, LANGUAGES[locale]
    agent = open_page(locale=locale, viewport=LAPTOP, time_zone="Asia/Shanghai")
    problems = watch(agent)
    sign_in(agent, helpdesk.li)
    preview = f"/agent/sla/preview/?desk=IT&request_type={helpdesk.password_reset.pk}&priority=high"
    wrong: list[str] = []

    for width, height in (LAPTOP, SMALL_LAPTOP):
        size = f"{language}-{width}"
        agent.set_viewport_size({"width": width, "height": height})
        wrong += look_at(
            agent,
            "/agent/queues/desk-it/",
            f"layout-ws-queue-{size}",
            ("table.queue-list td:nth-child(2) a", "table.list td:not(.sla-due) time"),
        )
        wrong += look_at(
            agent,
            f"/agent/tickets/{scene.request.key}/",
            f"layout-ws-ticket-{size}",
            (".ticket-key", ".entry header time", ".details time", ".event time"),
        )
        wrong += look_at(
            agent,
            "/agent/notifications/",
            f"layout-ws-notifications-{size}",
            (".notification time",),
        )
        wrong += look_at(agent, preview, f"layout-ws-sla-preview-{size}")

    assert not wrong, "\n".join(wrong)
    assert problems.violations == []
    assert problems.failed_requests == []
