"""Mail in: a message is stored first, then becomes a ticket or a comment once, or is set aside
with its reason; nothing is made twice and nothing half."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.core.files.storage import default_storage

from deskline.accounts.models import Role, User
from deskline.mail.inbound import (
    address_bounces,
    inbound_retry,
    inbound_store,
    inbound_unfinished_process,
    mailbox_for_recipients,
    receive,
)
from deskline.mail.models import BouncingAddress, InboundMessage, Mailbox
from deskline.mail.models.inbound import MessageStatus
from deskline.mail.tests.mailbuilder import bounce, mail, make_mailbox
from deskline.testing.factories import make_ticket
from deskline.testing.faults import event_writes_failing
from deskline.testing.scenario import Helpdesk, build_helpdesk, row_counts
from deskline.tickets.actions import ticket_transition
from deskline.tickets.models import Attachment, Channel, Comment, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def helpdesk() -> Helpdesk:
    return build_helpdesk()


@pytest.fixture
def mailbox(helpdesk: Helpdesk) -> Mailbox:
    return make_mailbox(helpdesk)


def stored_files(folder: str) -> list[str]:
    """The files under `folder` of the media storage, however deep."""
    root = Path(settings.MEDIA_ROOT) / folder
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def deliver(mailbox: Mailbox, raw: bytes, **kw: object) -> InboundMessage:
    return receive(raw, mailbox=mailbox, source="file", **kw)  # type: ignore[arg-type]


def ticket_of(message: InboundMessage) -> Ticket:
    assert message.ticket is not None, message.reason
    return message.ticket


def comment_of(message: InboundMessage) -> Comment:
    assert message.comment is not None, message.reason
    return message.comment


def raised(helpdesk: Helpdesk, mailbox: Mailbox) -> Ticket:
    """Alice's request, raised by mail as <m1@acme.example>."""
    message = deliver(mailbox, mail())
    assert message.status == MessageStatus.PROCESSED
    assert message.ticket is not None
    return message.ticket


# A new request ---------------------------------------------------------------------------


def test_a_message_becomes_a_new_ticket_of_the_mailboxs_desk(helpdesk, mailbox):
    message = deliver(mailbox, mail(subject="Fwd: Printer on the 3rd floor is jammed"))

    assert message.status == MessageStatus.PROCESSED
    assert message.outcome == "ticket"
    assert (message.reason_code, message.attempts) == ("", 1)
    assert (message.sender, message.message_id) == ("alice@acme.example", "m1@acme.example")
    ticket = Ticket.objects.get()
    assert message.ticket == ticket
    assert ticket.key == "IT-1"
    assert ticket.desk == helpdesk.it
    assert ticket.request_type == helpdesk.password_reset
    assert ticket.reporter == helpdesk.alice
    assert ticket.summary == "Printer on the 3rd floor is jammed"
    assert ticket.description == "It shows error E42."
    assert ticket.channel == Channel.EMAIL


def test_the_raw_message_is_stored_as_received_under_its_month_and_hash(mailbox):
    raw = mail()
    with time_machine.travel(datetime.datetime(2026, 3, 3, 2, tzinfo=datetime.UTC)):
        message = deliver(mailbox, raw)

    assert message.raw.name == f"mail/raw/2026/03/{message.sha256}.eml"
    with default_storage.open(message.raw.name, "rb") as stored:
        assert stored.read() == raw
    assert message.size == len(raw)


def test_without_a_request_type_of_its_own_the_desks_first_without_required_fields_is_used(
    helpdesk,
):
    # The laptop form (first of the desk) has a required field mail cannot fill.
    mailbox = make_mailbox(helpdesk, request_type=None)

    message = deliver(mailbox, mail())

    assert message.status == MessageStatus.PROCESSED
    assert ticket_of(message).request_type == helpdesk.password_reset


def test_a_second_receive_of_the_same_message_creates_nothing(helpdesk, mailbox):
    first = deliver(mailbox, mail())
    counts = row_counts()

    again = deliver(mailbox, mail(body="The same message, fetched again.\n"))

    assert again.pk == first.pk
    assert row_counts() == counts
    assert InboundMessage.objects.count() == 1
    assert InboundMessage.objects.get().attempts == 1


