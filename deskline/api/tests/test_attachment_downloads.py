"""GET /tickets/{key}/attachments/{id}: a ticket's files, under the ticket's own access rule."""

import pytest

from deskline.testing.factories import ApiClient, make_ticket
from deskline.testing.scenario import Helpdesk, row_counts
from deskline.tickets.actions import attachment_upload, ticket_comment, ticket_create
from deskline.tickets.models import Attachment, Ticket

pytestmark = pytest.mark.django_db

LOG = b"vpn: timeout after 30 s\n"


def _ticket(helpdesk: Helpdesk) -> Ticket:
    return make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )


def _comment_with_file(helpdesk: Helpdesk, ticket: Ticket, *, is_public: bool = True,
                       filename: str = "vpn-log.txt") -> Attachment:  # fmt: skip
    author = helpdesk.alice if is_public else helpdesk.li
    upload = attachment_upload(actor=author, filename=filename, content=LOG)
    ticket_comment(
        actor=author, ticket=ticket, body="log", is_public=is_public, attachment_ids=[upload.pk]
    )
    return upload


def _path(ticket: Ticket, attachment: Attachment) -> str:
    return f"/tickets/{ticket.key}/attachments/{attachment.pk}"


def test_a_comments_attachments_carry_their_download_url(helpdesk: Helpdesk):
    ticket = _ticket(helpdesk)
    alice = ApiClient(helpdesk.alice)
    upload = alice.upload("vpn-log.txt", LOG).json()

    created = alice.post(
        f"/tickets/{ticket.key}/comments", {"body": "See the log", "attachments": [upload["id"]]}
    )
    listed = alice.get(f"/tickets/{ticket.key}/comments").json()["items"]

    url = f"http://testserver/api/v1/tickets/{ticket.key}/attachments/{upload['id']}"
    assert upload["url"] is None  # nothing claimed it yet
    assert created.json()["attachments"] == [{**upload, "url": url}]
    assert listed[0]["attachments"] == [{**upload, "url": url}]


def test_the_reporter_downloads_a_file_with_the_token(helpdesk: Helpdesk):
    ticket = _ticket(helpdesk)
    upload = _comment_with_file(helpdesk, ticket)
    url = (
        ApiClient(helpdesk.alice)
        .get(f"/tickets/{ticket.key}/comments")
        .json()["items"][0]["attachments"][0]["url"]
    )

    response = ApiClient(helpdesk.alice).client.get(url, headers=ApiClient(helpdesk.alice).headers)

    assert response.status_code == 200
    assert response.getvalue() == LOG
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="vpn-log.txt"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert url.endswith(_path(ticket, upload))


def test_the_agent_of_the_desk_downloads_the_file_of_an_internal_note(helpdesk: Helpdesk):
    ticket = _ticket(helpdesk)
    note = _comment_with_file(helpdesk, ticket, is_public=False)

    response = ApiClient(helpdesk.li).get(_path(ticket, note))

    assert response.status_code == 200
    assert response.getvalue() == LOG


def test_a_customer_never_gets_the_file_of_an_internal_note(helpdesk: Helpdesk):
    ticket = _ticket(helpdesk)
    note = _comment_with_file(helpdesk, ticket, is_public=False)
    before = row_counts()

    response = ApiClient(helpdesk.alice).get(_path(ticket, note))

    assert response.status_code == 404
    assert response.json()["code"] == "attachment_not_found"
    assert row_counts() == before


def test_an_agent_of_another_desk_gets_404_as_for_the_ticket(helpdesk: Helpdesk):
    ticket = _ticket(helpdesk)
    upload = _comment_with_file(helpdesk, ticket)

    response = ApiClient(helpdesk.hana).get(_path(ticket, upload))
    ticket_itself = ApiClient(helpdesk.hana).get(f"/tickets/{ticket.key}")

    assert response.status_code == ticket_itself.status_code == 404
    assert response.json() == ticket_itself.json()
    assert response.json()["code"] == "ticket_not_found"


def test_another_customer_gets_404(helpdesk: Helpdesk):
    ticket = _ticket(helpdesk)
    upload = _comment_with_file(helpdesk, ticket)

    response = ApiClient(helpdesk.carol).get(_path(ticket, upload))

    assert response.status_code == 404
    assert response.json()["code"] == "ticket_not_found"


def test_without_a_token_the_download_is_refused(helpdesk: Helpdesk):
    ticket = _ticket(helpdesk)
    upload = _comment_with_file(helpdesk, ticket)

    response = ApiClient(None).get(_path(ticket, upload))

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.parametrize(
    "which", ["of another ticket", "unclaimed", "unknown", "beyond a database integer"]
)
def test_a_file_that_is_not_this_tickets_is_404(helpdesk: Helpdesk, which: str):
    ticket = _ticket(helpdesk)
    if which == "of another ticket":
        attachment_id = _comment_with_file(helpdesk, _ticket(helpdesk)).pk
    elif which == "unclaimed":
        attachment_id = attachment_upload(actor=helpdesk.alice, filename="a.txt", content=b"a").pk
    elif which == "unknown":
        attachment_id = 999_999
    else:
        attachment_id = 2**63

    response = ApiClient(helpdesk.alice).get(f"/tickets/{ticket.key}/attachments/{attachment_id}")

    assert response.status_code == 404
    assert response.json()["code"] == "attachment_not_found"


def test_a_form_fields_file_downloads_by_the_id_in_fields(helpdesk: Helpdesk):
    quote = attachment_upload(actor=helpdesk.alice, filename="报价.pdf", content=b"%PDF-1.7\n")
    ticket = ticket_create(
        actor=helpdesk.alice, desk=helpdesk.it, request_type=helpdesk.laptop, summary="Laptop",
        fields={"location": "Shanghai", "quote": [quote.pk]},
    )  # fmt: skip
    li = ApiClient(helpdesk.li)
    ids = li.get(f"/tickets/{ticket.key}").json()["fields"]["quote"]

    response = li.get(f"/tickets/{ticket.key}/attachments/{ids[0]}")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "inline; filename=\"__.pdf\"; filename*=UTF-8''%E6%8A%A5%E4%BB%B7.pdf"
    )
    assert "sandbox" not in response["Content-Security-Policy"]


def test_the_download_asks_a_fixed_number_of_queries(helpdesk: Helpdesk, django_assert_num_queries):
    ticket = _ticket(helpdesk)
    upload = _comment_with_file(helpdesk, ticket)
    li = ApiClient(helpdesk.li)
    li.get(_path(ticket, upload))  # the process's configuration catalogue is built once

    # the token with its user and the configuration's version, the ticket, the file
    with django_assert_num_queries(3):
        response = li.get(_path(ticket, upload))

    assert response.status_code == 200


def test_the_openapi_document_lists_the_download(db):
    document = ApiClient(None).client.get("/api/v1/openapi.json").json()

    operation = document["paths"]["/api/v1/tickets/{key}/attachments/{attachment_id}"]["get"]
    assert "application/octet-stream" in operation["responses"]["200"]["content"]
    schema = document["components"]["schemas"]["AttachmentOut"]
    assert "url" in schema["properties"]
