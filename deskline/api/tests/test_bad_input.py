"""Bad input to API v1: always a 4xx with a stable `code`, and nothing written."""

from typing import Any

import pytest

from deskline.accounts.models import Role
from deskline.testing.factories import ApiClient, make_ticket, make_user
from deskline.testing.scenario import Helpdesk, row_counts, ticket_state
from deskline.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def _refused(response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code, body
    assert isinstance(body["message"], str)
    assert body["message"]
    assert isinstance(body["fields"], dict)
    return body


def _laptop_request(helpdesk: Helpdesk, **overrides: Any) -> dict[str, Any]:
    request: dict[str, Any] = {
        "desk": "IT",
        "request_type": helpdesk.laptop.pk,
        "summary": "New laptop",
        "fields": {"location": "Shanghai"},
    }
    request.update(overrides)
    return request


def test_the_baseline_laptop_request_is_accepted(helpdesk: Helpdesk):
    # The refusals below change one thing in this request, so it must be a good one.
    response = ApiClient(helpdesk.alice).post("/tickets", _laptop_request(helpdesk))

    assert response.status_code == 201, response.content


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"desk": "NOPE"}, "unknown_desk", "desk"),
        ({"desk": "it-1"}, "unknown_desk", "desk"),
        ({"request_type": 999_999}, "unknown_request_type", "request_type"),
        ({"request_type": "No such type"}, "unknown_request_type", "request_type"),
        ({"summary": "   "}, "summary_required", "summary"),
        ({"summary": "x" * 256}, "summary_too_long", "summary"),
        ({"description": "x" * 100_001}, "text_too_long", "description"),
        ({"priority": "urgent"}, "invalid_priority", "priority"),
        ({"priority": "HIGH"}, "invalid_priority", "priority"),
        ({"labels": ["two words"]}, "invalid_labels", "labels"),
        ({"labels": ["x" * 51]}, "invalid_labels", "labels"),
        ({"summary": 5}, "invalid_input", "summary"),
        ({"summary": None}, "invalid_input", "summary"),
        ({"summary": ["New laptop"]}, "invalid_input", "summary"),
        ({"summary": {"text": "New laptop"}}, "invalid_input", "summary"),
        ({"priority": 1}, "invalid_input", "priority"),
        ({"description": 42}, "invalid_input", "description"),
        ({"fields": ["Shanghai"]}, "invalid_input", "fields"),
        ({"labels": "hardware"}, "invalid_input", "labels"),
        ({"desk": ""}, "invalid_input", "desk"),
        ({"request_type": None}, "invalid_input", "request_type"),
        ({"colour": "blue"}, "invalid_input", "colour"),
        ({"is_shared_with_organization": True}, "invalid_input", "is_shared_with_organization"),
    ],
)
def test_a_bad_ticket_is_refused_and_nothing_is_written(helpdesk: Helpdesk, overrides, code, field):
    before = row_counts()

    response = ApiClient(helpdesk.alice).post("/tickets", _laptop_request(helpdesk, **overrides))

    body = _refused(response, 400, code)
    assert list(body["fields"]) == [field]
    assert row_counts() == before


def test_a_missing_summary_is_named(helpdesk: Helpdesk):
    request = _laptop_request(helpdesk)
    del request["summary"]
    before = row_counts()

    body = _refused(ApiClient(helpdesk.alice).post("/tickets", request), 400, "invalid_input")

    assert body["fields"] == {"summary": ["This field is required."]}
    assert row_counts() == before


def test_a_request_type_of_another_desk_is_refused(helpdesk: Helpdesk):
    before = row_counts()

    response = ApiClient(helpdesk.alice).post(
        "/tickets", _laptop_request(helpdesk, request_type=helpdesk.onboarding.pk)
    )

    assert _refused(response, 400, "unknown_request_type")["fields"] == {
        "request_type": ["This desk has no such request type."]
    }
    assert row_counts() == before


