"""A NUL character anywhere in a request is bad input (PostgreSQL cannot store one), not a 500."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from deskline.testing.factories import ApiClient, make_ticket
from deskline.testing.scenario import Helpdesk, row_counts, ticket_state

pytestmark = pytest.mark.django_db

NUL = "\x00"


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


@pytest.mark.parametrize(
    ("overrides", "where"),
    [
        ({"desk": f"IT{NUL}"}, "desk"),
        ({"request_type": f"New laptop{NUL}"}, "request_type"),
        ({"summary": f"New{NUL}laptop"}, "summary"),
        ({"description": NUL}, "description"),
        ({"reporter_email": f"dana{NUL}@acme.example"}, "reporter_email"),
        ({"priority": f"high{NUL}"}, "priority"),
        ({"labels": ["ok", f"bad{NUL}"]}, "labels"),
        ({"fields": {"location": f"Shang{NUL}hai"}}, "fields.location"),
        ({"fields": {"location": "Shanghai", "extras": ["Dock", NUL]}}, "fields.extras"),
        ({"fields": {"location": "Shanghai", f"colour{NUL}": "red"}}, f"fields.colour{NUL}"),
    ],
)
def test_in_a_new_ticket(helpdesk: Helpdesk, overrides, where):
    request = {
        "desk": "IT",
        "request_type": helpdesk.laptop.pk,
        "summary": "New laptop",
        "fields": {"location": "Shanghai"},
    } | overrides
    before = row_counts()

    _refused_at(ApiClient(helpdesk.li).post("/tickets", request), where)

    assert row_counts() == before


@pytest.mark.parametrize(
    ("method", "path", "body", "where"),
    [
        ("patch", "/tickets/IT-1", {"summary": NUL}, "summary"),
        ("patch", "/tickets/IT-1", {"assignee": f"li{NUL}@deskline.example"}, "assignee"),
        ("patch", "/tickets/IT-1", {"team": f"Front{NUL}line"}, "team"),
        ("patch", "/tickets/IT-1", {"fields": {"details": NUL}}, "fields.details"),
        ("post", "/tickets/IT-1/comments", {"body": f"Hello{NUL}"}, "body"),
        ("post", "/tickets/IT-1/transitions", {"status": f"resolved{NUL}"}, "status"),
    ],
)
def test_in_a_change(helpdesk: Helpdesk, ticket, method, path, body, where):
    before, state = row_counts(), ticket_state(ticket)

    _refused_at(getattr(ApiClient(helpdesk.li), method)(path, body), where)

    assert row_counts() == before
    assert ticket_state(ticket) == state


def test_in_an_uploaded_file_name_it_is_dropped(helpdesk: Helpdesk):
    caller = ApiClient(helpdesk.alice)

    response = caller.client.post(
        "/api/v1/attachments",
        {"file": SimpleUploadedFile(f"notes{NUL}.txt", b"hello")},
        headers=caller.headers,
    )

    assert response.status_code == 201, response.content
    assert response.json()["filename"] == "notes.txt"
