"""Bad input to the workspace is a 4xx page that changes nothing, never a 500."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from deskline.core.errors import Conflict
from deskline.testing.factories import make_ticket
from deskline.testing.scenario import Helpdesk, ticket_state
from deskline.tickets import queues
from deskline.tickets.actions import COMMENT_MAX, ticket_transition, ticket_update
from deskline.tickets.models import Attachment, Ticket
from deskline.workspace.tests.conftest import it_ticket, raw_cursor, signed_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("request_type", ["²", "9" * 30, "9" * 5000, "-1", "0", "one"])
def test_a_request_type_that_is_not_an_id_is_shown_next_to_the_field(
    helpdesk: Helpdesk, request_type: str
):
    it_ticket(helpdesk)

    response = signed_in(helpdesk.li).get("/agent/queues/desk-it/", {"request_type": request_type})

    assert response.status_code == 400
    assert (
        '<p class="field-error" id="filter-request-type-error">'
        "Choose a request type from the list.</p>"
    ) in response.content.decode()


@pytest.mark.parametrize(
    ("sort", "cursor"),
    [
        ("newest", raw_cursor("u2025-01-01T00:00:00+00:00|3")),  # another sort's cursor
        ("oldest", raw_cursor("t0")),
        ("updated", raw_cursor("u2025-01-01T00:00:00|3")),  # a naive time
        ("updated", raw_cursor("unot a time|3")),
        ("priority", raw_cursor("p1|-4")),
        ("priority", raw_cursor("pone|4")),
        ("priority", "%%%"),
        ("due", raw_cursor("p1|4")),  # another sort's cursor
        ("due", raw_cursor("d2025-01-01T00:00:00|3")),  # a naive time
        ("due", raw_cursor("d0001-01-01T00:00:00+14:00|3")),  # before the first instant
    ],
)
def test_a_malformed_cursor_of_each_sort_is_a_400(helpdesk: Helpdesk, sort: str, cursor: str):
    it_ticket(helpdesk)

    response = signed_in(helpdesk.li).get(
        "/agent/queues/desk-it/", {"sort": sort, "cursor": cursor}
    )

    assert response.status_code == 400
    assert "Back to the first page" in response.content.decode()


def test_a_version_that_is_not_a_number_is_refused_without_a_change(helpdesk: Helpdesk):
    ticket = it_ticket(helpdesk)
    before = ticket_state(ticket)

    response = signed_in(helpdesk.li).post(
        f"/agent/tickets/{ticket.key}/transition/", {"status": "resolved", "version": "²"}
    )

    assert response.status_code == 400
    assert "Reload the page and try again." in response.content.decode()
    assert ticket_state(ticket) == before


def test_a_nul_character_anywhere_is_refused_before_any_change(helpdesk: Helpdesk):
    # PostgreSQL cannot store or compare text with NUL, so it must never reach a query.
    ticket = it_ticket(helpdesk)
    before = ticket_state(ticket)
    client = signed_in(helpdesk.li)

    search = client.get("/agent/queues/desk-it/", {"q": "vpn\x00"})
    labels = client.post(
        f"/agent/tickets/{ticket.key}/details/",
        {"version": ticket.version, "priority": "high", "labels": "vpn\x00"},
    )

    assert (search.status_code, labels.status_code) == (400, 400)
    assert labels.content.decode() == "Some values are not valid."
    assert ticket_state(ticket) == before


def test_a_refused_message_leaves_no_attached_file_behind(helpdesk: Helpdesk):
    ticket = it_ticket(helpdesk)
    before = ticket_state(ticket)

    response = signed_in(helpdesk.li).post(
        f"/agent/tickets/{ticket.key}/comments/",
        {
            "visibility": "public",
            "body": "x" * (COMMENT_MAX + 1),
            "attachments": SimpleUploadedFile("log.txt", b"restart log"),
        },
    )

    assert response.status_code == 400
    assert "Keep this under 100000 characters." in response.content.decode()
    assert Attachment.objects.count() == 0
    assert ticket_state(ticket) == before


def test_a_bulk_change_refuses_the_agents_own_request_on_another_desk(helpdesk: Helpdesk):
    # given Li's own request with HR, a desk she does not serve (the workspace 404s on it)
    own = make_ticket(desk=helpdesk.hr, reporter=helpdesk.li, request_type=helpdesk.onboarding)
    before = ticket_state(own)

    # when she ticks it in a forged bulk change to Resolved
    response = signed_in(helpdesk.li).post(
        "/agent/queues/desk-it/bulk/",
        {"tickets": [own.key], "action": "status", "status": "resolved"},
        follow=True,
    )

    # then it is named as not found, and stays as it was
    assert f"{own.key}: There is no ticket with this key." in response.content.decode()
    assert ticket_state(own) == before


def test_a_ticket_ticked_twice_is_changed_once(helpdesk: Helpdesk):
    ticket = it_ticket(helpdesk)

    response = signed_in(helpdesk.li).post(
        "/agent/queues/desk-it/bulk/",
        {"tickets": [ticket.key, ticket.key], "action": "status", "status": "in_progress"},
        follow=True,
    )

    page = response.content.decode()
    assert f"Changed 1 ticket: {ticket.key}." in page
    assert "not changed" not in page
    assert Ticket.objects.get(pk=ticket.pk).status.key == "in_progress"


def test_a_stale_transition_raises_conflict_in_the_action_itself(helpdesk: Helpdesk):
    ticket = it_ticket(helpdesk)
    stale_version = ticket.version
    ticket_update(actor=helpdesk.li, ticket=ticket, changes={"priority": "critical"})
    before = ticket_state(ticket)

    with pytest.raises(Conflict):
        ticket_transition(
            actor=helpdesk.li, ticket=ticket, status="resolved", expected_version=stale_version
        )

    assert ticket_state(ticket) == before


def test_the_history_names_fields_in_words(helpdesk: Helpdesk):
    ticket = it_ticket(helpdesk)
    ticket_update(actor=helpdesk.li, ticket=ticket, changes={"priority": "critical"})

    page = signed_in(helpdesk.li).get(f"/agent/tickets/{ticket.key}/").content.decode()

    history = page.split('class="events"')[1]
    assert "Changed: Priority" in history
    assert "Changed: priority" not in history


def test_request_type_options_are_labelled_through_the_translation_catalogue(
    helpdesk: Helpdesk, monkeypatch
):
    # The "desk: name" pattern is punctuated per language (Chinese uses a full-width colon).
    monkeypatch.setattr(queues, "_", lambda text: f"«{text}»")

    with translation.override("en"):
        options = queues.queue_filter_options(helpdesk.li)

    reset = helpdesk.password_reset
    assert (reset.pk, f"«{helpdesk.it.key}: {reset.name}»") in options.request_types