def test_a_retired_request_type_is_refused(helpdesk: Helpdesk):
    helpdesk.password_reset.is_active = False
    helpdesk.password_reset.save()
    before = row_counts()

    response = ApiClient(helpdesk.alice).post(
        "/tickets", _laptop_request(helpdesk, request_type=helpdesk.password_reset.pk)
    )

    _refused(response, 400, "unknown_request_type")
    assert row_counts() == before


def test_a_customer_cannot_raise_a_request_with_an_inactive_desk(helpdesk: Helpdesk):
    helpdesk.it.is_active = False
    helpdesk.it.save()
    before = row_counts()

    response = ApiClient(helpdesk.alice).post("/tickets", _laptop_request(helpdesk))

    _refused(response, 400, "unknown_desk")
    assert row_counts() == before


WRONG_FIELD_VALUES = [
    ("asset_tag", 123),
    ("asset_tag", "x" * 256),
    ("asset_tag", ["A-1"]),
    ("details", ["a", "b"]),
    ("details", {"text": "x"}),
    ("details", "x" * 20_001),
    ("quantity", "many"),
    ("quantity", True),
    ("quantity", [1]),
    ("quantity", "NaN"),
    ("quantity", "Infinity"),
    ("quantity", "1e5000"),
    ("quantity", "1e999999999"),
    ("needed_by", "next week"),
    ("needed_by", "2026-02-30"),
    ("needed_by", 20260101),
    ("model", "Dell"),
    ("model", ["ThinkPad"]),
    ("model", 1),
    ("extras", ["Keyboard"]),
    ("extras", 5),
    ("extras", [1]),
    ("extras", {"Dock": True}),
    ("urgent", "maybe"),
    ("urgent", 2),
    ("urgent", ["true"]),
    ("manager", "nobody@example.com"),
    ("manager", "not an e-mail"),
    ("manager", 999_999),
    ("manager", True),
    ("quote", "invoice.pdf"),
    ("quote", [0]),
    ("quote", [True]),
    ("quote", [-3]),
]


@pytest.mark.parametrize(("key", "value"), WRONG_FIELD_VALUES)
def test_a_field_value_of_the_wrong_type_is_refused(helpdesk: Helpdesk, key, value):
    before = row_counts()

    response = ApiClient(helpdesk.alice).post(
        "/tickets", _laptop_request(helpdesk, fields={"location": "Shanghai", key: value})
    )

    assert list(_refused(response, 400, "invalid_fields")["fields"]) == [f"fields.{key}"]
    assert row_counts() == before


def test_an_attachment_field_refuses_an_unknown_attachment(helpdesk: Helpdesk):
    before = row_counts()

    response = ApiClient(helpdesk.alice).post(
        "/tickets", _laptop_request(helpdesk, fields={"location": "Shanghai", "quote": [999_999]})
    )

    assert _refused(response, 400, "invalid_attachment")["fields"] == {
        "fields": ["An attachment is unknown or already used."]
    }
    assert row_counts() == before


def test_every_wrong_field_is_reported_at_once(helpdesk: Helpdesk):
    response = ApiClient(helpdesk.alice).post(
        "/tickets",
        _laptop_request(
            helpdesk, fields={"quantity": "many", "needed_by": "soon", "model": "Dell"}
        ),
    )

    assert _refused(response, 400, "invalid_fields")["fields"] == {
        "fields.quantity": ["Enter a number."],
        "fields.needed_by": ["Enter a date as YYYY-MM-DD."],
        "fields.model": ["Choose one of the listed options."],
        "fields.location": ["This field is required."],
    }


def test_a_user_field_refuses_a_deactivated_user(helpdesk: Helpdesk):
    make_user(email="gone@acme.example", is_active=False)
    before = row_counts()

    response = ApiClient(helpdesk.alice).post(
        "/tickets",
        _laptop_request(helpdesk, fields={"location": "Shanghai", "manager": "gone@acme.example"}),
    )

    assert _refused(response, 400, "invalid_fields")["fields"] == {
        "fields.manager": [
            "Choose a person you may name here: start typing their name or e-mail address."
        ]
    }
    assert row_counts() == before


