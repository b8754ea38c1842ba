"""The ticket page: conversation, composer, side panel changes and stale-form conflicts."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from deskline.accounts.actors import SLA, system_actor
from deskline.testing.scenario import Helpdesk, ticket_state
from deskline.tickets.actions import ticket_comment, ticket_update
from deskline.tickets.models import Ticket
from deskline.tickets.selectors import ticket_comments
from deskline.workspace.tests.conftest import it_ticket, signed_in

pytestmark = pytest.mark.django_db


def test_the_ticket_page_shows_the_conversation_with_notes_set_apart(helpdesk: Helpdesk):
    ticket = it_ticket(helpdesk, summary="Cannot sign in", description="Since **Monday**")
    ticket_comment(actor=helpdesk.li, ticket=ticket, body="Try again now")
    ticket_comment(actor=helpdesk.li, ticket=ticket, body="Reset in AD", is_public=False)

    page = signed_in(helpdesk.li).get(f"/agent/tickets/{ticket.key}/").content.decode()

    assert "Cannot sign in" in page and "<strong>Monday</strong>" in page
    assert 'class="entry is-agent"' in page
    assert 'class="entry is-note"' in page and "Internal note</span>" in page
    assert '<label for="reply-body">Reply to customer</label>' in page
    assert '<label for="note-body">Internal note</label>' in page
    assert ">Send reply</button>" in page and ">Add note</button>" in page
    assert ">Assign to me</button>" in page
    assert "<summary>History (3 changes)</summary>" in page


def test_a_lower_case_key_redirects_to_the_ticket(helpdesk: Helpdesk):
    ticket = it_ticket(helpdesk)

    response = signed_in(helpdesk.li).get(f"/agent/tickets/{ticket.key.lower()}/")

    assert response.status_code == 302
    assert response["Location"] == f"/agent/tickets/{ticket.key}/"


def test_assign_to_me_makes_me_the_assignee(helpdesk: Helpdesk):
    ticket = it_ticket(helpdesk)

    response = signed_in(helpdesk.li).post(
        f"/agent/tickets/{ticket.key}/assign-to-me/", {"version": ticket.version}, follow=True
    )

    assert response.status_code == 200
    assert "The ticket is assigned to you." in response.content.decode()
    assert Ticket.objects.get(pk=ticket.pk).assignee == helpdesk.li
    assert ">Assign to me</button>" not in response.content.decode()


def test_a_reply_reaches_the_customer_and_a_note_does_not(helpdesk: Helpdesk):
    ticket = it_ticket(helpdesk)
    client = signed_in(helpdesk.li)

    # when Li sends a reply with a file, and adds an internal note
    reply = client.post(
        f"/agent/tickets/{ticket.key}/comments/",
        {
            "visibility": "public",
            "body": "Please restart",
            "attachments": SimpleUploadedFile("log.txt", b"restart log"),
        },
    )
    note = client.post(
        f"/agent/tickets/{ticket.key}/comments/",
        {"visibility": "internal", "body": "Her account was locked"},
    )

    # then both are stored, and Alice sees only the reply
    assert reply.status_code == 302 and note.status_code == 302
    for_li = list(ticket_comments(user=helpdesk.li, ticket=ticket))
    for_alice = list(ticket_comments(user=helpdesk.alice, ticket=ticket))
    assert [(c.body, c.is_public) for c in for_li] == [
        ("Please restart", True),
        ("Her account was locked", False),
    ]
    assert [c.body for c in for_alice] == ["Please restart"]
    assert [a.filename for a in for_li[0].attachments.all()] == ["log.txt"]


def test_an_empty_reply_is_refused_next_to_the_field_and_the_files_are_not_stored(
    helpdesk: Helpdesk,
):
    ticket = it_ticket(helpdesk)
    before = ticket_state(ticket)

    response = signed_in(helpdesk.li).post(
        f"/agent/tickets/{ticket.key}/comments/",
        {"visibility": "internal", "body": "   ", "attachments": SimpleUploadedFile("a.txt", b"x")},
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="note-body-error">Write a message.</p>' in page
    assert 'id="reply-body-error"' not in page
    assert ticket_state(ticket) == before
    from deskline.tickets.models import Attachment

    assert Attachment.objects.count() == 0


def test_the_markdown_preview_renders_safe_html(helpdesk: Helpdesk):
    response = signed_in(helpdesk.li).post(
        "/agent/preview/", {"body": "**bold** <script>alert(1)</script>"}
    )

    assert response.status_code == 200
    assert "<strong>bold</strong>" in response.content.decode()
    assert "<script>" not in response.content.decode()


def test_only_allowed_transitions_are_offered_and_accepted(helpdesk: Helpdesk):
    ticket = it_ticket(helpdesk)
    client = signed_in(helpdesk.li)
    client.post(
        f"/agent/tickets/{ticket.key}/transition/",
        {"status": "closed", "version": ticket.version},
    )
    closed = Ticket.objects.get(pk=ticket.pk)
    assert closed.status.key == "closed"

    # a closed ticket offers no move, and a forged one is refused next to the field
    page = client.get(f"/agent/tickets/{ticket.key}/").content.decode()
    assert "This status is final." in page
    before = ticket_state(closed)
    response = client.post(
        f"/agent/tickets/{ticket.key}/transition/",
        {"status": "in_progress", "version": closed.version},
    )
    assert response.status_code == 400
    assert "A request in Closed cannot move to In progress." in response.content.decode()
    assert ticket_state(closed) == before


def test_the_status_select_lists_only_the_next_statuses(helpdesk: Helpdesk):
    ticket = it_ticket(helpdesk)
    ticket_update(actor=helpdesk.li, ticket=ticket, changes={"priority": "high"})
    from deskline.tickets.actions import ticket_transition

    ticket_transition(actor=helpdesk.li, ticket=ticket, status="waiting_for_customer")

    page = signed_in(helpdesk.li).get(f"/agent/tickets/{ticket.key}/").content.decode()
    select = page.split('id="ticket-status"')[1].split("</select>")[0]

    assert 'value="in_progress"' in select and 'value="resolved"' in select
    assert 'value="closed"' not in select and 'value="open"' not in select


def test_a_stale_form_gets_a_conflict_message_instead_of_overwriting(helpdesk: Helpdesk):
    # given Li opened the ticket at version 1, then Hana... an agent changed the priority
    ticket = it_ticket(helpdesk)
    stale_version = ticket.version
    ticket_update(actor=helpdesk.li, ticket=ticket, changes={"priority": "critical"})
    before = ticket_state(ticket)

    # when Li saves the form she opened before
    response = signed_in(helpdesk.li).post(
        f"/agent/tickets/{ticket.key}/details/",
        {"version": stale_version, "priority": "low", "assignee": "", "team": "", "labels": ""},
    )

    # then nothing is overwritten and she is told why
    assert response.status_code == 409
    assert "Someone changed this ticket after you opened it" in response.content.decode()
    assert ticket_state(ticket) == before


def test_a_stale_transition_is_refused_too(helpdesk: Helpdesk):
    ticket = it_ticket(helpdesk)
    stale_version = ticket.version
    ticket_update(actor=helpdesk.li, ticket=ticket, changes={"priority": "critical"})
    before = ticket_state(ticket)

    response = signed_in(helpdesk.li).post(
        f"/agent/tickets/{ticket.key}/transition/",
        {"version": stale_version, "status": "resolved"},
    )

    assert response.status_code == 409
    assert ticket_state(ticket) == before


def test_the_side_panel_changes_priority_team_labels_and_fields(helpdesk: Helpdesk):
    from deskline.testing.factories import make_ticket

    ticket = make_ticket(
        desk=helpdesk.it,
        reporter=helpdesk.alice,
        request_type=helpdesk.laptop,
        fields={"location": "Berlin"},
    )

    response = signed_in(helpdesk.li).post(
        f"/agent/tickets/{ticket.key}/details/",
        {
            "version": ticket.version,
            "priority": "high",
            "assignee": helpdesk.li.email,
            "team": "Frontline",
            "labels": "vpn, Remote",
            "field_location": "Shanghai",
            "field_model": "MacBook",
            "field_extras": ["Dock", "Mouse"],
            "field_quantity": "",
        },
    )

    assert response.status_code == 302
    changed = Ticket.objects.get(pk=ticket.pk)
    assert changed.priority == "high"
    assert changed.assignee == helpdesk.li
    assert changed.team == helpdesk.frontline
    assert sorted(changed.labels.values_list("name", flat=True)) == ["remote", "vpn"]
    assert changed.fields == {
        "location": "Shanghai",
        "model": "MacBook",
        "extras": ["Dock", "Mouse"],
    }


def test_bad_field_values_are_shown_next_to_the_field_with_the_input_kept(helpdesk: Helpdesk):
    from deskline.testing.factories import make_ticket

    ticket = make_ticket(
        desk=helpdesk.it,
        reporter=helpdesk.alice,
        request_type=helpdesk.laptop,
        fields={"location": "Berlin"},
    )
    before = ticket_state(ticket)

    response = signed_in(helpdesk.li).post(
        f"/agent/tickets/{ticket.key}/details/",
        {
            "version": ticket.version,
            "priority": "high",
            "assignee": "",
            "team": "",
            "labels": "ok",
            "field_location": "",
            "field_quantity": "many",
        },
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="field_quantity-error">Enter a number.</p>' in page
    assert 'id="field_location-error">This field is required.</p>' in page
    assert 'value="many"' in page
    assert ticket_state(ticket) == before


def test_related_tickets_are_the_same_reporters_other_requests(helpdesk: Helpdesk):
    older = it_ticket(helpdesk, summary="Old printer problem")
    it_ticket(helpdesk, reporter=helpdesk.bob, summary="Bob's thing")
    ticket = it_ticket(helpdesk)

    page = signed_in(helpdesk.li).get(f"/agent/tickets/{ticket.key}/").content.decode()
    related = page.split("Other recent requests")[1]

    assert older.key in related and "Old printer problem" in related
    assert "Bob&#x27;s thing" not in related


def test_the_history_names_a_system_actor_in_the_readers_language(helpdesk: Helpdesk):
    ticket = it_ticket(helpdesk)
    ticket_update(actor=system_actor(SLA), ticket=ticket, changes={"priority": "high"})

    page = signed_in(helpdesk.li).get(
        f"/agent/tickets/{ticket.key}/", headers={"accept-language": "zh-hans"}
    )

    assert "<strong>服务级别</strong>" in page.content.decode()
    assert "sla@system.deskline.invalid" not in page.content.decode()
