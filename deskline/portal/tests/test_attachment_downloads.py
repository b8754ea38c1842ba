"""The help center serves a request's files through the one safe file response."""

import pytest

from deskline.testing.factories import make_ticket
from deskline.tickets.actions import attachment_upload, ticket_comment

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 64
PAGE = b"<html><script>alert(document.cookie)</script></html>"


def _reply_with(helpdesk, filename: str, content: bytes, *, author=None, is_public=True):
    ticket = make_ticket(
        desk=helpdesk.it, request_type=helpdesk.password_reset, reporter=helpdesk.alice
    )
    author = author or helpdesk.alice
    upload = attachment_upload(actor=author, filename=filename, content=content)
    ticket_comment(
        actor=author, ticket=ticket, body="Attached", is_public=is_public,
        attachment_ids=[upload.pk],
    )  # fmt: skip
    return ticket, f"/requests/{ticket.key}/files/{upload.pk}/"


def test_an_html_file_is_downloaded_as_text_never_rendered(helpdesk, signed_in):
    _ticket, url = _reply_with(helpdesk, "page.html", PAGE)

    response = signed_in(helpdesk.alice).get(url)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="page.html"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].endswith("; sandbox")
    assert b"".join(response.streaming_content) == PAGE


def test_an_image_opens_in_the_browser(helpdesk, signed_in):
    _ticket, url = _reply_with(helpdesk, "screen.png", PNG)

    response = signed_in(helpdesk.alice).get(url)

    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"] == 'inline; filename="screen.png"'


def test_a_chinese_file_name_downloads_with_its_name(helpdesk, signed_in):
    _ticket, url = _reply_with(helpdesk, "报销单.txt", "金额 100\n".encode())

    response = signed_in(helpdesk.alice).get(url)

    assert response["Content-Disposition"] == (
        "attachment; filename=\"___.txt\"; filename*=UTF-8''%E6%8A%A5%E9%94%80%E5%8D%95.txt"
    )


def test_a_colleague_of_a_shared_request_downloads_its_file(helpdesk, signed_in):
    ticket, url = _reply_with(helpdesk, "notes.txt", b"shared")
    ticket.is_shared_with_organization = True
    ticket.save(update_fields=["is_shared_with_organization"])

    assert signed_in(helpdesk.bob).get(url).status_code == 200
    assert signed_in(helpdesk.carol).get(url).status_code == 404


def test_a_download_asks_a_fixed_number_of_queries(helpdesk, signed_in, django_assert_num_queries):
    _ticket, url = _reply_with(helpdesk, "notes.txt", b"words")
    client = signed_in(helpdesk.alice)
    client.get(url)  # the process's configuration catalogue is built once

    # session, user, the ticket, the configuration's version, the file
    with django_assert_num_queries(5):
        response = client.get(url)

    assert b"".join(response.streaming_content) == b"words"
