"""A file is claimed by exactly one ticket, however close two requests that name it come."""

from __future__ import annotations

import pytest

from deskline.core.errors import ValidationFailed
from deskline.testing.factories import make_ticket
from deskline.testing.faults import attachments_claimed_meanwhile
from deskline.testing.scenario import Helpdesk, row_counts
from deskline.tickets.actions import (
    attachment_upload,
    ticket_comment,
    ticket_create,
    ticket_update,
)
from deskline.tickets.models import Attachment


@pytest.fixture
def tickets(helpdesk: Helpdesk):
    first = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    other = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    return first, other


def _upload(helpdesk: Helpdesk, user=None) -> Attachment:
    return attachment_upload(
        actor=user or helpdesk.alice, filename="vpn-log.txt", content=b"timeout\n"
    )


def _refused_and_left_with(other, attachment: Attachment, before) -> None:
    # The action's transaction rolled back whole: the concurrent claim (made inside it by the
    # trigger) is undone with it, and the file is still free; nothing else was written.
    assert row_counts() == before
    assert Attachment.objects.get(pk=attachment.pk).ticket_id is None


def test_a_reply_does_not_take_a_file_another_request_claimed_meanwhile(helpdesk, tickets):
    first, other = tickets
    log = _upload(helpdesk)
    before = row_counts()

    with attachments_claimed_meanwhile(other.pk), pytest.raises(ValidationFailed) as refused:
        ticket_comment(actor=helpdesk.alice, ticket=first, body="see log", attachment_ids=[log.pk])

    assert refused.value.code == "invalid_attachment"
    _refused_and_left_with(other, log, before)


def test_a_new_request_does_not_take_a_file_claimed_meanwhile(helpdesk, tickets):
    _first, other = tickets
    quote = _upload(helpdesk)
    before = row_counts()

    with attachments_claimed_meanwhile(other.pk), pytest.raises(ValidationFailed) as refused:
        ticket_create(
            actor=helpdesk.alice,
            desk=helpdesk.it,
            request_type=helpdesk.laptop,
            summary="New laptop",
            fields={"location": "Shanghai", "quote": [quote.pk]},
        )

    assert refused.value.code == "invalid_attachment"
    _refused_and_left_with(other, quote, before)


def test_a_field_change_does_not_take_a_file_claimed_meanwhile(helpdesk):
    ticket = ticket_create(
        actor=helpdesk.alice,
        desk=helpdesk.it,
        request_type=helpdesk.laptop,
        summary="New laptop",
        fields={"location": "Shanghai"},
    )
    other = make_ticket(desk=helpdesk.it, reporter=helpdesk.li, request_type=helpdesk.laptop,
                        fields={"location": "Sydney"})  # fmt: skip
    quote = _upload(helpdesk, helpdesk.li)
    before = row_counts()

    with attachments_claimed_meanwhile(other.pk), pytest.raises(ValidationFailed) as refused:
        ticket_update(actor=helpdesk.li, ticket=ticket, changes={"fields": {"quote": [quote.pk]}})

    assert refused.value.code == "invalid_attachment"
    _refused_and_left_with(other, quote, before)
    ticket.refresh_from_db()
    assert "quote" not in ticket.fields


def test_without_a_race_the_file_goes_to_the_one_ticket_that_names_it(helpdesk, tickets):
    first, other = tickets
    log = _upload(helpdesk)
    ticket_comment(actor=helpdesk.alice, ticket=first, body="see log", attachment_ids=[log.pk])

    with pytest.raises(ValidationFailed):
        ticket_comment(actor=helpdesk.alice, ticket=other, body="again", attachment_ids=[log.pk])

    assert Attachment.objects.get(pk=log.pk).ticket_id == first.pk