@pytest.mark.parametrize("blank", [None, "", "   ", []])
def test_a_missing_required_field_is_refused(helpdesk: Helpdesk, blank):
    before = row_counts()

    response = ApiClient(helpdesk.alice).post(
        "/tickets", _laptop_request(helpdesk, fields={"location": blank})
    )

    assert _refused(response, 400, "invalid_fields")["fields"] == {
        "fields.location": ["This field is required."]
    }
    assert row_counts() == before


def test_a_form_without_its_required_field_is_refused(helpdesk: Helpdesk):
    before = row_counts()

    response = ApiClient(helpdesk.alice).post("/tickets", _laptop_request(helpdesk, fields=None))

    assert _refused(response, 400, "invalid_fields")["fields"] == {
        "fields.location": ["This field is required."]
    }
    assert row_counts() == before


def test_an_unknown_field_key_is_refused(helpdesk: Helpdesk):
    before = row_counts()

    response = ApiClient(helpdesk.alice).post(
        "/tickets", _laptop_request(helpdesk, fields={"location": "Shanghai", "colour": "red"})
    )

    assert _refused(response, 400, "invalid_fields")["fields"] == {
        "fields.colour": ["This request type has no field with this key."]
    }
    assert row_counts() == before


def test_an_agent_raising_for_an_invalid_email_is_refused(helpdesk: Helpdesk):
    before = row_counts()

    response = ApiClient(helpdesk.li).post(
        "/tickets", _laptop_request(helpdesk, reporter_email="dana at acme")
    )

    assert _refused(response, 400, "invalid_email")["fields"] == {
        "reporter_email": ["Enter a valid e-mail address."]
    }
    assert row_counts() == before


@pytest.mark.parametrize(
    "email",
    [
        "x" * 300 + "@acme.example",
        "a" * 64 + "@" + ".".join(["b" * 63, "c" * 63, "d" * 62]),  # 255 characters
    ],
)
def test_an_email_longer_than_the_column_is_refused(helpdesk: Helpdesk, email):
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    li = ApiClient(helpdesk.li)
    before, state = row_counts(), ticket_state(ticket)

    created = li.post("/tickets", _laptop_request(helpdesk, reporter_email=email))
    changed = li.patch(f"/tickets/{ticket.key}", {"assignee": email})

    assert _refused(created, 400, "invalid_email")["fields"] == {
        "reporter_email": ["Enter a valid e-mail address."]
    }
    assert _refused(changed, 400, "invalid_email")["fields"] == {
        "assignee": ["Enter a valid e-mail address."]
    }
    assert row_counts() == before
    assert ticket_state(ticket) == state


@pytest.mark.parametrize(
    "raw",
    ["{", '{"desk": "IT",}', "not json", '{"desk": "IT"', "\x00\x01", '{"a": 1}}', "[1, 2"],
)
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/tickets"),
        ("patch", "/tickets/IT-1"),
        ("post", "/tickets/IT-1/comments"),
        ("post", "/tickets/IT-1/transitions"),
    ],
)
def test_malformed_json_is_refused(helpdesk: Helpdesk, raw, method, path):
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    before, state = row_counts(), ticket_state(ticket)

    response = getattr(ApiClient(helpdesk.li), method)(path, raw=raw)

    _refused(response, 400, "malformed_json")
    assert row_counts() == before
    assert ticket_state(ticket) == state


@pytest.mark.parametrize("body", [[], [{"desk": "IT"}], "IT", 42, None, True])
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/tickets"),
        ("patch", "/tickets/IT-1"),
        ("post", "/tickets/IT-1/comments"),
        ("post", "/tickets/IT-1/transitions"),
    ],
)
def test_a_body_that_is_not_an_object_is_refused(helpdesk: Helpdesk, body, method, path):
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    before, state = row_counts(), ticket_state(ticket)

    response = getattr(ApiClient(helpdesk.li), method)(path, body)

    _refused(response, 400, "invalid_input")
    assert row_counts() == before
    assert ticket_state(ticket) == state


