"""API v1 happy paths: each endpoint of the contract answers with its documented shape."""

import datetime
import re

import pytest
from django.test import Client

from deskline.desks.actions import desk_create
from deskline.desks.models import Desk
from deskline.testing.factories import ApiClient, make_ticket
from deskline.testing.scenario import Helpdesk
from deskline.tickets.actions import ticket_comment
from deskline.tickets.models import Comment, Ticket, TicketEvent

pytestmark = pytest.mark.django_db

TICKET_KEYS = {
    "key", "desk", "request_type", "summary", "description", "description_html", "status",
    "status_name", "status_category", "priority", "reporter", "assignee", "team", "organization",
    "labels", "channel", "created_at", "updated_at", "resolved_at", "fields", "version",
}  # fmt: skip
# ISO 8601 with an explicit offset (or Z for UTC).
ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|\+00:00)$")


def _is_utc_timestamp(value: str) -> bool:
    return bool(ISO_UTC.match(value)) and datetime.datetime.fromisoformat(value).utcoffset() == (
        datetime.timedelta(0)
    )


def test_desks_lists_the_active_desks_with_key_name_and_description(helpdesk: Helpdesk):
    Desk.objects.filter(pk=desk_create(key="OLD", name="Retired desk").pk).update(is_active=False)

    response = ApiClient(helpdesk.carol).get("/desks")

    assert response.status_code == 200
    assert response.json() == {
        "items": [
            {"key": "HR", "name": "People", "description": ""},
            {"key": "IT", "name": "IT help", "description": "Laptops, accounts, printers"},
        ],
        "next_cursor": None,
    }


def test_agents_also_see_the_inactive_desks_they_serve(helpdesk: Helpdesk):
    Desk.objects.filter(pk=helpdesk.hr.pk).update(is_active=False)

    customer_view = ApiClient(helpdesk.carol).get("/desks").json()["items"]
    agent_view = ApiClient(helpdesk.hana).get("/desks").json()["items"]

    assert [desk["key"] for desk in customer_view] == ["IT"]
    assert [desk["key"] for desk in agent_view] == ["HR", "IT"]


