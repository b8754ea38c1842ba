"""A notification's HTML as a mail program on a phone shows it (390 px), in English and in
Chinese: readable, no sideways scrolling, and a summary written as markup runs nothing.
Screenshots under var/screenshots/email-*."""

from __future__ import annotations

import pytest
from django.core import mail
from playwright.sync_api import Browser, ViewportSize

from deskline.e2e.tests.conftest import screenshot
from deskline.testing.factories import make_ticket
from deskline.testing.scenario import Helpdesk
from deskline.tickets.actions import ticket_comment

PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_notification_reads_well_on_a_phone(browser: Browser, helpdesk: Helpdesk, language):
    helpdesk.alice.locale = language
    helpdesk.alice.save(update_fields=["locale"])
    hostile = '<script>window.ran = 1</script><img src=x onerror="window.ran = 2">'
    ticket = make_ticket(
        desk=helpdesk.it,
        reporter=helpdesk.alice,
        request_type=helpdesk.password_reset,
        summary=f"VPN drops every few minutes on the office network {hostile}",
    )
    ticket_comment(
        actor=helpdesk.li,
        ticket=ticket,
        body="Please install the new client from the portal and restart.\n\n"
        "If it still drops, send us the log file from C:\\ProgramData\\VPN\\logs.",
    )
    reply = mail.outbox[-1]
    assert isinstance(reply, mail.EmailMultiAlternatives)
    html = str(reply.alternatives[0][0])

    context = browser.new_context(viewport=PHONE, java_script_enabled=True)
    try:
        page = context.new_page()
        page.set_content(html)
        screenshot(page, f"email-agent-reply-{language}")
        assert page.evaluate("window.ran === undefined")  # the markup stayed text
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        body = page.inner_text("body")
        assert "<script>window.ran = 1</script>" in body
        assert ("Reply in the help center" if language == "en" else "在帮助中心回复") in body
        assert "C:\\ProgramData\\VPN\\logs" in body
    finally:
        context.close()
