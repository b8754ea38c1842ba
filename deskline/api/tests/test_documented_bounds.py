"""The OpenAPI document shows the bounds the API enforces, and a value past one is a 400.

Each documented bound is checked both ways: the longest (or largest) documented value passes the
bound, and one past it is refused with the code clients rely on.
"""

from __future__ import annotations

from typing import Any

import pytest

from deskline.testing.factories import ApiClient, make_ticket
from deskline.testing.scenario import Helpdesk, row_counts, ticket_state

pytestmark = pytest.mark.django_db

LIST_OPERATIONS = [
    "/api/v1/tickets",
    "/api/v1/tickets/{key}/comments",
    "/api/v1/tickets/{key}/events",
    "/api/v1/sla/calendars",
    "/api/v1/sla/policies",
]


@pytest.fixture
def openapi(db) -> dict[str, Any]:
    response = ApiClient(None).get("/openapi.json")
    assert response.status_code == 200
    return response.json()


def _property(openapi: dict[str, Any], schema: str, name: str) -> dict[str, Any]:
    """A property's schema, the string member of `str | None` when it is one."""
    found = openapi["components"]["schemas"][schema]["properties"][name]
    members = [m for m in found.get("anyOf", [found]) if m.get("type") != "null"]
    assert len(members) == 1, found
    return members[0]


@pytest.mark.parametrize("path", LIST_OPERATIONS)
def test_every_list_documents_its_limit_from_1_to_200(openapi, path):
    (limit,) = [p for p in openapi["paths"][path]["get"]["parameters"] if p["name"] == "limit"]

    assert limit["schema"]["minimum"] == 1
    assert limit["schema"]["maximum"] == 200


@pytest.mark.parametrize(
    ("schema", "name", "keywords"),
    [
        ("TicketCreateIn", "summary", {"maxLength": 255}),
        ("TicketCreateIn", "description", {"maxLength": 100_000}),
        ("TicketCreateIn", "reporter_email", {"maxLength": 254}),
        ("TicketCreateIn", "priority", {"enum": ["critical", "high", "medium", "low"]}),
        ("TicketCreateIn", "desk", {"minLength": 1, "maxLength": 20}),
        ("TicketPatchIn", "summary", {"maxLength": 255}),
        ("TicketPatchIn", "assignee", {"maxLength": 254}),
        ("TicketPatchIn", "team", {"maxLength": 100}),
        ("TicketPatchIn", "priority", {"enum": ["critical", "high", "medium", "low"]}),
        ("CommentIn", "body", {"maxLength": 100_000}),
        ("CommentIn", "attachments", {"maxItems": 20}),
        ("CalendarIn", "name", {"maxLength": 100}),
        ("PolicyChangeIn", "name", {"maxLength": 100}),
        ("PolicyCreateIn", "name", {"maxLength": 100}),
        ("GoalIn", "label", {"maxLength": 50}),
        ("GoalIn", "field_key", {"maxLength": 64}),
        ("GoalIn", "field_value", {"maxLength": 200}),
    ],
)
def test_the_bounds_of_text_and_lists_are_documented(openapi, schema, name, keywords):
    found = _property(openapi, schema, name)

    assert {key: found.get(key) for key in keywords} == keywords


def test_attachment_ids_are_documented_as_row_ids(openapi):
    items = _property(openapi, "CommentIn", "attachments")["items"]

    assert (items["minimum"], items["maximum"]) == (1, 2**63 - 1)


@pytest.mark.parametrize("path", ["/tickets", "/sla/calendars", "/sla/policies"])
@pytest.mark.parametrize(("limit", "status"), [(1, 200), (200, 200), (0, 400), (201, 400)])
def test_a_limit_at_the_documented_bounds_is_read_and_one_past_them_refused(
    helpdesk: Helpdesk, path, limit, status
):
    response = ApiClient(helpdesk.admin).get(path, {"limit": limit})

    assert response.status_code == status, response.content
    if status == 400:
        assert response.json()["code"] == "invalid_filter"
        assert list(response.json()["fields"]) == ["limit"]


def _longest_email(length: int) -> str:
    domain = ".".join(["b" * 63, "c" * 63, "d" * 61])  # 189 characters
    return "a" * (length - len(domain) - 1) + "@" + domain


@pytest.mark.parametrize(
    ("overrides", "status", "code"),
    [
        ({"summary": "s" * 255}, 201, None),
        ({"summary": "s" * 256}, 400, "summary_too_long"),
        ({"description": "d" * 100_000}, 201, None),
        ({"description": "d" * 100_001}, 400, "text_too_long"),
        ({"reporter_email": _longest_email(254)}, 201, None),
        ({"reporter_email": _longest_email(255)}, 400, "invalid_email"),
        ({"priority": "low"}, 201, None),
        ({"priority": "lowest"}, 400, "invalid_priority"),
    ],
)
def test_a_new_ticket_at_a_documented_bound_is_taken_and_one_past_it_refused(
    helpdesk: Helpdesk, overrides, status, code
):
    request = {"desk": "IT", "request_type": helpdesk.password_reset.pk, "summary": "Locked out"}
    before = row_counts()

    response = ApiClient(helpdesk.li).post("/tickets", request | overrides)

    assert response.status_code == status, response.content[:300]
    if code is not None:
        assert response.json()["code"] == code
        assert row_counts() == before


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"body": "b" * 100_000}, 201, None),
        ({"body": "b" * 100_001}, 400, "text_too_long"),
        ({"body": "b", "attachments": list(range(1, 22))}, 400, "invalid_input"),
    ],
)
def test_a_comment_at_a_documented_bound_is_taken_and_one_past_it_refused(
    helpdesk: Helpdesk, body, status, code
):
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    before, state = row_counts(), ticket_state(ticket)

    response = ApiClient(helpdesk.li).post(f"/tickets/{ticket.key}/comments", body)

    assert response.status_code == status, response.content[:300]
    if code is not None:
        assert response.json()["code"] == code
        assert row_counts() == before
        assert ticket_state(ticket) == state


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"summary": "s" * 256}, "summary_too_long"),
        ({"assignee": _longest_email(255)}, "invalid_email"),
        ({"team": "t" * 101}, "invalid_team"),
        ({"priority": "urgent"}, "invalid_priority"),
    ],
)
def test_a_change_past_a_documented_bound_is_refused(helpdesk: Helpdesk, changes, code):
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    before, state = row_counts(), ticket_state(ticket)

    response = ApiClient(helpdesk.li).patch(f"/tickets/{ticket.key}", changes)

    assert response.status_code == 400, response.content
    assert response.json()["code"] == code
    assert row_counts() == before
    assert ticket_state(ticket) == state


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/sla/calendars", {"name": "n" * 101}, "name"),
        ("/sla/policies", {"desk": "IT", "name": "n" * 101}, "name"),
    ],
)
def test_a_service_level_name_past_its_documented_bound_is_refused(
    helpdesk: Helpdesk, path, body, field
):
    before = row_counts()

    response = ApiClient(helpdesk.admin).post(path, body)

    assert response.status_code == 400, response.content
    assert list(response.json()["fields"]) == [field]
    assert row_counts() == before