@pytest.mark.parametrize(
    "key",
    ["IT-0", "IT-01", "IT", "IT-", "1-IT", "I-1", "IT-abc", "IT-1-2", "IT--1", "IT-99999999999",
     "HR-1", "IT 1", "IT-1.json", "ÏT-1"],
)  # fmt: skip
def test_a_malformed_key_or_a_key_of_another_desk_is_not_found(helpdesk: Helpdesk, key):
    make_ticket(desk=helpdesk.hr, reporter=helpdesk.alice, request_type=helpdesk.onboarding)
    before = row_counts()
    li = ApiClient(helpdesk.li)

    for response in (
        li.get(f"/tickets/{key}"),
        li.patch(f"/tickets/{key}", {"priority": "high"}),
        li.post(f"/tickets/{key}/comments", {"body": "Hi"}),
        li.post(f"/tickets/{key}/transitions", {"status": "resolved"}),
        li.get(f"/tickets/{key}/events"),
    ):
        assert response.status_code == 404, (key, response.content)
        assert response.json()["code"] in {"ticket_not_found", "unknown_endpoint"}
    assert row_counts() == before


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"priority": "urgent"}, "invalid_priority", "priority"),
        ({"priority": None}, "invalid_input", "priority"),
        ({"summary": None}, "invalid_input", "summary"),
        ({"summary": ""}, "summary_required", "summary"),
        ({"summary": 7}, "invalid_input", "summary"),
        ({"assignee": "hana@deskline.example"}, "invalid_assignee", "assignee"),
        ({"assignee": "alice@acme.example"}, "invalid_assignee", "assignee"),
        ({"assignee": "nobody@example.com"}, "invalid_assignee", "assignee"),
        ({"assignee": "not an e-mail"}, "invalid_email", "assignee"),
        ({"team": "People"}, "invalid_team", "team"),
        ({"team": "No such team"}, "invalid_team", "team"),
        ({"fields": {"colour": "red"}}, "invalid_fields", "fields.colour"),
        ({"fields": {"location": None}}, "invalid_fields", "fields.location"),
        ({"fields": {"quantity": "many"}}, "invalid_fields", "fields.quantity"),
        ({"fields": "location=Beijing"}, "invalid_input", "fields"),
        ({"labels": ["two words"]}, "invalid_labels", "labels"),
        ({"labels": None}, "invalid_input", "labels"),
        ({"status": "resolved"}, "invalid_input", "status"),
        ({"reporter": "carol@example.com"}, "invalid_input", "reporter"),
        ({"version": "one"}, "invalid_input", "version"),
        ({"is_shared_with_organization": "maybe"}, "invalid_input", "is_shared_with_organization"),
    ],
)  # fmt: skip
def test_a_bad_change_is_refused_and_the_ticket_stays_as_it_was(
    helpdesk: Helpdesk, changes, code, field
):
    ticket = make_ticket(
        desk=helpdesk.it,
        reporter=helpdesk.alice,
        request_type=helpdesk.laptop,
        fields={"location": "Shanghai"},
    )
    before, state = row_counts(), ticket_state(ticket)

    response = ApiClient(helpdesk.li).patch(f"/tickets/{ticket.key}", changes)

    assert list(_refused(response, 400, code)["fields"]) == [field]
    assert row_counts() == before
    assert ticket_state(ticket) == state


def test_a_customer_in_a_team_is_still_not_an_agent_to_assign(helpdesk: Helpdesk):
    helpdesk.frontline.members.add(helpdesk.carol)
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    before, state = row_counts(), ticket_state(ticket)

    response = ApiClient(helpdesk.li).patch(
        f"/tickets/{ticket.key}", {"assignee": "carol@example.com"}
    )

    _refused(response, 400, "invalid_assignee")
    assert row_counts() == before
    assert ticket_state(ticket) == state


