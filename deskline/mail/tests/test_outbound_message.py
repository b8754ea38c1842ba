"""What an e-mail looks like on the wire: both languages, text and HTML alternatives, threading
headers, unsubscribe headers, and an HTML part in which whatever people wrote stays text."""

from __future__ import annotations

import datetime
import email
import email.policy
import re

import pytest
import time_machine
from django.core import mail

from deskline.mail import addresses
from deskline.mail.models import OutboundEmail
from deskline.testing.factories import make_ticket, make_user
from deskline.testing.scenario import Helpdesk, build_helpdesk
from deskline.tickets.actions import ticket_comment, ticket_transition

pytestmark = pytest.mark.django_db


@pytest.fixture
def helpdesk(settings) -> Helpdesk:
    settings.DESKLINE_BASE_URL = "https://help.example.com"
    settings.DEFAULT_FROM_EMAIL = "IT help <help@acme.example>"
    return build_helpdesk()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def wire(message: mail.EmailMessage) -> email.message.EmailMessage:
    """The message as a mail server receives it, parsed back."""
    raw = message.message().as_bytes()
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(parsed, email.message.EmailMessage)
    return parsed


def html_of(message: mail.EmailMessage) -> str:
    """The HTML alternative of an e-mail."""
    assert isinstance(message, mail.EmailMultiAlternatives)
    return str(message.alternatives[0][0])


def test_a_chinese_customer_reads_chinese_in_their_time_zone(helpdesk, committed):
    wang = make_user(
        email="wang@acme.example",
        display_name="王芳",
        locale="zh-hans",
        time_zone="Asia/Shanghai",
    )
    moment = datetime.datetime(2026, 3, 2, 1, 30, tzinfo=datetime.UTC)
    with committed(), time_machine.travel(moment, tick=False):
        ticket = make_ticket(
            desk=helpdesk.it, reporter=wang, request_type=helpdesk.password_reset, summary="VPN"
        )

    message = mail.outbox[0]
    assert message.subject == f"[{ticket.key}] 已收到您的请求：VPN"
    assert "王芳，您好：" in message.body
    assert f"我们已收到您的请求 {ticket.key}，会尽快回复您。" in message.body
    assert "2026-03-02 09:30 (Asia/Shanghai)" in message.body  # 01:30 UTC
    html = html_of(message)
    assert '<html lang="zh-hans">' in html
    assert "查看您的请求" in html


def test_an_english_customer_reads_english(helpdesk, committed):
    with committed():
        ticket = make_ticket(
            desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
        )
    message = mail.outbox[0]
    assert message.subject.startswith(f"[{ticket.key}] Request received: ")
    assert "Hello Alice," in message.body
    assert "您好" not in message.body


def test_each_email_is_text_and_html_with_threading_and_unsubscribe_headers(helpdesk, committed):
    with committed():
        ticket = make_ticket(
            desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
        )
        ticket_comment(actor=helpdesk.li, ticket=ticket, body="Please restart.")
        ticket_transition(actor=helpdesk.li, ticket=ticket, status="resolved")

    assert len(mail.outbox) == 3
    parsed = [wire(message) for message in mail.outbox]
    root = f"<deskline.{ticket.key.lower()}@acme.example>"
    ids = [message["Message-ID"] for message in parsed]
    assert len(set(ids)) == 3
    for message_id in ids:
        assert re.fullmatch(rf"<deskline\.{ticket.key.lower()}\.[0-9a-f]{{16}}@acme\.example>",
                            message_id)  # fmt: skip
    for message in parsed:
        assert message.get_content_type() == "multipart/alternative"
        assert [part.get_content_type() for part in message.iter_parts()] == [
            "text/plain",
            "text/html",
        ]
        assert root in message["References"].split()
        assert message["In-Reply-To"] == root
        assert message["Auto-Submitted"] == "auto-generated"
        assert message["From"] == "IT help <help@acme.example>"
        assert message["Reply-To"] == "IT help <help@acme.example>"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert re.fullmatch(
            r"<https://help\.example\.com/mail/unsubscribe/[^>]+/>",
            message["List-Unsubscribe"].strip(),  # folded onto its own line: a long value
        )
    # The rows keep the ids, without <>, for threading replies back (part "in").
    kept = OutboundEmail.objects.values_list("message_id", flat=True)
    assert sorted(f"<{message_id}>" for message_id in kept) == sorted(ids)


def test_the_thread_root_and_the_sender_come_from_one_place(helpdesk, settings):
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    assert addresses.desk_address(ticket) == "IT help <help@acme.example>"
    assert addresses.thread_root_id(ticket) == f"deskline.{ticket.key.lower()}@acme.example"
    settings.DEFAULT_FROM_EMAIL = "not an address"
    assert addresses.thread_root_id(ticket) == f"deskline.{ticket.key.lower()}@deskline.invalid"


def test_a_summary_and_a_reply_with_markup_stay_text_in_the_html(helpdesk, committed):
    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    with committed():
        ticket = make_ticket(
            desk=helpdesk.it,
            reporter=helpdesk.alice,
            request_type=helpdesk.password_reset,
            summary=f"Broken {hostile}",
        )
        ticket_comment(
            actor=helpdesk.li, ticket=ticket, body=f'Try <a href="javascript:x">{hostile}'
        )

    for message in mail.outbox:
        html = html_of(message)
        assert "<script" not in html
        assert "<img" not in html
        assert "javascript:" not in html.replace("&quot;javascript:", "")
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
        assert "<style" not in html  # inline styles only
        assert "style=" in html
        # The text part is text: what was written, as written.
        assert hostile in message.body
    reply_html = html_of(mail.outbox[1])
    assert "&lt;a href=&quot;javascript:x&quot;&gt;" in reply_html
    assert '<a href="javascript' not in reply_html


def test_the_html_is_readable_on_a_phone(helpdesk, committed):
    with committed():
        make_ticket(desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset)
    html = html_of(mail.outbox[0])
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    assert "max-width:600px" in html
    assert 'width="100%"' in html