def test_a_message_without_message_id_is_deduplicated_by_its_bytes(helpdesk, mailbox):
    raw = mail(message_id=None)
    first = deliver(mailbox, raw)
    again = deliver(mailbox, raw)
    other = deliver(mailbox, mail(message_id=None, body="Another one.\n"))

    assert first.dedupe_key == f"sha256:{first.sha256}"
    assert first.message_id == ""
    assert again.pk == first.pk
    assert other.pk != first.pk
    assert Ticket.objects.count() == 2


def test_the_recipients_choose_the_mailbox_when_none_is_given(helpdesk, mailbox):
    hr = make_mailbox(helpdesk, desk=helpdesk.hr, name="HR", address="hr@example.com",
                      request_type=helpdesk.onboarding)  # fmt: skip

    assert mailbox_for_recipients(["nobody@example.com", "HR+urgent@Example.com"]) == hr
    message = receive(mail(to="hr@example.com"), mailbox=None, source="smtp")
    assert message.mailbox == hr
    assert ticket_of(message).desk == helpdesk.hr


def test_a_message_for_no_mailbox_is_kept_and_refused(helpdesk, mailbox):
    message = receive(
        mail(to="nobody@example.com"), mailbox=None, source="smtp", recipients=["x@example.com"]
    )

    assert (message.status, message.reason_code) == (MessageStatus.REFUSED, "no_mailbox")
    assert message.raw.name
    assert Ticket.objects.count() == 0


# Threading -------------------------------------------------------------------------------


def test_a_reply_threads_by_in_reply_to(helpdesk, mailbox):
    ticket = raised(helpdesk, mailbox)

    message = deliver(
        mailbox,
        mail(subject="Re: Printer", message_id="<m2@acme.example>",
             in_reply_to="<m1@acme.example>", body="It works again.\n"),
    )  # fmt: skip

    assert (message.outcome, message.ticket) == ("comment", ticket)
    comment = Comment.objects.get()
    assert message.comment == comment
    assert (comment.ticket, comment.author, comment.is_public) == (ticket, helpdesk.alice, True)
    assert comment.body == "It works again."
    assert Ticket.objects.count() == 1


def test_a_reply_threads_by_references_newest_first(helpdesk, mailbox):
    first = raised(helpdesk, mailbox)
    second = deliver(mailbox, mail(message_id="<other@acme.example>", subject="Monitor")).ticket

    message = deliver(
        mailbox,
        mail(subject="Re: something", message_id="<m3@acme.example>",
             references="<unknown@elsewhere.example> <m1@acme.example> <other@acme.example>"),
    )  # fmt: skip

    assert message.ticket == second
    assert message.ticket != first
    assert message.outcome == "comment"


def test_a_reply_to_deskline_s_own_message_ids_threads_onto_their_ticket(helpdesk, mailbox):
    ticket = raised(helpdesk, mailbox)

    message = deliver(
        mailbox,
        mail(subject="Re: Your request", message_id="<r1@acme.example>",
             in_reply_to="<deskline.it-1.k3x9@desk.example.com>",
             references="<deskline.it-1@desk.example.com>"),
    )  # fmt: skip

    assert (message.outcome, message.ticket) == ("comment", ticket)


def test_a_reply_threads_by_the_key_in_its_subject(helpdesk, mailbox):
    ticket = raised(helpdesk, mailbox)

    message = deliver(
        mailbox, mail(subject="RE: [it-1] Printer on the 3rd floor", message_id="<m4@acme.example>")
    )

    assert (message.outcome, message.ticket) == ("comment", ticket)


def test_a_customers_reply_moves_a_waiting_ticket_back_to_work(helpdesk, mailbox):
    ticket = raised(helpdesk, mailbox)
    ticket_transition(actor=helpdesk.li, ticket=ticket, status="waiting_for_customer")

    deliver(mailbox, mail(subject="Re: [IT-1]", message_id="<m5@acme.example>"))

    ticket.refresh_from_db()
    assert ticket.status.key != "waiting_for_customer"
    assert ticket.status_category == "in_progress"


