"""Who may read and change which request, seen through API v1."""

import pytest

from deskline.testing.factories import ApiClient, make_ticket
from deskline.testing.scenario import Helpdesk, row_counts, ticket_state
from deskline.tickets.actions import ticket_comment, ticket_transition
from deskline.tickets.models import Ticket, TicketEvent
from deskline.tickets.sharing import ticket_participant_add

pytestmark = pytest.mark.django_db


def _keys(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["key"] for item in response.json()["items"]]


def _assert_not_found(response) -> None:
    assert response.status_code == 404, response.content
    assert response.json()["code"] == "ticket_not_found"


def test_customer_reads_their_own_request(helpdesk: Helpdesk):
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.carol, request_type=helpdesk.password_reset
    )

    response = ApiClient(helpdesk.carol).get(f"/tickets/{ticket.key}")

    assert response.status_code == 200
    assert response.json()["key"] == "IT-1"
    assert response.json()["reporter"] == {"email": "carol@example.com", "display_name": "Carol"}


def test_customer_never_reads_another_customers_request(helpdesk: Helpdesk):
    carols = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.carol, request_type=helpdesk.password_reset
    )
    alices = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    alice = ApiClient(helpdesk.alice)

    _assert_not_found(alice.get(f"/tickets/{carols.key}"))
    _assert_not_found(alice.get(f"/tickets/{carols.key}/comments"))
    _assert_not_found(alice.get(f"/tickets/{carols.key}/events"))
    _assert_not_found(alice.get(f"/tickets/{carols.key}/transitions"))
    assert _keys(alice.get("/tickets")) == [alices.key]


def test_unknown_and_hidden_tickets_answer_exactly_alike(helpdesk: Helpdesk):
    carols = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.carol, request_type=helpdesk.password_reset
    )
    alice = ApiClient(helpdesk.alice)

    hidden = alice.get(f"/tickets/{carols.key}")
    missing = alice.get("/tickets/IT-999")

    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


def test_organization_requests_are_visible_to_colleagues_only_when_shared(helpdesk: Helpdesk):
    private = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.bob, request_type=helpdesk.password_reset
    )
    shared = make_ticket(
        desk=helpdesk.it,
        reporter=helpdesk.bob,
        request_type=helpdesk.password_reset,
        is_shared_with_organization=True,
    )
    alice = ApiClient(helpdesk.alice)

    _assert_not_found(alice.get(f"/tickets/{private.key}"))
    assert alice.get(f"/tickets/{shared.key}").status_code == 200
    assert _keys(alice.get("/tickets")) == [shared.key]


def test_shared_requests_stay_inside_their_organization(helpdesk: Helpdesk):
    shared = make_ticket(
        desk=helpdesk.it,
        reporter=helpdesk.bob,
        request_type=helpdesk.password_reset,
        is_shared_with_organization=True,
    )
    carol = ApiClient(helpdesk.carol)

    _assert_not_found(carol.get(f"/tickets/{shared.key}"))
    assert _keys(carol.get("/tickets")) == []


def test_customer_reads_a_request_they_take_part_in(helpdesk: Helpdesk):
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    carol = ApiClient(helpdesk.carol)
    _assert_not_found(carol.get(f"/tickets/{ticket.key}"))

    ticket_participant_add(actor=helpdesk.alice, ticket=ticket, person=helpdesk.carol)

    assert carol.get(f"/tickets/{ticket.key}").status_code == 200
    assert _keys(carol.get("/tickets")) == [ticket.key]


def test_agent_sees_only_the_desks_their_teams_serve(helpdesk: Helpdesk):
    it_ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    hr_ticket = make_ticket(
        desk=helpdesk.hr, reporter=helpdesk.alice, request_type=helpdesk.onboarding
    )
    li = ApiClient(helpdesk.li)

    assert li.get(f"/tickets/{it_ticket.key}").status_code == 200
    _assert_not_found(li.get(f"/tickets/{hr_ticket.key}"))
    assert _keys(li.get("/tickets")) == ["IT-1"]
    assert _keys(ApiClient(helpdesk.hana).get("/tickets")) == ["HR-1"]


def test_agent_cannot_change_a_request_of_a_desk_they_do_not_serve(helpdesk: Helpdesk):
    hr_ticket = make_ticket(
        desk=helpdesk.hr, reporter=helpdesk.alice, request_type=helpdesk.onboarding
    )
    before, state = row_counts(), ticket_state(hr_ticket)
    li = ApiClient(helpdesk.li)

    _assert_not_found(li.patch(f"/tickets/{hr_ticket.key}", {"priority": "high"}))
    _assert_not_found(li.post(f"/tickets/{hr_ticket.key}/comments", {"body": "Hello"}))
    _assert_not_found(li.post(f"/tickets/{hr_ticket.key}/transitions", {"status": "in_progress"}))

    assert row_counts() == before
    assert ticket_state(hr_ticket) == state


def test_site_admin_sees_every_desk(helpdesk: Helpdesk):
    make_ticket(desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset)
    make_ticket(desk=helpdesk.hr, reporter=helpdesk.carol, request_type=helpdesk.onboarding)
    admin = ApiClient(helpdesk.admin)

    assert _keys(admin.get("/tickets")) == ["HR-1", "IT-1"]
    assert admin.get("/tickets/HR-1").status_code == 200
    assert admin.get("/tickets/IT-1").status_code == 200


