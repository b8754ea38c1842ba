"""Sharing a request with the reporter's organization, and who keeps it when it is unshared.

Colleagues read a shared request (and may comment: that makes them participants "because they
commented"); unshared, only the reporter, the desk's agents and the people the reporter or an
agent added read it.
"""

from __future__ import annotations

import pytest

from deskline.core.errors import NotFound, PermissionDenied, ValidationFailed
from deskline.testing.factories import make_ticket
from deskline.testing.scenario import Helpdesk, row_counts, ticket_state
from deskline.tickets.access import access_ticket, visible_tickets
from deskline.tickets.actions import ticket_comment
from deskline.tickets.models import EventKind, Participant, ParticipantReason, Ticket, TicketEvent
from deskline.tickets.sharing import ticket_participant_add, ticket_share_set


@pytest.fixture
def shared(helpdesk: Helpdesk) -> Ticket:
    """Alice's request, shared with Acme (Alice and Bob)."""
    return make_ticket(
        desk=helpdesk.it,
        reporter=helpdesk.alice,
        request_type=helpdesk.password_reset,
        is_shared_with_organization=True,
    )


def sees(person, ticket: Ticket) -> bool:
    in_lists = visible_tickets(person).filter(pk=ticket.pk).exists()
    try:
        access_ticket(person, ticket.key)
    except NotFound:
        assert not in_lists
        return False
    assert in_lists
    return True


def test_a_colleague_who_commented_loses_the_request_when_it_is_unshared(
    helpdesk: Helpdesk, shared: Ticket
):
    # Given Bob, who commented on Alice's shared request, and Carol, whom Alice added
    ticket_comment(actor=helpdesk.bob, ticket=shared, body="Same here")
    ticket_participant_add(actor=helpdesk.alice, ticket=shared, person=helpdesk.carol)
    assert Participant.objects.get(user=helpdesk.bob).reason == ParticipantReason.COMMENTED
    assert sees(helpdesk.bob, shared) and sees(helpdesk.carol, shared)

    # When Alice stops sharing it
    ticket_share_set(actor=helpdesk.alice, ticket=shared, is_shared=False)

    # Then Bob no longer reads it; Alice, Carol and the desk's agents still do
    assert not sees(helpdesk.bob, shared)
    assert sees(helpdesk.alice, shared)
    assert sees(helpdesk.carol, shared)
    assert sees(helpdesk.li, shared)
    assert not sees(helpdesk.hana, shared)
    # Bob stays a participant, for when it is shared again
    assert set(shared.participants.all()) == {helpdesk.bob, helpdesk.carol}

    # And sharing it again gives his colleagues, Bob among them, the request back
    ticket_share_set(actor=helpdesk.alice, ticket=shared, is_shared=True)
    assert sees(helpdesk.bob, shared)


def test_changing_the_sharing_is_audited_once(helpdesk: Helpdesk, shared: Ticket):
    version = shared.version

    changed = ticket_share_set(actor=helpdesk.alice, ticket=shared, is_shared=False)
    again = ticket_share_set(actor=helpdesk.alice, ticket=changed, is_shared=False)

    assert changed.is_shared_with_organization is False
    assert again.version == changed.version == version + 1
    events = TicketEvent.objects.filter(ticket=shared, kind=EventKind.CHANGED)
    assert [(e.actor, e.field, e.old_value, e.new_value) for e in events] == [
        (helpdesk.alice, "is_shared_with_organization", True, False)
    ]


def test_an_agent_of_the_desk_may_change_the_sharing(helpdesk: Helpdesk, shared: Ticket):
    ticket_share_set(actor=helpdesk.li, ticket=shared, is_shared=False)

    assert Ticket.objects.get(pk=shared.pk).is_shared_with_organization is False


@pytest.mark.parametrize("who", ["bob", "hana", "carol"])
def test_nobody_else_changes_the_sharing_and_nothing_is_written(
    helpdesk: Helpdesk, shared: Ticket, who: str
):
    before, state = row_counts(), ticket_state(shared)

    with pytest.raises(PermissionDenied) as refused:
        ticket_share_set(actor=getattr(helpdesk, who), ticket=shared, is_shared=False)
    with pytest.raises(PermissionDenied):
        ticket_participant_add(actor=getattr(helpdesk, who), ticket=shared, person=helpdesk.li)

    assert refused.value.code == "sharing_not_allowed"
    assert row_counts() == before
    assert ticket_state(shared) == state


def test_a_request_without_an_organization_cannot_be_shared(helpdesk: Helpdesk):
    carols = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.carol, request_type=helpdesk.password_reset
    )
    before, state = row_counts(), ticket_state(carols)

    with pytest.raises(ValidationFailed) as refused:
        ticket_share_set(actor=helpdesk.carol, ticket=carols, is_shared=True)

    assert refused.value.code == "no_organization"
    assert row_counts() == before
    assert ticket_state(carols) == state


def test_adding_someone_who_commented_lets_them_keep_the_request(
    helpdesk: Helpdesk, shared: Ticket
):
    ticket_comment(actor=helpdesk.bob, ticket=shared, body="Same here")

    ticket_participant_add(actor=helpdesk.alice, ticket=shared, person=helpdesk.bob)
    ticket_participant_add(actor=helpdesk.alice, ticket=shared, person=helpdesk.bob)
    ticket_share_set(actor=helpdesk.alice, ticket=shared, is_shared=False)

    assert sees(helpdesk.bob, shared)
    assert Participant.objects.get(user=helpdesk.bob).reason == ParticipantReason.ADDED
    added = TicketEvent.objects.filter(ticket=shared, field="participants")
    assert [(event.old_value, event.new_value) for event in added] == [(None, "bob@acme.example")]


def test_the_reporter_cannot_be_added_to_their_own_request(helpdesk: Helpdesk, shared: Ticket):
    before = row_counts()

    with pytest.raises(ValidationFailed):
        ticket_participant_add(actor=helpdesk.li, ticket=shared, person=helpdesk.alice)

    assert row_counts() == before
    assert not Participant.objects.exists()
