"""The IMAP poller against a real Dovecot (deskline/testing/mailserver.py): every new message is
stored once, the mailbox moves past a message only once it is stored, and every failure is a
readable sentence on the mailbox, never the secret and never an exception."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from email.message import EmailMessage
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from deskline.mail import imap
from deskline.mail.inbound import receive
from deskline.mail.models import InboundMessage, Mailbox
from deskline.testing.factories import make_desk
from deskline.testing.mailserver import MailServer
from deskline.testing.processes import free_port

pytestmark = pytest.mark.django_db
_users = itertools.count(1)
SECRET = "s3cret-Pa55word"


def new_user(server: MailServer) -> str:
    """A fresh IMAP user of the test server (the server lives for the whole session)."""
    user = f"imap{next(_users)}-{time.monotonic_ns()}"
    server.add_user(user, SECRET)
    return user


def make_mailbox(server: MailServer, user: str, **extra: Any) -> Mailbox:
    fields: dict[str, Any] = {
        "desk": make_desk(),
        "name": "Support",
        "address": server.address(user),
        "kind": "imap",
        "imap_host": "127.0.0.1",
        "imap_port": server.imap_port,
        "imap_security": "none",
        "imap_username": server.address(user),
        "imap_secret": SECRET,
    }
    fields.update(extra)
    return Mailbox.objects.create(**fields)


def deliver(server: MailServer, user: str, subject: str, *, message_id: str | None = None) -> None:
    message = EmailMessage()
    message["From"] = "Zhang Min <zhang.min@example.org>"
    message["To"] = server.address(user)
    message["Subject"] = subject
    local = message_id or f"{subject.replace(' ', '-')}-{user}"
    message["Message-ID"] = f"<{local}@example.org>"
    message.set_content(f"Body of {subject}")
    before = server.maildir_count(user)
    server.send(message, sender="zhang.min@example.org", recipients=[server.address(user)])
    server.wait_for_delivery(user, before + 1)


def test_a_poll_stores_every_new_message_once_and_moves_past_them(mail_server: MailServer) -> None:
    user = new_user(mail_server)
    mailbox = make_mailbox(mail_server, user)
    deliver(mail_server, user, "Printer broken")
    deliver(mail_server, user, "VPN down")

    result = imap.mailbox_fetch(mailbox)

    assert result == imap.FetchResult(ok=True, stored=2)
    stored = InboundMessage.objects.filter(mailbox=mailbox).order_by("id")
    assert [m.message_id for m in stored] == [
        f"Printer-broken-{user}@example.org",
        f"VPN-down-{user}@example.org",
    ]
    assert {m.source for m in stored} == {"imap"}
    assert b"Body of Printer broken" in stored[0].raw.read()
    mailbox.refresh_from_db()
    assert mailbox.imap_last_uid == 2
    assert mailbox.imap_uidvalidity is not None
    assert (mailbox.last_fetch_ok, mailbox.last_fetch_error, mailbox.last_fetch_count) == (
        True,
        "",
        2,
    )
    assert mailbox.last_fetch_at is not None

    # A second poll finds nothing new; one more message is the only one fetched next.
    assert imap.mailbox_fetch(mailbox) == imap.FetchResult(ok=True, stored=0)
    deliver(mail_server, user, "Laptop slow")
    assert imap.mailbox_fetch(mailbox) == imap.FetchResult(ok=True, stored=1)
    assert InboundMessage.objects.filter(mailbox=mailbox).count() == 3
    mailbox.refresh_from_db()
    assert (mailbox.imap_last_uid, mailbox.last_fetch_count) == (3, 1)


def test_the_poller_leaves_the_messages_unread_on_the_server(mail_server: MailServer) -> None:
    user = new_user(mail_server)
    mailbox = make_mailbox(mail_server, user)
    deliver(mail_server, user, "Keep me unread")

    imap.mailbox_fetch(mailbox)

    with imap.imap_session(mailbox) as connection:
        connection.select("INBOX", readonly=True)
        assert connection.uid("SEARCH", "UNSEEN")[1][0].split() == [b"1"]


def test_a_crash_while_storing_loses_nothing_and_stores_nothing_twice(
    mail_server: MailServer,
) -> None:
    user = new_user(mail_server)
    mailbox = make_mailbox(mail_server, user)
    for subject in ("First", "Second", "Third"):
        deliver(mail_server, user, subject)
    calls = 0

    def crashing_store(raw: bytes, **kwargs: Any) -> InboundMessage:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise RuntimeError("the process died here")
        return receive(raw, **kwargs)

    result = imap.mailbox_fetch(mailbox, store=crashing_store)

    assert not result.ok and result.stored == 1
    assert "RuntimeError" in result.error
    mailbox.refresh_from_db()
    assert mailbox.imap_last_uid == 1  # not past the message that was not stored
    assert mailbox.last_fetch_ok is False

    assert imap.mailbox_fetch(mailbox) == imap.FetchResult(ok=True, stored=2)
    subjects = sorted(
        m.message_id.split("-")[0] for m in InboundMessage.objects.filter(mailbox=mailbox)
    )
    assert subjects == ["First", "Second", "Third"]


def test_a_changed_uidvalidity_fetches_the_folder_again_without_duplicates(
    mail_server: MailServer,
) -> None:
    user = new_user(mail_server)
    mailbox = make_mailbox(mail_server, user)
    deliver(mail_server, user, "Old one")
    imap.mailbox_fetch(mailbox)
    mailbox.refresh_from_db()
    real_validity = mailbox.imap_uidvalidity
    assert real_validity is not None
    # As if the folder had been recreated on the server: our UIDs mean other messages now.
    Mailbox.objects.filter(pk=mailbox.pk).update(
        imap_uidvalidity=real_validity + 1, imap_last_uid=50
    )
    mailbox.refresh_from_db()
    deliver(mail_server, user, "New one")

    result = imap.mailbox_fetch(mailbox)

    assert result == imap.FetchResult(ok=True, stored=2)  # both handed over again ...
    assert InboundMessage.objects.filter(mailbox=mailbox).count() == 2  # ... each stored once
    mailbox.refresh_from_db()
    assert (mailbox.imap_uidvalidity, mailbox.imap_last_uid) == (real_validity, 2)


def test_a_poll_stops_at_its_limit_and_says_more_wait(mail_server: MailServer) -> None:
    user = new_user(mail_server)
    mailbox = make_mailbox(mail_server, user)
    for subject in ("One", "Two", "Three"):
        deliver(mail_server, user, subject)

    assert imap.mailbox_fetch(mailbox, limit=2) == imap.FetchResult(
        ok=True, stored=2, remaining=True
    )
    assert imap.mailbox_fetch(mailbox, limit=2) == imap.FetchResult(ok=True, stored=1)
    assert InboundMessage.objects.filter(mailbox=mailbox).count() == 3


def test_a_folder_other_than_the_inbox(mail_server: MailServer) -> None:
    user = new_user(mail_server)
    mailbox = make_mailbox(mail_server, user, imap_folder="Support Requests")
    with imap.imap_session(mailbox) as connection:
        assert connection.create('"Support Requests"')[0] == "OK"
        message = b"From: a@example.org\r\nMessage-ID: <in-folder@example.org>\r\n\r\nhi\r\n"
        assert connection.append('"Support Requests"', "", "", message)[0] == "OK"

    assert imap.mailbox_fetch(mailbox) == imap.FetchResult(ok=True, stored=1)
    assert InboundMessage.objects.get(mailbox=mailbox).message_id == "in-folder@example.org"


def test_a_missing_folder_is_an_error_on_the_mailbox(mail_server: MailServer) -> None:
    user = new_user(mail_server)
    mailbox = make_mailbox(mail_server, user, imap_folder="Nowhere")

    result = imap.mailbox_fetch(mailbox)

    assert not result.ok
    assert "The folder Nowhere cannot be opened" in result.error
    mailbox.refresh_from_db()
    assert (mailbox.last_fetch_ok, mailbox.imap_last_uid) == (False, 0)


def test_a_refused_password_is_recorded_without_the_secret(mail_server: MailServer) -> None:
    user = new_user(mail_server)
    mailbox = make_mailbox(mail_server, user, imap_secret="wrong-Secret-value")
    deliver(mail_server, user, "Unseen")

    result = imap.mailbox_fetch(mailbox)

    assert not result.ok and result.stored == 0
    assert result.error.startswith(f"The IMAP server refused the sign-in of {mailbox.address}")
    mailbox.refresh_from_db()
    assert mailbox.last_fetch_ok is False
    assert mailbox.last_fetch_error == result.error
    assert "wrong-Secret-value" not in mailbox.last_fetch_error
    assert InboundMessage.objects.count() == 0


def test_a_server_that_does_not_answer_is_an_error_not_an_exception(
    mail_server: MailServer,
) -> None:
    user = new_user(mail_server)
    mailbox = make_mailbox(mail_server, user, imap_port=free_port())

    result = imap.mailbox_fetch(mailbox)

    assert not result.ok
    assert result.error.startswith("Could not connect to the IMAP server 127.0.0.1:")


def test_unencrypted_imap_only_to_a_loopback_host() -> None:
    mailbox = Mailbox.objects.create(
        desk=make_desk(),
        name="Remote",
        address="help@remote.example",
        kind="imap",
        imap_host="imap.remote.example",
        imap_port=143,
        imap_security="none",
        imap_secret=SECRET,
    )

    result = imap.mailbox_fetch(mailbox)

    assert not result.ok
    assert "unencrypted IMAP connection is allowed only to this machine" in result.error
    assert imap.is_loopback("127.0.0.1") and imap.is_loopback("::1")
    assert imap.is_loopback("localhost") and not imap.is_loopback("imap.remote.example")


def test_errors_are_translated(mail_server: MailServer) -> None:
    from django.utils import translation

    user = new_user(mail_server)
    mailbox = make_mailbox(mail_server, user, imap_secret="wrong")
    with translation.override("zh-hans"):
        result = imap.mailbox_fetch(mailbox)
        ok, message = imap.mailbox_test_connection(mailbox)
    assert "IMAP 服务器拒绝了" in result.error
    assert not ok and "IMAP 服务器拒绝了" in message


def test_one_failing_mailbox_does_not_stop_the_others(mail_server: MailServer) -> None:
    good_user, bad_user = new_user(mail_server), new_user(mail_server)
    bad = make_mailbox(mail_server, bad_user, imap_secret="wrong")
    good = make_mailbox(mail_server, good_user)
    make_mailbox(mail_server, new_user(mail_server), is_active=False)
    make_mailbox(mail_server, new_user(mail_server), kind="smtp")
    deliver(mail_server, good_user, "Arrives anyway")

    results = imap.mailboxes_fetch()

    assert [r.ok for r in results] == [False, True]  # only the active IMAP mailboxes, by id
    bad.refresh_from_db()
    good.refresh_from_db()
    assert bad.last_fetch_ok is False and good.last_fetch_ok is True
    assert InboundMessage.objects.get().mailbox == good


def test_the_test_connection_counts_the_messages_and_changes_nothing(
    mail_server: MailServer,
) -> None:
    user = new_user(mail_server)
    mailbox = make_mailbox(mail_server, user)
    deliver(mail_server, user, "Count me")
    deliver(mail_server, user, "And me")

    ok, message = imap.mailbox_test_connection(mailbox)

    assert ok
    assert message == "Signed in; the folder INBOX holds 2 messages."
    mailbox.refresh_from_db()
    assert (mailbox.imap_last_uid, mailbox.last_fetch_at) == (0, None)
    assert InboundMessage.objects.count() == 0


def test_the_test_connection_reports_a_refused_sign_in_without_the_secret(
    mail_server: MailServer,
) -> None:
    user = new_user(mail_server)
    mailbox = make_mailbox(mail_server, user, imap_secret="wrong-Secret-value")

    ok, message = imap.mailbox_test_connection(mailbox)

    assert not ok
    assert message.startswith("The IMAP server refused the sign-in")
    assert "wrong-Secret-value" not in message


def _later(action: Callable[[], None], seconds: float) -> threading.Thread:
    def run() -> None:
        time.sleep(seconds)
        action()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def test_idle_wakes_up_when_a_message_arrives(mail_server: MailServer) -> None:
    user = new_user(mail_server)
    mailbox = make_mailbox(mail_server, user)
    with imap.imap_session(mailbox) as connection:
        assert "IDLE" in connection.capabilities
        connection.select("INBOX")
        assert imap.wait_for_mail(connection, timeout=0.5) is False  # nothing came
        sender = _later(lambda: deliver(mail_server, user, "Wake up"), 0.3)
        try:
            assert imap.wait_for_mail(connection, timeout=60) is True
        finally:
            sender.join()
        # The connection is usable after IDLE.
        assert connection.uid("SEARCH", "ALL")[1][0].split() == [b"1"]


def test_fetch_command_polls_every_imap_mailbox(mail_server: MailServer) -> None:
    user = new_user(mail_server)
    mailbox = make_mailbox(mail_server, user)
    bad = make_mailbox(mail_server, new_user(mail_server), imap_secret="wrong")
    deliver(mail_server, user, "From the command")
    out = StringIO()

    with pytest.raises(SystemExit) as exit_status:
        call_command("mail", "fetch", stdout=out)

    assert exit_status.value.code == 1  # one mailbox failed
    lines = out.getvalue().splitlines()
    assert lines[0] == f"{mailbox.address}: 1 stored"
    assert lines[1].startswith(f"{bad.address}: failed The IMAP server refused the sign-in")

    out = StringIO()
    call_command("mail", "fetch", "--mailbox", mailbox.address.upper(), stdout=out)
    assert out.getvalue() == f"{mailbox.address}: 0 stored\n"


def test_fetch_idle_fetches_what_arrives_while_it_waits(mail_server: MailServer) -> None:
    user = new_user(mail_server)
    mailbox = make_mailbox(mail_server, user)
    deliver(mail_server, user, "Before")
    out = StringIO()
    sender = _later(lambda: deliver(mail_server, user, "During"), 1.0)
    try:
        call_command(
            "mail",
            "fetch",
            "--idle",
            "--mailbox",
            mailbox.address,
            "--rounds",
            "2",
            "--idle-timeout",
            "60",
            stdout=out,
        )
    finally:
        sender.join()

    assert out.getvalue().splitlines() == [f"{mailbox.address}: 1 stored"] * 2
    assert InboundMessage.objects.filter(mailbox=mailbox).count() == 2


def test_fetch_idle_needs_one_mailbox(mail_server: MailServer) -> None:
    from django.core.management.base import CommandError

    make_mailbox(mail_server, new_user(mail_server))
    make_mailbox(mail_server, new_user(mail_server))
    with pytest.raises(CommandError, match="--idle watches one mailbox"):
        call_command("mail", "fetch", "--idle")


@pytest.mark.parametrize("security", ["tls", "starttls"])
def test_an_encrypted_connection_checks_the_servers_certificate(
    mail_server: MailServer, settings: Any, security: str
) -> None:
    user = new_user(mail_server)
    port = mail_server.imaps_port if security == "tls" else mail_server.imap_port
    mailbox = make_mailbox(mail_server, user, imap_security=security, imap_port=port)
    deliver(mail_server, user, "Over TLS")

    # The server's certificate is self-signed: not trusted until the CA file names it.
    settings.DESKLINE_IMAP_CA_FILE = ""
    refused = imap.mailbox_fetch(mailbox)
    assert not refused.ok
    assert refused.error.startswith(f"The TLS connection to 127.0.0.1:{port} failed: ")
    assert "CERTIFICATE_VERIFY_FAILED" in refused.error

    settings.DESKLINE_IMAP_CA_FILE = str(mail_server.ca_file)
    assert imap.mailbox_fetch(mailbox) == imap.FetchResult(ok=True, stored=1)


def test_the_minute_job_leaves_a_mailbox_fetched_moments_ago_alone(
    mail_server: MailServer,
) -> None:
    """Every worker process runs the job: the first claims the mailbox, the others skip it."""
    user = new_user(mail_server)
    mailbox = make_mailbox(mail_server, user)
    deliver(mail_server, user, "Claimed once")

    assert imap.mailboxes_fetch() == [imap.FetchResult(ok=True, stored=1)]
    assert imap.mailboxes_fetch() == []  # another worker, the same minute

    deliver(mail_server, user, "A minute later")
    with time_machine.travel(timezone.now() + timedelta(minutes=1), tick=True):
        assert imap.mailboxes_fetch() == [imap.FetchResult(ok=True, stored=1)]
    assert InboundMessage.objects.filter(mailbox=mailbox).count() == 2