def test_quoted_history_is_left_out_of_a_reply(helpdesk, mailbox):
    raised(helpdesk, mailbox)
    body = (
        "Thanks, it prints again.\n\n"
        "On Tue, 3 Mar 2026 at 10:00, IT help <it@example.com> wrote:\n"
        "> Please restart the printer.\n"
        "> \n"
        "> It shows error E42.\n"
    )

    deliver(mailbox, mail(subject="Re: [IT-1]", message_id="<m6@acme.example>", body=body))

    assert Comment.objects.get().body == "Thanks, it prints again."


def test_a_sender_cannot_comment_on_another_customers_ticket_by_guessing_its_key(helpdesk, mailbox):
    theirs = raised(helpdesk, mailbox)  # Alice's, not shared
    before = Ticket.objects.get(pk=theirs.pk).version

    message = deliver(
        mailbox,
        mail(sender="Carol <carol@example.com>", subject="Re: [IT-1] let me in",
             message_id="<c1@example.com>", in_reply_to="<m1@acme.example>"),
    )  # fmt: skip

    assert message.outcome == "ticket"
    assert message.reason_code == ""
    assert "may not write on the ticket" in message.reason
    assert message.ticket != theirs
    assert ticket_of(message).reporter == helpdesk.carol
    assert ticket_of(message).summary == "let me in"
    assert Comment.objects.filter(ticket=theirs).count() == 0
    assert Ticket.objects.get(pk=theirs.pk).version == before


def test_a_sender_cannot_comment_on_a_ticket_of_another_desk_by_its_key(helpdesk, mailbox):
    hr_ticket = make_ticket(
        desk=helpdesk.hr, reporter=helpdesk.bob, request_type=helpdesk.onboarding
    )

    message = deliver(mailbox, mail(subject=f"[{hr_ticket.key}] hello", message_id="<g@a.example>"))

    assert message.outcome == "ticket"
    assert ticket_of(message).desk == helpdesk.it
    assert Comment.objects.count() == 0


def test_an_agent_of_the_desk_may_answer_any_of_its_tickets(helpdesk, mailbox):
    ticket = raised(helpdesk, mailbox)

    message = deliver(
        mailbox,
        mail(sender="Li <LI@deskline.example>", subject="Re: [IT-1]",
             message_id="<li1@deskline.example>", body="Please restart it.\n"),
    )  # fmt: skip

    comment = comment_of(message)
    assert (comment.ticket, comment.author, comment.is_public) == (ticket, helpdesk.li, True)


def test_an_agents_mail_to_the_note_address_is_an_internal_note(helpdesk, mailbox):
    ticket = raised(helpdesk, mailbox)

    message = deliver(
        mailbox,
        mail(sender="li@deskline.example", to="IT+note@example.com", subject="Re: [IT-1]",
             message_id="<li2@deskline.example>", body="Toner is out of stock.\n"),
    )  # fmt: skip

    comment = comment_of(message)
    assert (comment.ticket, comment.author, comment.is_public) == (ticket, helpdesk.li, False)
    assert comment.body == "Toner is out of stock."


def test_a_customers_mail_to_the_note_address_stays_public(helpdesk, mailbox):
    raised(helpdesk, mailbox)

    message = deliver(
        mailbox,
        mail(to="it+note@example.com", subject="Re: [IT-1]", message_id="<m7@acme.example>"),
    )

    assert comment_of(message).is_public is True


def test_a_note_that_answers_no_ticket_is_refused(helpdesk, mailbox):
    message = deliver(
        mailbox,
        mail(sender="li@deskline.example", to="it+note@example.com", message_id="<n@d.example>"),
    )

    assert (message.status, message.reason_code) == (MessageStatus.REFUSED, "note_without_ticket")
    assert Ticket.objects.count() == 0


# Senders ---------------------------------------------------------------------------------


def test_an_unknown_sender_becomes_a_customer(helpdesk, mailbox):
    message = deliver(mailbox, mail(sender='"Zhang Min" <Zhang.Min@Example.COM>'))

    customer = User.objects.get(email="zhang.min@example.com")
    assert (customer.role, customer.display_name) == (Role.CUSTOMER, "Zhang Min")
    assert not customer.has_usable_password()
    assert ticket_of(message).reporter == customer


