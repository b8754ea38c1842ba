"""The pages load in a real browser with their scripts, in the browser's language."""

from __future__ import annotations

from deskline.e2e.tests.conftest import screenshot


def test_the_help_center_answers_in_the_browsers_language_with_htmx_loaded(open_page, helpdesk):
    page = open_page(locale="zh-CN")

    page.goto("/")

    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.evaluate("typeof window.htmx") == "object"
    screenshot(page, "help-center-home-anonymous")


def test_an_english_browser_gets_english(open_page, helpdesk):
    page = open_page(locale="en-US")

    page.goto("/")

    assert page.locator("html").get_attribute("lang") == "en"
