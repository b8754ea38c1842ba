"""ticket_comment: public replies, internal notes, their files, and what each writes."""

import datetime

import pytest
import time_machine

from deskline.core.errors import PermissionDenied, ValidationFailed
from deskline.testing.factories import make_ticket
from deskline.testing.markup import DANGEROUS_MARKDOWN, assert_safe
from deskline.testing.scenario import Helpdesk, row_counts, ticket_state
from deskline.tickets.actions import attachment_upload, ticket_comment
from deskline.tickets.models import Attachment, Comment, Ticket, TicketEvent
from deskline.tickets.selectors import ticket_comments, ticket_events

pytestmark = pytest.mark.django_db

LATER = datetime.datetime(2026, 4, 1, 15, 0, tzinfo=datetime.UTC)


@pytest.fixture
def ticket(helpdesk: Helpdesk) -> Ticket:
    return make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )


def test_a_reply_is_stored_rendered_and_audited(helpdesk: Helpdesk, ticket):
    with time_machine.travel(LATER, tick=False):
        comment = ticket_comment(actor=helpdesk.li, ticket=ticket, body="Try **again**")

    assert (comment.author, comment.is_public, comment.created_at) == (helpdesk.li, True, LATER)
    assert comment.body_html == "<p>Try <strong>again</strong></p>\n"
    fresh = Ticket.objects.get(pk=ticket.pk)
    assert (fresh.updated_at, fresh.version) == (LATER, 2)
    event = TicketEvent.objects.get(ticket=ticket, kind="commented")
    assert (event.actor, event.field, event.old_value, event.new_value, event.is_public) == (
        helpdesk.li,
        "comment",
        None,
        {"id": comment.pk, "is_public": True, "by_agent": True},
        True,
    )
    assert event.created_at == LATER


def test_an_internal_note_is_hidden_from_the_customer(helpdesk: Helpdesk, ticket):
    note = ticket_comment(actor=helpdesk.li, ticket=ticket, body="VIP", is_public=False)

    assert list(ticket_comments(user=helpdesk.alice, ticket=ticket)) == []
    assert list(ticket_comments(user=helpdesk.li, ticket=ticket)) == [note]
    assert [e.kind for e in ticket_events(user=helpdesk.alice, ticket=ticket)] == ["created"]
    assert [e.kind for e in ticket_events(user=helpdesk.li, ticket=ticket)] == [
        "created",
        "commented",
    ]
    assert TicketEvent.objects.get(kind="commented").is_public is False


def test_an_agent_of_another_desk_reads_a_ticket_like_a_customer(helpdesk: Helpdesk, ticket):
    ticket_comment(actor=helpdesk.li, ticket=ticket, body="VIP", is_public=False)
    ticket.participants.add(helpdesk.hana)

    assert list(ticket_comments(user=helpdesk.hana, ticket=ticket)) == []
    with pytest.raises(PermissionDenied):
        ticket_comment(actor=helpdesk.hana, ticket=ticket, body="Also VIP", is_public=False)


def test_a_customer_cannot_write_an_internal_note(helpdesk: Helpdesk, ticket):
    before, state = row_counts(), ticket_state(ticket)

    with pytest.raises(PermissionDenied) as refused:
        ticket_comment(actor=helpdesk.alice, ticket=ticket, body="Secret", is_public=False)

    assert refused.value.code == "internal_note_not_allowed"
    assert row_counts() == before
    assert ticket_state(ticket) == state


def test_a_colleague_who_replies_becomes_a_participant(helpdesk: Helpdesk):
    shared = make_ticket(
        desk=helpdesk.it,
        reporter=helpdesk.alice,
        request_type=helpdesk.password_reset,
        is_shared_with_organization=True,
    )

    ticket_comment(actor=helpdesk.bob, ticket=shared, body="Same problem here")
    ticket_comment(actor=helpdesk.alice, ticket=shared, body="Thanks Bob")
    ticket_comment(actor=helpdesk.li, ticket=shared, body="Fixed for both")

    assert list(shared.participants.all()) == [helpdesk.bob]