def test_an_unknown_sender_is_refused_where_the_mailbox_says_so(helpdesk):
    mailbox = make_mailbox(helpdesk, unknown_senders="refuse")
    counts = row_counts()
    users = User.objects.count()

    message = deliver(mailbox, mail(sender="stranger@example.net"))
    known = deliver(mailbox, mail(message_id="<m8@acme.example>"))

    assert (message.status, message.reason_code) == (MessageStatus.REFUSED, "unknown_sender")
    assert "refuses unknown senders" in message.reason
    assert User.objects.count() == users
    assert known.outcome == "ticket"
    assert row_counts()["tickets"] == counts["tickets"] + 1


def test_mail_from_a_deactivated_account_is_refused(helpdesk, mailbox):
    User.objects.filter(pk=helpdesk.alice.pk).update(is_active=False)

    message = deliver(mailbox, mail())

    assert (message.status, message.reason_code) == (MessageStatus.REFUSED, "sender_inactive")
    assert Ticket.objects.count() == 0


# Loops and noise -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-replied"},
        {"X-Autoreply": "yes"},
        {"Precedence": "bulk"},
        {"Precedence": "list", "List-Id": "<staff.acme.example>"},
    ],
)
def test_automatic_replies_and_bulk_mail_are_ignored(helpdesk, mailbox, headers):
    counts = row_counts()

    message = deliver(mailbox, mail(subject="Out of office", headers=headers))

    assert (message.status, message.reason_code) == (MessageStatus.IGNORED, "auto_submitted")
    assert row_counts() == counts


def test_a_bounce_is_ignored_and_marks_the_failing_address(helpdesk, mailbox):
    counts = row_counts()

    message = deliver(mailbox, bounce("Gone@Acme.example"))
    deliver(mailbox, bounce("gone@acme.example", message_id="<dsn2@mx.example>"))

    assert (message.status, message.reason_code) == (MessageStatus.IGNORED, "bounce")
    assert row_counts() == counts
    marked = BouncingAddress.objects.get()
    assert marked.address == "gone@acme.example"
    assert marked.bounces == 2
    assert "user unknown" in marked.reason
    assert address_bounces("GONE@acme.example")
    assert not address_bounces("alice@acme.example")


def test_mail_from_the_mailbox_itself_and_deskline_s_own_messages_is_a_loop(helpdesk, mailbox):
    own = deliver(mailbox, mail(sender="IT help <it+bounce@example.com>"))
    back = deliver(mailbox, mail(message_id="<deskline.it-7.abc@desk.example.com>"))

    assert (own.status, own.reason_code) == (MessageStatus.IGNORED, "loop")
    assert (back.status, back.reason_code) == (MessageStatus.IGNORED, "loop")
    assert Ticket.objects.count() == 0


def test_a_sender_over_the_hourly_limit_is_ignored_until_the_hour_has_passed(helpdesk):
    mailbox = make_mailbox(helpdesk, sender_rate_limit=2)
    start = datetime.datetime(2026, 3, 3, 9, tzinfo=datetime.UTC)

    def smtp(raw: bytes) -> InboundMessage:
        return receive(raw, mailbox=mailbox, source="smtp")

    with time_machine.travel(start, tick=False):
        outcomes = [smtp(mail(message_id=f"<flood{n}@acme.example>")).reason_code for n in range(3)]
        other = smtp(mail(sender="bob@acme.example", message_id="<bob@acme.example>"))
        from_file = deliver(mailbox, mail(message_id="<archive@acme.example>"))
    with time_machine.travel(start + datetime.timedelta(minutes=61), tick=False):
        later = smtp(mail(message_id="<later@acme.example>"))

    assert outcomes == ["", "", "rate_limited"]
    assert other.status == MessageStatus.PROCESSED
    assert from_file.status == MessageStatus.PROCESSED  # an operator's files are not limited
    assert later.status == MessageStatus.PROCESSED
    assert Ticket.objects.filter(reporter=helpdesk.alice).count() == 4


# Files -----------------------------------------------------------------------------------

PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00\x00"
    b"\x00\x00IEND\xaeB`\x82"
)


