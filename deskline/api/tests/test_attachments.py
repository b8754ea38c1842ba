"""POST /attachments, then claim the upload by id from a comment or a form field."""

import pytest
from django.test import Client

from deskline.testing.factories import ApiClient, make_ticket
from deskline.testing.scenario import Helpdesk, row_counts, ticket_state
from deskline.tickets.models import Attachment

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
WINDOWS_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
LINUX_PROGRAM = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64


def test_an_upload_answers_201_with_its_id_name_type_and_size(helpdesk: Helpdesk):
    response = ApiClient(helpdesk.alice).upload("screen.png", PNG)

    assert response.status_code == 201, response.content
    attachment = Attachment.objects.get()
    assert response.json() == {
        "id": attachment.pk,
        "filename": "screen.png",
        "content_type": "image/png",
        "size": len(PNG),
        "url": None,  # until a comment or a form field claims it
    }
    assert attachment.uploaded_by == helpdesk.alice


def test_an_upload_then_a_comment_claims_it(helpdesk: Helpdesk):
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    alice = ApiClient(helpdesk.alice)
    upload = alice.upload("screen.png", PNG).json()

    response = alice.post(
        f"/tickets/{ticket.key}/comments",
        {"body": "See the screenshot", "attachments": [upload["id"]]},
    )

    assert response.status_code == 201, response.content
    url = f"http://testserver/api/v1/tickets/{ticket.key}/attachments/{upload['id']}"
    assert response.json()["attachments"] == [{**upload, "url": url}]
    listed = alice.get(f"/tickets/{ticket.key}/comments").json()["items"]
    assert listed[0]["attachments"] == [{**upload, "url": url}]
    assert Attachment.objects.get(pk=upload["id"]).ticket == ticket


def test_an_upload_of_someone_else_cannot_be_claimed(helpdesk: Helpdesk):
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    carols = ApiClient(helpdesk.carol).upload("screen.png", PNG).json()
    before, state = row_counts(), ticket_state(ticket)

    response = ApiClient(helpdesk.alice).post(
        f"/tickets/{ticket.key}/comments", {"body": "Mine now", "attachments": [carols["id"]]}
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_attachment"
    assert row_counts() == before
    assert ticket_state(ticket) == state
    assert Attachment.objects.get(pk=carols["id"]).ticket is None


def test_an_upload_of_someone_else_cannot_fill_a_form_field(helpdesk: Helpdesk):
    carols = ApiClient(helpdesk.carol).upload("screen.png", PNG).json()
    before = row_counts()

    response = ApiClient(helpdesk.alice).post(
        "/tickets",
        {
            "desk": "IT",
            "request_type": helpdesk.laptop.pk,
            "summary": "Laptop",
            "fields": {"location": "Shanghai", "quote": [carols["id"]]},
        },
    )

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_attachment"
    assert row_counts() == before


def test_a_file_over_the_limit_is_refused_with_413(helpdesk: Helpdesk, settings):
    settings.DESKLINE_ATTACHMENT_MAX_BYTES = 100
    before = row_counts()

    response = ApiClient(helpdesk.alice).upload("notes.txt", b"x" * 101)

    assert response.status_code == 413
    assert response.json()["code"] == "attachment_too_large"
    assert list(response.json()["fields"]) == ["file"]
    assert row_counts() == before
    assert ApiClient(helpdesk.alice).upload("notes.txt", b"x" * 100).status_code == 201


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("invoice.pdf", WINDOWS_PROGRAM, "attachment_forbidden"),
        ("invoice.pdf", LINUX_PROGRAM, "attachment_forbidden"),
        ("invoice.exe", b"harmless words", "attachment_forbidden"),
        ("invoice.pdf.wsf", b"harmless words", "attachment_forbidden"),
        ("invoice.vbe.", b"harmless words", "attachment_forbidden"),
        ("report.txt", PNG, "attachment_type_mismatch"),
        ("invoice.pdf", b"%PNG but not really", "attachment_type_mismatch"),
        ("empty.txt", b"", "attachment_empty"),
    ],
)
def test_a_disguised_or_dangerous_file_is_refused(helpdesk: Helpdesk, name, content, code):
    before = row_counts()

    response = ApiClient(helpdesk.alice).upload(name, content)

    assert response.status_code == 400, response.content
    assert response.json()["code"] == code
    assert row_counts() == before