def test_a_deactivated_agents_token_opens_nothing(helpdesk: Helpdesk):
    make_ticket(desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset)
    li = ApiClient(helpdesk.li)
    helpdesk.li.is_active = False
    helpdesk.li.save()

    response = li.get("/tickets/IT-1")

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_customer_never_sees_internal_notes(helpdesk: Helpdesk):
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    ticket_comment(actor=helpdesk.li, ticket=ticket, body="Looking into it", is_public=True)
    ticket_comment(actor=helpdesk.li, ticket=ticket, body="Their manager said no", is_public=False)
    alice, li = ApiClient(helpdesk.alice), ApiClient(helpdesk.li)

    customer_comments = alice.get(f"/tickets/{ticket.key}/comments").json()["items"]
    agent_comments = li.get(f"/tickets/{ticket.key}/comments").json()["items"]
    customer_events = alice.get(f"/tickets/{ticket.key}/events").json()["items"]
    agent_events = li.get(f"/tickets/{ticket.key}/events").json()["items"]

    assert [c["body"] for c in customer_comments] == ["Looking into it"]
    assert [(c["body"], c["is_public"]) for c in agent_comments] == [
        ("Looking into it", True),
        ("Their manager said no", False),
    ]
    assert [(e["kind"], e["new_value"]) for e in customer_events] == [
        ("created", {"channel": "portal"}),
        ("commented", {"id": customer_comments[0]["id"], "is_public": True, "by_agent": True}),
    ]
    assert [e["kind"] for e in agent_events] == ["created", "commented", "commented"]
    assert agent_events[2]["new_value"] == {
        "id": agent_comments[1]["id"],
        "is_public": False,
        "by_agent": True,
    }


def test_customer_cannot_write_an_internal_note(helpdesk: Helpdesk):
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    before, state = row_counts(), ticket_state(ticket)

    response = ApiClient(helpdesk.alice).post(
        f"/tickets/{ticket.key}/comments", {"body": "Psst", "is_public": False}
    )

    assert response.status_code == 403
    assert response.json()["code"] == "internal_note_not_allowed"
    assert row_counts() == before
    assert ticket_state(ticket) == state


def test_customer_cannot_change_their_request(helpdesk: Helpdesk):
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    before, state = row_counts(), ticket_state(ticket)

    response = ApiClient(helpdesk.alice).patch(
        f"/tickets/{ticket.key}", {"priority": "critical", "summary": "URGENT"}
    )

    assert response.status_code == 403
    assert response.json()["code"] == "permission_denied"
    assert row_counts() == before
    assert ticket_state(ticket) == state


def test_customer_may_resolve_and_reopen_their_request(helpdesk: Helpdesk):
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    alice = ApiClient(helpdesk.alice)

    resolved = alice.post(f"/tickets/{ticket.key}/transitions", {"status": "resolved"})
    reopened = alice.post(f"/tickets/{ticket.key}/transitions", {"status": "in_progress"})

    assert resolved.status_code == 200, resolved.content
    assert resolved.json()["status"] == "resolved"
    assert resolved.json()["status_category"] == "done"
    assert resolved.json()["resolved_at"] is not None
    assert reopened.status_code == 200, reopened.content
    assert reopened.json()["status"] == "in_progress"
    assert reopened.json()["resolved_at"] is None
    transitions = TicketEvent.objects.filter(ticket=ticket, kind="transitioned").order_by("id")
    assert [(e.actor, e.old_value, e.new_value) for e in transitions] == [
        (helpdesk.alice, "open", "resolved"),
        (helpdesk.alice, "resolved", "in_progress"),
    ]


def test_customer_cannot_start_work_on_their_request(helpdesk: Helpdesk):
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    before, state = row_counts(), ticket_state(ticket)

    response = ApiClient(helpdesk.alice).post(
        f"/tickets/{ticket.key}/transitions", {"status": "in_progress"}
    )

    assert response.status_code == 403
    assert response.json()["code"] == "transition_not_allowed_for_customer"
    assert row_counts() == before
    assert ticket_state(ticket) == state


def test_customer_is_offered_only_the_transitions_they_may_take(helpdesk: Helpdesk):
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    alice, li = ApiClient(helpdesk.alice), ApiClient(helpdesk.li)

    offered_to_customer = alice.get(f"/tickets/{ticket.key}/transitions").json()["items"]
    offered_to_agent = li.get(f"/tickets/{ticket.key}/transitions").json()["items"]

    assert [s["key"] for s in offered_to_customer] == ["resolved", "closed"]
    assert [s["key"] for s in offered_to_agent] == [
        "in_progress",
        "waiting_for_customer",
        "resolved",
        "closed",
    ]


def test_agent_moves_a_request_through_the_workflow(helpdesk: Helpdesk):
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    li = ApiClient(helpdesk.li)

    walked = [
        li.post(f"/tickets/{ticket.key}/transitions", {"status": status}).json()["status"]
        for status in ("in_progress", "waiting_for_customer", "resolved", "closed")
    ]

    assert walked == ["in_progress", "waiting_for_customer", "resolved", "closed"]
    ticket.refresh_from_db()
    assert (ticket.status.key, ticket.status_category, ticket.version) == ("closed", "done", 5)


def test_a_transition_the_workflow_does_not_allow_is_a_conflict(helpdesk: Helpdesk):
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    ticket_transition(actor=helpdesk.li, ticket=ticket, status="closed")
    before, state = row_counts(), ticket_state(ticket)

    response = ApiClient(helpdesk.li).post(f"/tickets/{ticket.key}/transitions", {"status": "open"})

    assert response.status_code == 409
    assert response.json()["code"] == "transition_not_allowed"
    assert response.json()["fields"] == {"status": ["This transition is not allowed."]}
    assert row_counts() == before
    assert ticket_state(ticket) == state
    assert Ticket.objects.get(pk=ticket.pk).status.key == "closed"