def test_attachments_are_stored_with_a_reply(helpdesk, mailbox):
    ticket = raised(helpdesk, mailbox)

    message = deliver(
        mailbox,
        mail(subject="Re: [IT-1]", message_id="<f1@acme.example>",
             attachments=[("error.png", "image/png", PNG), ("log.txt", "text/plain", b"E42\n")]),
    )  # fmt: skip

    files = list(Attachment.objects.order_by("filename"))
    assert [(f.filename, f.content_type, f.size) for f in files] == [
        ("error.png", "image/png", len(PNG)),
        ("log.txt", "text/plain", 4),
    ]
    assert all(f.ticket == ticket and f.comment == message.comment for f in files)
    assert all(f.uploaded_by == helpdesk.alice for f in files)
    with files[0].file.open("rb") as stored:
        assert stored.read() == PNG


def test_a_new_tickets_files_come_with_a_first_comment_of_the_sender(helpdesk, mailbox):
    message = deliver(mailbox, mail(attachments=[("error.png", "image/png", PNG)]))

    attachment = Attachment.objects.get()
    assert message.outcome == "ticket"
    assert attachment.ticket == message.ticket
    assert attachment.comment == message.comment
    assert comment_of(message).author == helpdesk.alice


def test_a_new_tickets_files_fill_the_request_types_file_field(helpdesk):
    helpdesk.laptop.fields.filter(key="location").update(is_required=False)
    from deskline.core.config import configuration_changed

    configuration_changed()
    mailbox = make_mailbox(helpdesk, request_type=helpdesk.laptop)

    message = deliver(mailbox, mail(attachments=[("error.png", "image/png", PNG)]))

    attachment = Attachment.objects.get()
    assert ticket_of(message).fields == {"quote": [attachment.pk]}
    assert (attachment.ticket, attachment.comment) == (message.ticket, None)
    assert message.comment is None


def test_a_30_mb_attachment_is_left_out_and_the_rest_still_becomes_the_ticket(helpdesk, mailbox):
    big = b"%PDF-1.4\n" + b"0" * (30 * 1024 * 1024)

    message = deliver(
        mailbox,
        mail(attachments=[("scan.pdf", "application/pdf", big), ("ok.png", "image/png", PNG)]),
    )

    assert message.status == MessageStatus.PROCESSED
    assert message.reason_code == "attachments_refused"
    assert "scan.pdf" in message.reason
    assert "larger than the limit" in message.reason
    assert [a.filename for a in Attachment.objects.all()] == ["ok.png"]
    ticket = ticket_of(message)
    assert ticket.description.startswith("It shows error E42.")
    assert "Not attached: scan.pdf (The file is larger than the limit of 10.0 MB.)" in (
        ticket.description
    )


def test_a_program_attached_is_left_out(helpdesk, mailbox):
    message = deliver(
        mailbox, mail(attachments=[("invoice.pdf.exe", "application/octet-stream", b"MZ\x90")])
    )

    assert message.reason_code == "attachments_refused"
    assert "Programs and scripts cannot be attached." in message.reason
    assert Attachment.objects.count() == 0


# Failures and retries --------------------------------------------------------------------


def test_a_message_that_makes_processing_fail_is_kept_failed_and_retried_once_fixed(
    helpdesk, mailbox
):
    raw = mail(sender="new.person@example.net", attachments=[("error.png", "image/png", PNG)])
    counts = row_counts()
    users = User.objects.count()

    with event_writes_failing():
        failed = deliver(mailbox, raw)

    assert (failed.status, failed.attempts) == (MessageStatus.FAILED, 1)
    assert failed.reason_code == "processing_error"
    assert "disk full" in failed.reason
    assert failed.sender == "new.person@example.net"
    # Nothing half-written: no ticket, no customer, no file row or stored file left.
    assert row_counts() == counts
    assert User.objects.count() == users
    assert stored_files("attachments") == []
    with default_storage.open(failed.raw.name, "rb") as stored:
        assert stored.read() == raw

    assert deliver(mailbox, raw).status == MessageStatus.FAILED  # received again: unchanged
    retried = inbound_retry(failed)

    assert (retried.status, retried.attempts, retried.reason_code) == ("processed", 2, "")
    assert ticket_of(retried).reporter.email == "new.person@example.net"
    assert Attachment.objects.get().ticket == retried.ticket