def test_an_upload_without_a_file_is_refused(helpdesk: Helpdesk):
    caller = ApiClient(helpdesk.alice)

    response = caller.client.post("/api/v1/attachments", {"other": "x"}, headers=caller.headers)

    assert response.status_code == 400
    assert response.json()["code"] == "attachment_missing"
    assert Attachment.objects.count() == 0


def test_an_upload_without_a_token_is_refused(helpdesk: Helpdesk):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = Client().post("/api/v1/attachments", {"file": SimpleUploadedFile("a.png", PNG)})

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert Attachment.objects.count() == 0


def test_a_large_upload_streamed_through_a_temporary_file_is_stored_whole(helpdesk: Helpdesk):
    content = b"log line\n" * 400_000  # 3.6 MB: Django spools it to a temporary file

    response = ApiClient(helpdesk.alice).upload("big.log", content)

    assert response.status_code == 201, response.content
    assert response.json()["size"] == len(content)
    with Attachment.objects.get().file.open("rb") as handle:
        assert handle.read() == content


ROW_ID_MAX = 2**63 - 1


@pytest.mark.parametrize(
    ("ids", "fields"),
    [
        ([ROW_ID_MAX + 1], {"attachments.0": ["Enter a number of at most 9223372036854775807."]}),
        ([2**64, 1], {"attachments.0": ["Enter a number of at most 9223372036854775807."]}),
        ([0], {"attachments.0": ["Enter a number of at least 1."]}),
        ([1, -(2**63) - 1], {"attachments.1": ["Enter a number of at least 1."]}),
        (list(range(1, 22)), {"attachments": ["Give at most 20 items."]}),
        # More ids than PostgreSQL takes bind parameters in one query.
        (list(range(1, 70_000)), {"attachments": ["Give at most 20 items."]}),
    ],
)
def test_a_comment_refuses_ids_no_row_can_have_and_too_many_ids(helpdesk: Helpdesk, ids, fields):
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    before, state = row_counts(), ticket_state(ticket)

    response = ApiClient(helpdesk.alice).post(
        f"/tickets/{ticket.key}/comments", {"body": "See these", "attachments": ids}
    )

    assert response.status_code == 400, response.content
    assert response.json() == {
        "code": "invalid_input",
        "message": "Some values are not valid.",
        "fields": fields,
    }
    assert row_counts() == before
    assert ticket_state(ticket) == state


def test_a_comment_claims_twenty_uploads_at_once(helpdesk: Helpdesk):
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    alice = ApiClient(helpdesk.alice)
    ids = [alice.upload(f"screen{n}.png", PNG).json()["id"] for n in range(20)]

    response = alice.post(f"/tickets/{ticket.key}/comments", {"body": "All", "attachments": ids})

    assert response.status_code == 201, response.content
    assert sorted(a["id"] for a in response.json()["attachments"]) == sorted(ids)


@pytest.mark.parametrize(
    ("quote", "message"),
    [
        ([ROW_ID_MAX + 1], "Upload a file and give its attachment id."),
        (ROW_ID_MAX + 1, "Upload a file and give its attachment id."),
        ([1, 2**70], "Upload a file and give its attachment id."),
        (list(range(1, 22)), "Attach at most 20 files here."),
        (list(range(1, 70_000)), "Attach at most 20 files here."),
    ],
)
def test_an_attachment_field_refuses_ids_no_row_can_have_and_too_many_ids(
    helpdesk: Helpdesk, quote, message
):
    ticket = make_ticket(
        desk=helpdesk.it,
        reporter=helpdesk.alice,
        request_type=helpdesk.laptop,
        fields={"location": "Shanghai"},
    )
    request = {
        "desk": "IT",
        "request_type": helpdesk.laptop.pk,
        "summary": "Laptop",
        "fields": {"location": "Shanghai", "quote": quote},
    }
    li = ApiClient(helpdesk.li)
    before, state = row_counts(), ticket_state(ticket)

    for response in (
        li.post("/tickets", request),
        li.patch(f"/tickets/{ticket.key}", {"fields": {"quote": quote}}),
    ):
        assert response.status_code == 400, response.content
        assert response.json()["code"] == "invalid_fields"
        assert response.json()["fields"] == {"fields.quote": [message]}
    assert row_counts() == before
    assert ticket_state(ticket) == state