def test_desk_names_follow_the_callers_language(helpdesk: Helpdesk):
    helpdesk.it.translations = {"zh-hans": {"name": "IT 服务台"}}
    helpdesk.it.save()

    response = ApiClient(helpdesk.carol).get("/desks", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert [desk["name"] for desk in response.json()["items"]] == ["People", "IT 服务台"]


def test_request_types_list_their_form_fields_in_order(helpdesk: Helpdesk):
    response = ApiClient(helpdesk.carol).get("/desks/it/request-types")

    assert response.status_code == 200
    items = response.json()["items"]
    assert [(rt["id"], rt["name"], rt["kind"]) for rt in items] == [
        (helpdesk.laptop.pk, "New laptop", "service_request"),
        (helpdesk.password_reset.pk, "Password reset", "incident"),
    ]
    assert [(f["key"], f["type"], f["required"]) for f in items[0]["fields"]] == [
        ("asset_tag", "short_text", False),
        ("details", "long_text", False),
        ("quantity", "number", False),
        ("needed_by", "date", False),
        ("model", "single_select", False),
        ("extras", "multi_select", False),
        ("urgent", "checkbox", False),
        ("manager", "user", False),
        ("quote", "attachment", False),
        ("location", "short_text", True),
    ]
    assert items[0]["fields"][4] == {
        "key": "model",
        "label": "Model",
        "type": "single_select",
        "required": False,
        "help_text": "",
        "options": ["ThinkPad", "MacBook"],
        "choices": [
            {"value": "ThinkPad", "label": "ThinkPad"},
            {"value": "MacBook", "label": "MacBook"},
        ],
        "min": None,
        "max": None,
        "step": None,
    }
    assert items[1]["fields"] == []


def test_request_types_of_an_unknown_desk_are_not_found(helpdesk: Helpdesk):
    response = ApiClient(helpdesk.carol).get("/desks/NOPE/request-types")

    assert response.status_code == 404
    assert response.json()["code"] == "unknown_desk"


def test_creating_a_ticket_answers_201_with_the_ticket(helpdesk: Helpdesk):
    client = ApiClient(helpdesk.alice)
    quote = client.upload("quote.txt", b"2 x ThinkPad, 1 dock").json()

    response = client.post(
        "/tickets",
        {
            "desk": "it",
            "request_type": helpdesk.laptop.pk,
            "summary": "  New   laptop for Dana ",
            "description": "She starts **Monday**.",
            "priority": "high",
            "fields": {
                "asset_tag": " A-1 ",
                "details": "Developer machine",
                "quantity": "2",
                "needed_by": "2026-03-02",
                "model": "ThinkPad",
                "extras": ["Mouse", "Dock"],
                "urgent": True,
                "manager": "BOB@acme.example",
                "quote": [quote["id"]],
                "location": "Shanghai",
            },
        },
    )

    assert response.status_code == 201, response.content
    body = response.json()
    assert set(body) == TICKET_KEYS
    assert {key: body[key] for key in TICKET_KEYS - {"created_at", "updated_at"}} == {
        "key": "IT-1",
        "desk": "IT",
        "request_type": {"id": helpdesk.laptop.pk, "name": "New laptop", "kind": "service_request"},
        "summary": "New laptop for Dana",
        "description": "She starts **Monday**.",
        "description_html": "<p>She starts <strong>Monday</strong>.</p>\n",
        "status": "open",
        "status_name": "Open",
        "status_category": "new",
        "priority": "high",
        "reporter": {"email": "alice@acme.example", "display_name": "Alice"},
        "assignee": None,
        "team": None,
        "organization": "Acme",
        "labels": [],  # only agents set labels (test_labels)
        "channel": "api",
        "resolved_at": None,
        "fields": {
            "asset_tag": "A-1",
            "details": "Developer machine",
            "quantity": 2,
            "needed_by": "2026-03-02",
            "model": "ThinkPad",
            "extras": ["Dock", "Mouse"],
            "urgent": True,
            "manager": "bob@acme.example",
            "quote": [quote["id"]],
            "location": "Shanghai",
        },
        "version": 1,
    }
    assert _is_utc_timestamp(body["created_at"])
    assert body["created_at"] == body["updated_at"]
    ticket = Ticket.objects.get(key="IT-1")
    assert list(ticket.attachments.values_list("id", flat=True)) == [quote["id"]]


def test_creating_a_ticket_by_request_type_name_uses_the_default_priority(helpdesk: Helpdesk):
    response = ApiClient(helpdesk.carol).post(
        "/tickets", {"desk": "IT", "request_type": "Password reset", "summary": "Locked out"}
    )

    assert response.status_code == 201, response.content
    assert response.json()["request_type"]["id"] == helpdesk.password_reset.pk
    assert response.json()["priority"] == "medium"
    assert response.json()["organization"] is None


def test_an_agent_raises_a_request_for_a_new_customer(helpdesk: Helpdesk):
    response = ApiClient(helpdesk.li).post(
        "/tickets",
        {
            "desk": "IT",
            "request_type": helpdesk.password_reset.pk,
            "summary": "Called in: locked out",
            "reporter_email": "Dana@Acme.example",
        },
    )

    assert response.status_code == 201, response.content
    assert response.json()["reporter"] == {"email": "dana@acme.example", "display_name": "dana"}
    event = TicketEvent.objects.get(ticket__key="IT-1")
    assert (event.kind, event.actor, event.new_value) == (
        "created",
        helpdesk.li,
        {"channel": "api"},
    )


def test_a_customer_cannot_raise_a_request_for_someone_else(helpdesk: Helpdesk):
    response = ApiClient(helpdesk.alice).post(
        "/tickets",
        {
            "desk": "IT",
            "request_type": helpdesk.password_reset.pk,
            "summary": "For Bob",
            "reporter_email": "bob@acme.example",
        },
    )

    assert response.status_code == 403
    assert response.json()["code"] == "on_behalf_not_allowed"
    assert Ticket.objects.count() == 0


def test_getting_a_ticket_by_key_ignores_the_case_of_the_key(helpdesk: Helpdesk):
    make_ticket(desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset)

    response = ApiClient(helpdesk.li).get("/tickets/it-1")

    assert response.status_code == 200
    assert set(response.json()) == TICKET_KEYS
    assert response.json()["key"] == "IT-1"


def test_patch_changes_what_it_names_and_bumps_the_version(helpdesk: Helpdesk):
    ticket = make_ticket(
        desk=helpdesk.it,
        reporter=helpdesk.alice,
        request_type=helpdesk.laptop,
        fields={"location": "Shanghai", "model": "MacBook"},
    )

    response = ApiClient(helpdesk.li).patch(
        f"/tickets/{ticket.key}",
        {
            "priority": "critical",
            "assignee": "li@deskline.example",
            "team": "Frontline",
            "summary": "Laptop for Dana (urgent)",
            "fields": {"model": "ThinkPad", "quantity": 3},
            "version": 1,
        },
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert body["priority"] == "critical"
    assert body["assignee"] == {"email": "li@deskline.example", "display_name": "Li"}
    assert body["team"] == "Frontline"
    assert body["summary"] == "Laptop for Dana (urgent)"
    assert body["fields"] == {"location": "Shanghai", "model": "ThinkPad", "quantity": 3}
    assert body["version"] == 2
    assert body["updated_at"] > body["created_at"]


def test_patch_with_null_clears_the_assignee_and_the_team(helpdesk: Helpdesk):
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    li = ApiClient(helpdesk.li)
    li.patch(f"/tickets/{ticket.key}", {"assignee": "li@deskline.example", "team": "Frontline"})

    response = li.patch(f"/tickets/{ticket.key}", {"assignee": None, "team": None})

    assert response.status_code == 200
    assert (response.json()["assignee"], response.json()["team"]) == (None, None)
    assert response.json()["version"] == 3


def test_comments_are_added_and_listed_oldest_first(helpdesk: Helpdesk):
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    alice, li = ApiClient(helpdesk.alice), ApiClient(helpdesk.li)

    reply = li.post(f"/tickets/{ticket.key}/comments", {"body": "Try *now*", "is_public": True})
    note = li.post(f"/tickets/{ticket.key}/comments", {"body": "Reset in AD", "is_public": False})
    answer = alice.post(f"/tickets/{ticket.key}/comments", {"body": "Works, thanks"})
    listed = li.get(f"/tickets/{ticket.key}/comments")

    assert (reply.status_code, note.status_code, answer.status_code) == (201, 201, 201)
    assert set(reply.json()) == {
        "id", "author", "body", "body_html", "is_public", "created_at", "attachments",
    }  # fmt: skip
    assert reply.json()["body_html"] == "<p>Try <em>now</em></p>\n"
    assert _is_utc_timestamp(reply.json()["created_at"])
    assert answer.json()["is_public"] is True
    assert listed.json()["next_cursor"] is None
    assert [(c["author"]["email"], c["body"], c["is_public"]) for c in listed.json()["items"]] == [
        ("li@deskline.example", "Try *now*", True),
        ("li@deskline.example", "Reset in AD", False),
        ("alice@acme.example", "Works, thanks", True),
    ]


def test_transitions_list_the_reachable_statuses_and_move_the_ticket(helpdesk: Helpdesk):
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    li = ApiClient(helpdesk.li)

    moved = li.post(f"/tickets/{ticket.key}/transitions", {"status": "In progress"})
    reachable = li.get(f"/tickets/{ticket.key}/transitions")

    assert moved.status_code == 200, moved.content
    assert (moved.json()["status"], moved.json()["status_category"]) == (
        "in_progress",
        "in_progress",
    )
    assert moved.json()["version"] == 2
    assert reachable.json() == {
        "items": [
            {"key": "open", "name": "Open", "category": "new"},
            {"key": "waiting_for_customer", "name": "Waiting for customer", "category": "waiting"},
            {"key": "resolved", "name": "Resolved", "category": "done"},
        ],
        "next_cursor": None,
    }


def test_events_are_the_audit_trail_with_old_and_new_values(helpdesk: Helpdesk):
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    li = ApiClient(helpdesk.li)
    li.patch(f"/tickets/{ticket.key}", {"priority": "high", "assignee": "li@deskline.example"})
    li.post(f"/tickets/{ticket.key}/transitions", {"status": "in_progress"})
    comment = ticket_comment(actor=helpdesk.li, ticket=ticket, body="On it")

    response = li.get(f"/tickets/{ticket.key}/events")

    assert response.status_code == 200
    items = response.json()["items"]
    assert set(items[0]) == {
        "id", "kind", "actor", "actor_system", "field", "old_value", "new_value", "created_at"
    }  # fmt: skip
    assert {item["actor_system"] for item in items} == {None}  # people acted
    assert all(_is_utc_timestamp(item["created_at"]) for item in items)
    assert [
        (e["kind"], e["actor"]["email"], e["field"], e["old_value"], e["new_value"]) for e in items
    ] == [
        ("created", "alice@acme.example", "", None, {"channel": "portal"}),
        ("changed", "li@deskline.example", "priority", "medium", "high"),
        ("changed", "li@deskline.example", "assignee", None, "li@deskline.example"),
        ("transitioned", "li@deskline.example", "status", "open", "in_progress"),
        (
            "commented",
            "li@deskline.example",
            "comment",
            None,
            {"id": comment.pk, "is_public": True, "by_agent": True},
        ),
    ]
    assert response.json()["next_cursor"] is None


def test_events_page_with_limit_and_cursor(helpdesk: Helpdesk):
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    for number in range(4):
        ticket_comment(actor=helpdesk.li, ticket=ticket, body=f"Update {number}")
    li = ApiClient(helpdesk.li)

    first = li.get(f"/tickets/{ticket.key}/events", {"limit": 3}).json()
    second = li.get(
        f"/tickets/{ticket.key}/events", {"limit": 3, "cursor": first["next_cursor"]}
    ).json()

    all_ids = list(
        TicketEvent.objects.filter(ticket=ticket).order_by("id").values_list("id", flat=True)
    )
    assert [e["id"] for e in first["items"]] + [e["id"] for e in second["items"]] == all_ids
    assert second["next_cursor"] is None


def test_comments_page_with_limit_and_cursor_oldest_first(helpdesk: Helpdesk):
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    for number in range(5):
        ticket_comment(actor=helpdesk.li, ticket=ticket, body=f"Update {number}")
    ticket_comment(actor=helpdesk.li, ticket=ticket, body="Internal", is_public=False)
    alice = ApiClient(helpdesk.alice)

    first = alice.get(f"/tickets/{ticket.key}/comments", {"limit": 2}).json()
    second = alice.get(
        f"/tickets/{ticket.key}/comments", {"limit": 2, "cursor": first["next_cursor"]}
    ).json()
    third = alice.get(
        f"/tickets/{ticket.key}/comments", {"limit": 2, "cursor": second["next_cursor"]}
    ).json()

    bodies = [[c["body"] for c in page["items"]] for page in (first, second, third)]
    assert bodies == [["Update 0", "Update 1"], ["Update 2", "Update 3"], ["Update 4"]]
    assert third["next_cursor"] is None


@pytest.mark.parametrize(
    ("params", "code"),
    [({"limit": 0}, "invalid_filter"), ({"limit": 201}, "invalid_filter"),
     ({"cursor": "nope"}, "invalid_cursor"), ({"limit": "x"}, "invalid_input")],
)  # fmt: skip
def test_bad_comment_paging_is_refused(helpdesk: Helpdesk, params, code):
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )

    response = ApiClient(helpdesk.li).get(f"/tickets/{ticket.key}/comments", params)

    assert response.status_code == 400
    assert response.json()["code"] == code


def test_timestamps_are_utc_even_when_the_caller_lives_elsewhere(helpdesk: Helpdesk):
    helpdesk.alice.time_zone = "Asia/Shanghai"
    helpdesk.alice.save()
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    ApiClient(helpdesk.alice).post(f"/tickets/{ticket.key}/transitions", {"status": "resolved"})

    body = ApiClient(helpdesk.alice).get(f"/tickets/{ticket.key}").json()

    for name in ("created_at", "updated_at", "resolved_at"):
        assert _is_utc_timestamp(body[name]), (name, body[name])
    # The JSON encoder keeps milliseconds.
    stored = Ticket.objects.get().created_at
    assert datetime.datetime.fromisoformat(body["created_at"]) == stored.replace(
        microsecond=stored.microsecond // 1000 * 1000
    )


@pytest.mark.parametrize("method", ["get", "post", "patch", "put", "delete"])
def test_unknown_api_paths_answer_in_the_error_shape(helpdesk: Helpdesk, method):
    caller = ApiClient(helpdesk.carol)
    # A script sends no CSRF cookie; the API must not answer with Django's HTML CSRF page.
    client = Client(enforce_csrf_checks=True)

    call = getattr(client, method)
    if method == "get":
        response = call("/api/v1/nothing/here", headers=caller.headers)
    else:
        response = call(
            "/api/v1/nothing/here", "{}", content_type="application/json", headers=caller.headers
        )

    assert response.status_code == 404
    assert response.json() == {
        "code": "unknown_endpoint",
        "message": "There is no such API endpoint.",
        "fields": {},
    }
    assert Comment.objects.count() == 0


def test_writes_through_the_api_need_no_csrf_token(helpdesk: Helpdesk):
    caller = ApiClient(helpdesk.carol)

    response = Client(enforce_csrf_checks=True).post(
        "/api/v1/tickets",
        {"desk": "IT", "request_type": "Password reset", "summary": "Locked out"},
        content_type="application/json",
        headers=caller.headers,
    )

    assert response.status_code == 201, response.content
