"""Threading: which ticket a message answers, from its Message-IDs and its subject."""

from __future__ import annotations

import pytest

from deskline.mail.inbound import receive
from deskline.mail.tests.mailbuilder import mail, make_mailbox
from deskline.mail.threading import (
    clean_subject,
    dedupe_key,
    is_own_message_id,
    own_message_ticket_key,
    subject_ticket_key,
    thread_ids,
    ticket_for_message_ids,
)
from deskline.testing.factories import make_ticket
from deskline.testing.scenario import build_helpdesk
from deskline.tickets.actions import ticket_move


@pytest.mark.parametrize(
    ("subject", "summary"),
    [
        ("Re: [IT-42] Printer jammed", "Printer jammed"),
        ("RE: Fwd: AW: WG: Printer jammed", "Printer jammed"),
        ("Re[2]: Printer jammed", "Printer jammed"),
        ("回复：[IT-42] 打印机卡纸", "打印机卡纸"),
        ("转发: 打印机卡纸", "打印机卡纸"),
        ("[IT-42] Re: Printer", "Printer"),
        ("Fwd:   Printer\t jammed  ", "Printer jammed"),
        ("Recap of the meeting", "Recap of the meeting"),
        ("Re:", ""),
        ("", ""),
    ],
)
def test_a_subject_loses_reply_prefixes_and_keys_as_a_summary(subject, summary):
    assert clean_subject(subject) == summary


@pytest.mark.parametrize(
    ("subject", "key"),
    [
        ("Re: [IT-42] Printer", "IT-42"),
        ("[ it-7 ] lower case", "IT-7"),
        ("Printer [HR-3] and [IT-4]", "HR-3"),
        ("IT-42 without brackets", None),
        ("[IT-0] no ticket has number 0", None),
        ("[1T-4] not a desk key", None),
        ("", None),
    ],
)
def test_the_ticket_key_in_a_subject(subject, key):
    assert subject_ticket_key(subject) == key


def test_deskline_s_own_message_ids_name_their_ticket():
    assert own_message_ticket_key("deskline.it-42.k3x9ab@desk.example.com") == "IT-42"
    assert own_message_ticket_key("deskline.it-42@desk.example.com") == "IT-42"
    assert own_message_ticket_key("deskline@desk.example.com") is None
    assert own_message_ticket_key("abc.it-42@desk.example.com") is None
    assert is_own_message_id("deskline.hr-3.x@d.example")
    assert not is_own_message_id(None)


def test_the_ids_a_reply_answers_come_in_reply_to_first_then_references_newest_first():
    assert thread_ids(["<c@x>"], ["a@x", " <b@x> ", "c@x"]) == ["c@x", "b@x", "a@x"]
    assert thread_ids([], []) == []


def test_a_dedupe_key_is_the_message_id_or_a_hash():
    assert dedupe_key("m1@acme.example", "ab" * 32) == "m1@acme.example"
    assert dedupe_key(None, "ab" * 32) == "sha256:" + "ab" * 32
    long_key = dedupe_key("x" * 300 + "@acme.example", "ab" * 32)
    assert long_key.startswith("sha256:")
    assert long_key == dedupe_key("x" * 300 + "@acme.example", "cd" * 32)


@pytest.mark.django_db
def test_ticket_for_message_ids_finds_received_messages_and_deskline_ids_in_order():
    helpdesk = build_helpdesk()
    mailbox = make_mailbox(helpdesk)
    first = receive(mail(), mailbox=mailbox, source="file").ticket
    second = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.bob, request_type=helpdesk.password_reset
    )

    assert ticket_for_message_ids(["m1@acme.example"]) == first
    assert ticket_for_message_ids([f"deskline.{second.key.lower()}.x@d.example"]) == second
    # The first id Deskline knows wins, whichever kind it is.
    assert ticket_for_message_ids(["unknown@x", "m1@acme.example", "deskline.it-2@d"]) == first
    assert ticket_for_message_ids(["deskline.it-2@d", "m1@acme.example"]) == second
    assert ticket_for_message_ids(["unknown@x", "deskline.it-99@d"]) is None
    assert ticket_for_message_ids([]) is None


@pytest.mark.django_db
def test_a_ticket_moved_to_another_desk_is_found_by_its_old_key():
    helpdesk = build_helpdesk()
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    moved = ticket_move(
        actor=helpdesk.admin, ticket=ticket, desk=helpdesk.hr, request_type=helpdesk.onboarding
    )

    assert ticket_for_message_ids(["deskline.it-1.abc@d.example"]) == moved
    assert moved.key == "HR-1"
