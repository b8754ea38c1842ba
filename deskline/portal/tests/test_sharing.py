"""The reporter shares and unshares their request from its page in the help center."""

from __future__ import annotations

from deskline.testing.factories import make_ticket
from deskline.testing.scenario import row_counts, ticket_state
from deskline.tickets.actions import ticket_comment
from deskline.tickets.models import Ticket


def alices_request(helpdesk, *, shared: bool = False) -> Ticket:
    return make_ticket(
        desk=helpdesk.it,
        reporter=helpdesk.alice,
        request_type=helpdesk.password_reset,
        is_shared_with_organization=shared,
    )


def test_the_reporter_shares_and_unshares_their_request(helpdesk, signed_in):
    ticket = alices_request(helpdesk)
    alice, bob = signed_in(helpdesk.alice), signed_in(helpdesk.bob)
    page = alice.get(f"/requests/{ticket.key}/").content.decode()
    assert "Share with Acme" in page
    assert bob.get(f"/requests/{ticket.key}/").status_code == 404

    shared = alice.post(f"/requests/{ticket.key}/sharing/", {"is_shared": "true"}, follow=True)

    assert "Shared with Acme: your colleagues there can follow it now." in shared.content.decode()
    assert "Stop sharing" in shared.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).is_shared_with_organization is True
    assert bob.get(f"/requests/{ticket.key}/").status_code == 200
    ticket_comment(actor=helpdesk.bob, ticket=ticket, body="Me too")

    unshared = alice.post(f"/requests/{ticket.key}/sharing/", {"is_shared": "false"}, follow=True)

    assert "No longer shared" in unshared.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).is_shared_with_organization is False
    # Bob commented, but he only saw the request because it was shared
    assert bob.get(f"/requests/{ticket.key}/").status_code == 404


def test_a_colleague_sees_no_control_and_cannot_unshare(helpdesk, signed_in):
    ticket = alices_request(helpdesk, shared=True)
    bob = signed_in(helpdesk.bob)
    before, state = row_counts(), ticket_state(ticket)

    page = bob.get(f"/requests/{ticket.key}/").content.decode()
    response = bob.post(f"/requests/{ticket.key}/sharing/", {"is_shared": "false"})

    assert "Stop sharing" not in page
    assert response.status_code == 403
    assert row_counts() == before
    assert ticket_state(ticket) == state


def test_strangers_get_404_and_a_bad_value_changes_nothing(helpdesk, signed_in):
    ticket = alices_request(helpdesk)
    before, state = row_counts(), ticket_state(ticket)

    stranger = signed_in(helpdesk.carol).post(
        f"/requests/{ticket.key}/sharing/", {"is_shared": "true"}
    )
    odd = signed_in(helpdesk.alice).post(
        f"/requests/{ticket.key}/sharing/", {"is_shared": "maybe"}, follow=True
    )
    read = signed_in(helpdesk.alice).get(f"/requests/{ticket.key}/sharing/")

    assert stranger.status_code == 404
    assert "Choose whether to share the request." in odd.content.decode()
    assert read.status_code == 405
    assert row_counts() == before
    assert ticket_state(ticket) == state


def test_a_request_without_an_organization_offers_no_sharing(helpdesk, signed_in):
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.carol, request_type=helpdesk.password_reset
    )

    page = signed_in(helpdesk.carol).get(f"/requests/{ticket.key}/").content.decode()

    assert 'id="sharing"' not in page