def test_a_desk_without_a_request_type_mail_can_use_fails_until_one_is_added(helpdesk):
    mailbox = make_mailbox(helpdesk, desk=helpdesk.it, request_type=helpdesk.laptop)
    helpdesk.password_reset.is_active = False
    helpdesk.password_reset.save()

    failed = deliver(mailbox, mail(sender="new.person@example.net"))

    assert (failed.status, failed.reason_code) == (MessageStatus.FAILED, "no_request_type")
    assert not User.objects.filter(email="new.person@example.net").exists()
    helpdesk.password_reset.is_active = True
    helpdesk.password_reset.save()
    assert inbound_retry(failed).outcome == "ticket"


def test_a_message_left_received_by_a_crash_is_finished_by_the_retry_job(helpdesk, mailbox):
    start = datetime.datetime(2026, 3, 3, 9, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        stored = inbound_store(mail(), mailbox=mailbox, source="imap")
        assert inbound_unfinished_process() == []  # too fresh: it may be being processed
    assert stored.status == MessageStatus.RECEIVED

    with time_machine.travel(start + datetime.timedelta(minutes=6), tick=False):
        finished = inbound_unfinished_process()
        again = inbound_unfinished_process()

    assert [message.status for message in finished] == [MessageStatus.PROCESSED]
    assert again == []
    assert Ticket.objects.count() == 1


def test_retrying_a_processed_message_does_nothing(helpdesk, mailbox):
    message = deliver(mailbox, mail())
    counts = row_counts()

    assert inbound_retry(message).attempts == 1
    assert row_counts() == counts


def test_a_refused_message_is_processed_on_retry_once_the_mailbox_takes_it(helpdesk):
    mailbox = make_mailbox(helpdesk, unknown_senders="refuse")
    refused = deliver(mailbox, mail(sender="stranger@example.net"))
    Mailbox.objects.filter(pk=mailbox.pk).update(unknown_senders="create")

    assert inbound_retry(refused).outcome == "ticket"


# Bad input -------------------------------------------------------------------------------


def nested(depth: int) -> bytes:
    inner = mail(message_id="<inner0@acme.example>")
    for level in range(1, depth + 1):
        inner = (
            (
                f"From: alice@acme.example\r\nTo: it@example.com\r\nSubject: level {level}\r\n"
                f"Message-ID: <nested{level}@acme.example>\r\nMIME-Version: 1.0\r\n"
                'Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\n'
                "Content-Type: text/plain\r\n\r\nSee attached.\r\n--b\r\n"
                "Content-Type: message/rfc822\r\n\r\n"
            ).encode()
            + inner
            + b"\r\n--b--\r\n"
        )
    return inner


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        pytest.param(mail(sender=""), MessageStatus.REFUSED, id="no From"),
        pytest.param(mail(message_id=None), MessageStatus.PROCESSED, id="no Message-ID"),
        pytest.param(mail(body="Nul \x00 byte in the text\n"), MessageStatus.PROCESSED, id="NUL"),
        pytest.param(nested(10), MessageStatus.PROCESSED, id="message/rfc822 ten deep"),
        pytest.param(
            mail(headers={"X-Padding": "x" * 100_000}), MessageStatus.PROCESSED, id="100 KB header"
        ),
        pytest.param(b"\x00\xff\xfe garbage, no headers at all", MessageStatus.REFUSED, id="junk"),
        pytest.param(b"", MessageStatus.REFUSED, id="empty"),
    ],
)
def test_bad_input_is_stored_and_processed_or_refused_with_a_reason(mailbox, raw, status):
    message = deliver(mailbox, raw)

    assert message.status == status, message.reason
    assert message.attempts == 1
    if status != MessageStatus.PROCESSED:
        assert message.reason_code
        assert message.reason
    with default_storage.open(message.raw.name, "rb") as stored:
        assert stored.read() == raw


def test_a_nul_byte_never_reaches_the_database(helpdesk, mailbox):
    message = deliver(mailbox, mail(body="Nul \x00 byte\n", subject="Nul \x00 subject"))

    ticket = ticket_of(message)
    assert "\x00" not in ticket.description
    assert "\x00" not in ticket.summary
