"""Agents open the files of a ticket from its page: a comment's, a note's, a form field's."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deskline.testing.scenario import Helpdesk, row_counts
from deskline.tickets.actions import attachment_upload, ticket_comment, ticket_create
from deskline.tickets.models import Attachment, Ticket
from deskline.workspace.tests.conftest import it_ticket, signed_in

pytestmark = pytest.mark.django_db

LOG = b"vpn: timeout after 30 s\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64


def _commented(helpdesk: Helpdesk, *, filename: str = "vpn-log.txt", content: bytes = LOG,
               is_public: bool = True, author=None) -> tuple[Ticket, Attachment]:  # fmt: skip
    ticket = it_ticket(helpdesk)
    author = author or (helpdesk.alice if is_public else helpdesk.li)
    upload = attachment_upload(actor=author, filename=filename, content=content)
    ticket_comment(
        actor=author, ticket=ticket, body="See the log", is_public=is_public,
        attachment_ids=[upload.pk],
    )  # fmt: skip
    return ticket, upload


def _url(ticket: Ticket, attachment: Attachment) -> str:
    return f"/agent/tickets/{ticket.key}/files/{attachment.pk}/"


def test_a_comments_file_is_a_download_link_with_its_name_and_size(helpdesk: Helpdesk):
    ticket, upload = _commented(helpdesk)

    page = signed_in(helpdesk.li).get(f"/agent/tickets/{ticket.key}/").content.decode()

    assert f'<a href="{_url(ticket, upload)}">vpn-log.txt</a> <span class="muted">(24' in page


def test_the_agent_downloads_a_customers_file(helpdesk: Helpdesk):
    ticket, upload = _commented(helpdesk)

    response = signed_in(helpdesk.li).get(_url(ticket, upload))

    assert response.status_code == 200
    assert response.getvalue() == LOG
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Length"] == str(len(LOG))
    assert response["Content-Disposition"] == 'attachment; filename="vpn-log.txt"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_the_agent_downloads_the_file_of_an_internal_note(helpdesk: Helpdesk):
    ticket, upload = _commented(helpdesk, is_public=False, filename="price.txt")

    response = signed_in(helpdesk.li).get(_url(ticket, upload))

    assert response.status_code == 200
    assert response.getvalue() == LOG


def test_a_chinese_file_name_downloads_with_its_name(helpdesk: Helpdesk):
    ticket, upload = _commented(helpdesk, filename="网络日志.txt")

    response = signed_in(helpdesk.li).get(_url(ticket, upload))

    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        'attachment; filename="____.txt"; '
        "filename*=UTF-8''%E7%BD%91%E7%BB%9C%E6%97%A5%E5%BF%97.txt"
    )


def test_an_image_opens_in_the_browser(helpdesk: Helpdesk):
    ticket, upload = _commented(helpdesk, filename="screen.png", content=PNG)

    response = signed_in(helpdesk.li).get(_url(ticket, upload))

    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'inline; filename="screen.png"'


def test_the_files_of_an_attachment_field_are_download_links(helpdesk: Helpdesk):
    quote = attachment_upload(actor=helpdesk.alice, filename="quote.pdf", content=b"%PDF-1.7\n")
    ticket = ticket_create(
        actor=helpdesk.alice, desk=helpdesk.it, request_type=helpdesk.laptop, summary="Laptop",
        fields={"location": "Shanghai", "quote": [quote.pk]},
    )  # fmt: skip
    client = signed_in(helpdesk.li)

    page = client.get(f"/agent/tickets/{ticket.key}/").content.decode()
    download = client.get(_url(ticket, quote))

    assert f'<a href="{_url(ticket, quote)}">quote.pdf</a> <span class="muted">(9' in page
    assert "Attached" not in page
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'inline; filename="quote.pdf"'


def test_an_agent_of_another_desk_gets_404_for_the_file(helpdesk: Helpdesk):
    ticket, upload = _commented(helpdesk)
    before = row_counts()

    response = signed_in(helpdesk.hana).get(_url(ticket, upload))

    assert response.status_code == 404
    assert LOG not in response.content
    assert b"vpn-log.txt" not in response.content
    assert row_counts() == before


def test_an_agent_who_reported_a_ticket_elsewhere_gets_404_in_the_workspace(helpdesk: Helpdesk):
    ticket, upload = _commented(helpdesk, author=helpdesk.hana)
    Ticket.objects.filter(pk=ticket.pk).update(reporter=helpdesk.hana)

    assert signed_in(helpdesk.hana).get(_url(ticket, upload)).status_code == 404


def test_a_customer_gets_403_and_a_visitor_is_sent_to_sign_in(helpdesk: Helpdesk, client):
    ticket, upload = _commented(helpdesk)

    as_customer = signed_in(helpdesk.alice).get(_url(ticket, upload))
    as_visitor = client.get(_url(ticket, upload))

    assert as_customer.status_code == 403
    assert LOG not in as_customer.content
    assert as_visitor.status_code == 302
    assert as_visitor["Location"].startswith("/accounts/login/")


def test_a_file_of_another_ticket_is_404_through_this_one(helpdesk: Helpdesk):
    ticket, _upload = _commented(helpdesk)
    _other, elsewhere = _commented(helpdesk, filename="other.txt")

    response = signed_in(helpdesk.li).get(_url(ticket, elsewhere))

    assert response.status_code == 404


def test_an_unclaimed_upload_is_404(helpdesk: Helpdesk):
    ticket = it_ticket(helpdesk)
    pending = attachment_upload(actor=helpdesk.li, filename="draft.txt", content=LOG)

    assert signed_in(helpdesk.li).get(_url(ticket, pending)).status_code == 404


def test_a_file_gone_from_storage_is_404_not_500(helpdesk: Helpdesk):
    ticket, upload = _commented(helpdesk)
    upload.file.storage.delete(upload.file.name)

    assert signed_in(helpdesk.li).get(_url(ticket, upload)).status_code == 404


def test_a_download_asks_a_fixed_number_of_queries(helpdesk: Helpdesk, django_assert_num_queries):
    ticket, upload = _commented(helpdesk)
    client = signed_in(helpdesk.li)
    client.get(_url(ticket, upload))  # the process's configuration catalogue is built once

    # session, user, the ticket, the configuration's version (served desks come with the
    # catalogue), the file
    with django_assert_num_queries(5):
        response = client.get(_url(ticket, upload))

    assert response.getvalue() == LOG


def test_the_ticket_page_asks_no_query_for_field_files_when_none_is_filled(helpdesk: Helpdesk):
    # The laptop form has an attachment field; unfilled, it costs the page nothing
    ticket = ticket_create(
        actor=helpdesk.alice, desk=helpdesk.it, request_type=helpdesk.laptop, summary="Laptop",
        fields={"location": "Shanghai"},
    )  # fmt: skip
    client = signed_in(helpdesk.li)
    client.get(f"/agent/tickets/{ticket.key}/")
    with CaptureQueriesContext(connection) as unfilled:
        client.get(f"/agent/tickets/{ticket.key}/")
    quote = attachment_upload(actor=helpdesk.alice, filename="q.txt", content=b"q")
    filled_ticket = ticket_create(
        actor=helpdesk.alice, desk=helpdesk.it, request_type=helpdesk.laptop, summary="Laptop",
        fields={"location": "Shanghai", "quote": [quote.pk]},
    )  # fmt: skip
    client.get(f"/agent/tickets/{filled_ticket.key}/")
    with CaptureQueriesContext(connection) as filled:
        client.get(f"/agent/tickets/{filled_ticket.key}/")

    assert len(filled.captured_queries) == len(unfilled.captured_queries) + 1
