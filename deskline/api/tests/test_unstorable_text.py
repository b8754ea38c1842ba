"""Text a database cannot store anywhere in a request is bad input, not a 500: a NUL character
(PostgreSQL refuses it) or a lone surrogate such as the JSON escape "\\ud800" (neither database
can encode it)."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from deskline.testing.factories import ApiClient, make_ticket
from deskline.testing.scenario import Helpdesk, row_counts, ticket_state

pytestmark = pytest.mark.django_db

NUL = "\x00"
# Characters a JSON body can carry ("\u0000", "\ud800", "\udfff") and a database cannot store.
UNSTORABLE = pytest.mark.parametrize(
    "bad", [NUL, "\ud800", "\udfff"], ids=["nul", "high-surrogate", "low-surrogate"]
)


def _refused_at(response, where: str) -> None:
    assert response.status_code == 400, response.content
    assert response.json() == {
        "code": "invalid_input",
        "message": "Some values are not valid.",
        "fields": {where: ["This value is not valid."]},
    }


@pytest.fixture
def ticket(helpdesk: Helpdesk):
    return make_ticket(
        desk=helpdesk.it,
        reporter=helpdesk.alice,
        request_type=helpdesk.laptop,
        fields={"location": "Shanghai"},
    )


@pytest.mark.parametrize(
    "name",
    ["desk", "status", "status_category", "assignee", "team", "priority", "reporter", "q",
     "cursor"],
)  # fmt: skip
def test_in_a_list_filter(helpdesk: Helpdesk, ticket, name):
    _refused_at(ApiClient(helpdesk.li).get("/tickets", {name: f"I{NUL}T"}), name)


def test_in_a_path(helpdesk: Helpdesk):
    _refused_at(ApiClient(helpdesk.li).get(f"/desks/I{NUL}T/request-types"), "desk")


@UNSTORABLE
@pytest.mark.parametrize(
    ("overrides", "where"),
    [
        (lambda bad: {"desk": f"IT{bad}"}, "desk"),
        (lambda bad: {"request_type": f"New laptop{bad}"}, "request_type"),
        (lambda bad: {"summary": f"New{bad}laptop"}, "summary"),
        (lambda bad: {"description": bad}, "description"),
        (lambda bad: {"reporter_email": f"dana{bad}@acme.example"}, "reporter_email"),
        (lambda bad: {"priority": f"high{bad}"}, "priority"),
        (lambda bad: {"labels": ["ok", f"bad{bad}"]}, "labels"),
        (lambda bad: {"fields": {"location": f"Shang{bad}hai"}}, "fields.location"),
        (
            lambda bad: {"fields": {"location": "Shanghai", "extras": ["Dock", bad]}},
            "fields.extras",
        ),
        (lambda bad: {"fields": {"location": "Shanghai", f"colour{bad}": "red"}}, "fields.colour"),
    ],
)
def test_in_a_new_ticket(helpdesk: Helpdesk, overrides, where, bad):
    request = {
        "desk": "IT",
        "request_type": helpdesk.laptop.pk,
        "summary": "New laptop",
        "fields": {"location": "Shanghai"},
    } | overrides(bad)
    before = row_counts()

    response = ApiClient(helpdesk.li).post("/tickets", request)

    _refused_at(response, where + bad if where == "fields.colour" else where)
    assert row_counts() == before


@UNSTORABLE
def test_in_the_name_of_an_unknown_body_field(helpdesk: Helpdesk, bad):
    request = {"desk": "IT", "request_type": helpdesk.laptop.pk, "summary": "New laptop"}
    before = row_counts()

    response = ApiClient(helpdesk.li).post("/tickets", request | {f"colour{bad}": "red"})

    assert response.status_code == 400, response.content
    body = json.loads(response.content)
    assert body["code"] == "invalid_input"
    # pydantic names an unknown field, or the body when the name itself is not text.
    assert list(body["fields"]) in ([f"colour{bad}"], ["body"])
    assert row_counts() == before


@UNSTORABLE
@pytest.mark.parametrize(
    ("method", "path", "body", "where"),
    [
        ("patch", "/tickets/IT-1", lambda bad: {"summary": bad}, "summary"),
        (
            "patch",
            "/tickets/IT-1",
            lambda bad: {"assignee": f"li{bad}@deskline.example"},
            "assignee",
        ),
        ("patch", "/tickets/IT-1", lambda bad: {"team": f"Front{bad}line"}, "team"),
        ("patch", "/tickets/IT-1", lambda bad: {"fields": {"details": bad}}, "fields.details"),
        ("patch", "/tickets/IT-1", lambda bad: {"labels": [bad]}, "labels"),
        ("post", "/tickets/IT-1/comments", lambda bad: {"body": f"Hello{bad}"}, "body"),
        ("post", "/tickets/IT-1/transitions", lambda bad: {"status": f"resolved{bad}"}, "status"),
    ],
)
def test_in_a_change(helpdesk: Helpdesk, ticket, method, path, body, where, bad):
    before, state = row_counts(), ticket_state(ticket)

    _refused_at(getattr(ApiClient(helpdesk.li), method)(path, body(bad)), where)

    assert row_counts() == before
    assert ticket_state(ticket) == state


@UNSTORABLE
@pytest.mark.parametrize(
    ("method", "path", "body", "where"),
    [
        ("post", "/sla/calendars", lambda bad: {"name": f"Shanghai{bad}"}, "name"),
        (
            "post",
            "/sla/calendars",
            lambda bad: {"name": "Shanghai", "spec": {"tz": f"Asia/Shanghai{bad}"}},
            "spec.tz",
        ),
        ("post", "/sla/policies", lambda bad: {"desk": "IT", "name": f"Respond{bad}"}, "name"),
    ],
)
def test_in_a_service_level(helpdesk: Helpdesk, method, path, body, where, bad):
    before = row_counts()

    _refused_at(getattr(ApiClient(helpdesk.admin), method)(path, body(bad)), where)

    assert row_counts() == before


def test_percent_encoded_surrogate_bytes_in_a_query_are_only_unknown_text(
    helpdesk: Helpdesk, ticket
):
    # Django decodes a query string as UTF-8, replacing what is not: the bytes of a surrogate
    # arrive as U+FFFD, which any database stores.
    caller = ApiClient(helpdesk.li)

    response = caller.client.get("/api/v1/tickets?q=%ED%A0%80", headers=caller.headers)

    assert response.status_code == 200, response.content


def test_in_an_uploaded_file_name_it_is_dropped(helpdesk: Helpdesk):
    caller = ApiClient(helpdesk.alice)

    response = caller.client.post(
        "/api/v1/attachments",
        {"file": SimpleUploadedFile(f"notes{NUL}.txt", b"hello")},
        headers=caller.headers,
    )

    assert response.status_code == 201, response.content
    assert response.json()["filename"] == "notes.txt"
