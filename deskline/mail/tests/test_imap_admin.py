"""The "test connection" action of the mailbox screen against a real Dovecot: the message count
or the refusal, in the admin's language, never the secret; nothing fetched."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse

from deskline.accounts.models import Role
from deskline.mail.models import InboundMessage, Mailbox
from deskline.testing.admin_forms import signed_in
from deskline.testing.factories import make_desk, make_user
from deskline.testing.mailserver import MailServer

pytestmark = pytest.mark.django_db
PASSWORD = "Admin-test-pass"


def run_action(mailboxes: list[Mailbox], language: str = "en") -> list[tuple[str, str]]:
    """Choose the mailboxes on the admin's mailbox list and run "Test the IMAP connection"."""
    client = signed_in(make_user(role=Role.SITE_ADMIN))
    response = client.post(
        reverse("admin:mail_mailbox_changelist"),
        {"action": "test_connection", "_selected_action": [m.pk for m in mailboxes]},
        headers={"accept-language": language},
        follow=True,
    )
    assert response.status_code == 200
    return [(message.level_tag, message.message) for message in response.context["messages"]]


def imap_mailbox(server: MailServer, address: str, secret: str) -> Mailbox:
    return Mailbox.objects.create(
        desk=make_desk(),
        name=address,
        address=address,
        kind="imap",
        imap_host="127.0.0.1",
        imap_port=server.imap_port,
        imap_security="none",
        imap_username=address,
        imap_secret=secret,
    )


def test_the_action_reports_each_mailbox_without_its_secret(mail_server: MailServer) -> None:
    user = f"admin-{time.monotonic_ns()}"
    address = mail_server.add_user(user, PASSWORD)
    mail_server.send(
        b"From: a@example.org\r\nMessage-ID: <admin-1@example.org>\r\n\r\nhi\r\n",
        sender="a@example.org",
        recipients=[address],
    )
    mail_server.wait_for_delivery(user, 1)
    good = imap_mailbox(mail_server, address, PASSWORD)
    bad = imap_mailbox(mail_server, f"zz-{address}", "Wrong-Secret-123")
    smtp = Mailbox.objects.create(desk=good.desk, name="Direct", address="direct@desk.example")

    shown = run_action([good, bad, smtp])

    # In the order of their addresses: admin-..., direct@..., zz-admin-...
    assert shown[0] == ("success", f"{address}: Signed in; the folder INBOX holds 1 message.")
    assert shown[1] == ("info", "direct@desk.example: mail is delivered to Deskline; there is no "
                                "server to test.")  # fmt: skip
    assert shown[2][0] == "error"
    assert shown[2][1].startswith(f"zz-{address}: The IMAP server refused the sign-in of zz-")
    assert all("Wrong-Secret-123" not in text and PASSWORD not in text for _, text in shown)
    good.refresh_from_db()
    assert (good.imap_last_uid, good.last_fetch_at, InboundMessage.objects.count()) == (0, None, 0)


def test_the_action_speaks_the_admins_language(mail_server: MailServer) -> None:
    address = mail_server.add_user(f"admin-zh-{time.monotonic_ns()}", PASSWORD)
    mailbox = imap_mailbox(mail_server, address, PASSWORD)

    shown = run_action([mailbox], language="zh-hans")

    assert shown == [("success", f"{address}: 已登录；文件夹 INBOX 中有 0 封邮件。")]
