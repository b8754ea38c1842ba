"""The SMTP receiver (`deskline mail smtpd`) spoken to with smtplib over loopback: mail for a
mailbox's address (or address+tag) is stored before the 250, anything else is refused."""

from __future__ import annotations

import os
import signal
import smtplib
import subprocess
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.db import DatabaseError

from deskline.mail import smtpd
from deskline.mail.inbound import receive
from deskline.mail.models import InboundMessage, Mailbox
from deskline.testing.factories import make_desk
from deskline.testing.processes import BIN, REPOSITORY, free_port, wait_until

pytestmark = pytest.mark.django_db(transaction=True)  # the receiver's thread sees committed rows

MESSAGE = (
    b"From: Zhang Min <zhang.min@example.org>\r\n"
    b"To: help@desk.example\r\n"
    b"Subject: =?utf-8?b?5omT5Y2w5py65Z2P5LqG?=\r\n"
    b"Message-ID: <smtp-1@example.org>\r\n"
    b"\r\n"
    b"The printer on floor 3 is broken.\r\n"
)


@pytest.fixture
def mailbox() -> Mailbox:
    return Mailbox.objects.create(desk=make_desk(), name="Help", address="help@desk.example")


@pytest.fixture
def receiver(settings: Any) -> Iterator[Controller]:
    settings.DESKLINE_SMTPD_MAX_BYTES = 20_000
    controller = smtpd.smtpd_controller("127.0.0.1", free_port())
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


def client(controller: Controller) -> smtplib.SMTP:
    return smtplib.SMTP(controller.hostname, controller.port, timeout=30)


def test_a_message_for_a_mailbox_is_stored_before_the_250(
    receiver: Controller, mailbox: Mailbox
) -> None:
    with client(receiver) as connection:
        connection.ehlo("client.example.org")
        connection.mail("zhang.min@example.org")
        assert connection.rcpt("Help@Desk.Example")[0] == 250
        code, answer = connection.data(MESSAGE)

    assert (code, answer) == (250, b"2.0.0 Message stored")
    stored = InboundMessage.objects.get()
    assert (stored.mailbox, stored.source, stored.message_id) == (
        mailbox,
        "smtp",
        "smtp-1@example.org",
    )
    assert stored.recipients == ["help@desk.example"]
    assert stored.raw.read() == MESSAGE


def test_a_plus_tag_reaches_the_mailbox(receiver: Controller, mailbox: Mailbox) -> None:
    with client(receiver) as connection:
        refused = connection.sendmail("agent@desk.example", ["help+note@desk.example"], MESSAGE)

    assert refused == {}
    assert InboundMessage.objects.get().mailbox == mailbox


def test_other_recipients_are_refused_with_550(receiver: Controller, mailbox: Mailbox) -> None:
    Mailbox.objects.create(
        desk=mailbox.desk, name="Old", address="old@desk.example", is_active=False
    )
    with client(receiver) as connection:
        connection.ehlo()
        connection.mail("spammer@example.org")
        assert connection.rcpt("nobody@desk.example")[0] == 550
        assert connection.rcpt("old@desk.example")[0] == 550  # an inactive mailbox
        assert connection.rcpt("help@elsewhere.example")[0] == 550
        with pytest.raises(smtplib.SMTPDataError) as refused:
            connection.data(MESSAGE)

    assert refused.value.smtp_code == 503  # no recipient was accepted: no data either
    assert InboundMessage.objects.count() == 0


def test_one_good_recipient_among_bad_ones(receiver: Controller, mailbox: Mailbox) -> None:
    with client(receiver) as connection:
        refused = connection.sendmail(
            "zhang.min@example.org", ["nobody@desk.example", "help@desk.example"], MESSAGE
        )

    assert set(refused) == {"nobody@desk.example"}
    assert refused["nobody@desk.example"][0] == 550
    assert InboundMessage.objects.get().recipients == ["help@desk.example"]


def test_a_message_over_the_size_limit_is_refused(receiver: Controller, mailbox: Mailbox) -> None:
    big = MESSAGE + b"x" * 76 + b"\r\n"
    big += (b"y" * 998 + b"\r\n") * 25  # about 25 KB, over the 20,000 bytes allowed
    with client(receiver) as connection:
        connection.ehlo()
        assert connection.has_extn("size")
        assert connection.esmtp_features["size"] == "20000"
        connection.mail("zhang.min@example.org")
        connection.rcpt("help@desk.example")
        code, _answer = connection.data(big)

    assert code == 552
    assert InboundMessage.objects.count() == 0


def test_when_storing_fails_the_sender_hears_451_and_may_retry(mailbox: Mailbox) -> None:
    attempts = 0

    def failing_then_working(raw: bytes, **kwargs: Any) -> InboundMessage:
        nonlocal attempts
        attempts += 1
        if attempts == 1:
            raise DatabaseError("disk full")
        return receive(raw, **kwargs)

    controller = smtpd.smtpd_controller("127.0.0.1", free_port(), store=failing_then_working)
    controller.start()
    try:
        with client(controller) as connection:
            with pytest.raises(smtplib.SMTPDataError) as refused:
                connection.sendmail("zhang.min@example.org", ["help@desk.example"], MESSAGE)
            assert refused.value.smtp_code == 451
            assert InboundMessage.objects.count() == 0
            connection.rset()
            assert (
                connection.sendmail("zhang.min@example.org", ["help@desk.example"], MESSAGE) == {}
            )
    finally:
        controller.stop()
    assert InboundMessage.objects.get().message_id == "smtp-1@example.org"


def test_the_same_message_twice_is_stored_once(receiver: Controller, mailbox: Mailbox) -> None:
    with client(receiver) as connection:
        connection.sendmail("zhang.min@example.org", ["help@desk.example"], MESSAGE)
        connection.sendmail("zhang.min@example.org", ["help@desk.example"], MESSAGE)

    assert InboundMessage.objects.count() == 1


def test_the_smtpd_command_receives_until_sigterm(mailbox: Mailbox, tmp_path: Any) -> None:
    """`deskline mail smtpd --host H --port P` as a process of its own, on this database."""
    from django.db import connection

    port = free_port()
    env = {**os.environ, "DESKLINE_MEDIA_ROOT": str(tmp_path / "media")}
    if connection.vendor == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{connection.settings_dict['NAME']}"
    else:
        settings_dict = connection.settings_dict
        env["DATABASE_URL"] = (
            f"postgres://{settings_dict['USER']}@{settings_dict['HOST']}:"
            f"{settings_dict['PORT']}/{settings_dict['NAME']}"
        )
    process = subprocess.Popen(
        [str(BIN / "deskline"), "mail", "smtpd", "--host", "127.0.0.1", "--port", str(port)],
        cwd=REPOSITORY,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        assert wait_until(lambda: _listens(port) or process.poll() is not None, within=60)
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        with smtplib.SMTP("127.0.0.1", port, timeout=30) as client_connection:
            assert client_connection.sendmail("a@example.org", ["help@desk.example"], MESSAGE) == {}
    finally:
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=30)[0].decode()
    assert process.returncode == 0, output
    assert f"SMTP receiver on 127.0.0.1:{port}" in output
    assert InboundMessage.objects.get().message_id == "smtp-1@example.org"


def _listens(port: int) -> bool:
    import socket

    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False