@pytest.mark.parametrize(
    ("body", "code"),
    [("", "body_required"), ("  \n\t", "body_required"), (None, "body_required"),
     ("x" * 100_001, "text_too_long")],
)  # fmt: skip
def test_an_empty_or_huge_comment_is_refused(helpdesk: Helpdesk, ticket, body, code):
    before, state = row_counts(), ticket_state(ticket)

    with pytest.raises(ValidationFailed) as refused:
        ticket_comment(actor=helpdesk.alice, ticket=ticket, body=body)

    assert refused.value.code == code
    assert row_counts() == before
    assert ticket_state(ticket) == state


@pytest.mark.parametrize("markdown", DANGEROUS_MARKDOWN)
def test_a_comment_never_renders_a_script_or_a_javascript_link(
    helpdesk: Helpdesk, ticket, markdown
):
    comment = ticket_comment(actor=helpdesk.alice, ticket=ticket, body=markdown)

    assert comment.body == markdown
    assert_safe(comment.body_html)
    assert "<script" not in comment.body_html.lower()


def test_files_uploaded_first_are_attached_to_the_comment(helpdesk: Helpdesk, ticket):
    log = attachment_upload(actor=helpdesk.alice, filename="vpn.log", content=b"timeout\n")
    shot = attachment_upload(
        actor=helpdesk.alice, filename="screen.png", content=b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    )

    comment = ticket_comment(
        actor=helpdesk.alice, ticket=ticket, body="Logs attached", attachment_ids=[log.pk, shot.pk]
    )

    assert list(comment.attachments.order_by("id")) == [log, shot]
    assert list(Attachment.objects.filter(ticket=ticket).order_by("id")) == [log, shot]


def test_someone_elses_upload_cannot_be_claimed(helpdesk: Helpdesk, ticket):
    foreign = attachment_upload(actor=helpdesk.carol, filename="notes.txt", content=b"carol's")
    before, state = row_counts(), ticket_state(ticket)

    with pytest.raises(ValidationFailed) as refused:
        ticket_comment(
            actor=helpdesk.alice, ticket=ticket, body="Look", attachment_ids=[foreign.pk]
        )

    assert refused.value.code == "invalid_attachment"
    assert row_counts() == before
    assert ticket_state(ticket) == state
    foreign.refresh_from_db()
    assert (foreign.ticket, foreign.comment) == (None, None)


def test_an_upload_is_claimed_only_once(helpdesk: Helpdesk, ticket):
    log = attachment_upload(actor=helpdesk.alice, filename="vpn.log", content=b"timeout\n")
    first = ticket_comment(actor=helpdesk.alice, ticket=ticket, body="One", attachment_ids=[log.pk])
    before = row_counts()

    with pytest.raises(ValidationFailed) as refused:
        ticket_comment(actor=helpdesk.alice, ticket=ticket, body="Two", attachment_ids=[log.pk])

    assert refused.value.code == "invalid_attachment"
    assert row_counts() == before
    assert Attachment.objects.get(pk=log.pk).comment == first


def test_a_comment_with_one_bad_attachment_claims_none(helpdesk: Helpdesk, ticket):
    mine = attachment_upload(actor=helpdesk.alice, filename="a.txt", content=b"a")
    before = row_counts()

    with pytest.raises(ValidationFailed):
        ticket_comment(
            actor=helpdesk.alice, ticket=ticket, body="Files", attachment_ids=[mine.pk, 999_999]
        )

    assert row_counts() == before
    assert Attachment.objects.get(pk=mine.pk).ticket is None
    assert Comment.objects.count() == 0


@pytest.mark.parametrize(
    "ids", [[2**63], [0], list(range(1, 22))], ids=["past-an-integer", "zero", "too-many"]
)
def test_attachment_ids_no_row_can_have_or_too_many_are_refused_at_any_door(
    helpdesk: Helpdesk, ticket, ids
):
    before = row_counts()
    with pytest.raises(ValidationFailed) as refused:
        ticket_comment(actor=helpdesk.alice, ticket=ticket, body="see files", attachment_ids=ids)
    assert (refused.value.code, list(refused.value.fields)) == (
        "invalid_attachment",
        ["attachments"],
    )
    assert row_counts() == before