def test_a_stale_version_is_a_conflict_and_changes_nothing(helpdesk: Helpdesk):
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    li, admin = ApiClient(helpdesk.li), ApiClient(helpdesk.admin)
    read_by_li = li.get(f"/tickets/{ticket.key}").json()
    admin.patch(f"/tickets/{ticket.key}", {"priority": "low", "version": read_by_li["version"]})
    before, state = row_counts(), ticket_state(ticket)

    response = li.patch(
        f"/tickets/{ticket.key}", {"priority": "critical", "version": read_by_li["version"]}
    )

    _refused(response, 409, "version_conflict")
    assert row_counts() == before
    assert ticket_state(ticket) == state
    assert Ticket.objects.get(pk=ticket.pk).priority == "low"


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"status": "nonsense"}, 400, "unknown_status"),
        ({"status": ""}, 400, "unknown_status"),
        ({"status": "open"}, 409, "transition_not_allowed"),
        ({"status": 3}, 400, "invalid_input"),
        ({}, 400, "invalid_input"),
        ({"status": "resolved", "comment": "done"}, 400, "invalid_input"),
    ],
)
def test_a_bad_transition_is_refused_and_writes_no_event(helpdesk: Helpdesk, body, status, code):
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    before, state = row_counts(), ticket_state(ticket)

    response = ApiClient(helpdesk.li).post(f"/tickets/{ticket.key}/transitions", body)

    _refused(response, status, code)
    assert row_counts() == before
    assert ticket_state(ticket) == state


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"body": ""}, "body_required"),
        ({"body": "   \n "}, "body_required"),
        ({"body": "x" * 100_001}, "text_too_long"),
        ({"body": 5}, "invalid_input"),
        ({"body": None}, "invalid_input"),
        ({}, "invalid_input"),
        ({"body": "Hi", "is_public": "perhaps"}, "invalid_input"),
        ({"body": "Hi", "attachments": "1"}, "invalid_input"),
        ({"body": "Hi", "attachments": [999_999]}, "invalid_attachment"),
        ({"body": "Hi", "author": "li@deskline.example"}, "invalid_input"),
    ],
)
def test_a_bad_comment_is_refused_and_nothing_is_written(helpdesk: Helpdesk, body, code):
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    before, state = row_counts(), ticket_state(ticket)

    response = ApiClient(helpdesk.alice).post(f"/tickets/{ticket.key}/comments", body)

    _refused(response, 400, code)
    assert row_counts() == before
    assert ticket_state(ticket) == state


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"limit": "ten"}, "invalid_input"),
        ({"limit": "1.5"}, "invalid_input"),
        ({"limit": 0}, "invalid_filter"),
        ({"limit": 201}, "invalid_filter"),
        ({"cursor": "bm9wZQ"}, "invalid_cursor"),
    ],
)
def test_bad_event_paging_is_refused(helpdesk: Helpdesk, params, code):
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )

    _refused(ApiClient(helpdesk.li).get(f"/tickets/{ticket.key}/events", params), 400, code)


def test_an_agent_role_without_a_team_cannot_touch_a_desk(helpdesk: Helpdesk):
    loner = make_user(role=Role.AGENT)
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    before, state = row_counts(), ticket_state(ticket)

    response = ApiClient(loner).patch(f"/tickets/{ticket.key}", {"priority": "high"})

    _refused(response, 404, "ticket_not_found")
    assert row_counts() == before
    assert ticket_state(ticket) == state


@pytest.mark.parametrize("number", [0, -5, 2**63, 10**30])
def test_a_ticket_list_cursor_beyond_any_id_is_refused(helpdesk: Helpdesk, number):
    from deskline.tickets.selectors import encode_cursor

    response = ApiClient(helpdesk.li).get("/tickets", {"cursor": encode_cursor(number)})

    _refused(response, 400, "invalid_cursor")
