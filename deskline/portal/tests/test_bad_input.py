"""Bad input in the help center: a 4xx page or an error next to the field, never a 500, and a
refused form leaves nothing behind (no request, no attachment row, no stored file)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from deskline.desks.models import ShortLink
from deskline.testing.factories import make_ticket
from deskline.testing.scenario import row_counts, ticket_state
from deskline.tickets.actions import ticket_comment
from deskline.tickets.models import Attachment, Comment


def stored_files() -> list[Path]:
    """Every file in the test's media folder."""
    return [path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file()]


def raise_for(helpdesk, reporter, summary="Printer jammed"):
    return make_ticket(
        desk=helpdesk.it, request_type=helpdesk.password_reset, reporter=reporter, summary=summary
    )


def laptop_form(helpdesk) -> str:
    return f"/desks/IT/new/{helpdesk.laptop.pk}/"


def test_a_malformed_conversation_cursor_is_a_400_not_a_500(helpdesk, signed_in):
    # Given Alice's request with a reply
    ticket = raise_for(helpdesk, helpdesk.alice)
    ticket_comment(actor=helpdesk.li, ticket=ticket, body="We are on it")
    client = signed_in(helpdesk.alice)

    # When she opens it with a cursor the page never gave out
    response = client.get(f"/requests/{ticket.key}/", {"after": "garbage"})

    # Then she gets the page from the first reply, with the error said, as a 400
    page = response.content.decode()
    assert response.status_code == 400
    assert "The cursor is not one this list gave out." in page
    assert "We are on it" in page


@pytest.mark.parametrize(
    "url",
    [
        "/desks/IT%00/",
        "/desks/IT%00/new/1/",
        "/go/ithelp%00",
        "/desks/IT/new/99999999999999999999999/",
        "/requests/IT-1/files/99999999999999999999999/",
    ],
)
def test_nul_characters_and_huge_ids_in_addresses_are_404_pages(helpdesk, signed_in, url):
    # (PostgreSQL refuses NUL in text parameters: without a check these were 500s there.)
    ShortLink.objects.create(slug="ithelp", desk=helpdesk.it)
    raise_for(helpdesk, helpdesk.alice)
    client = signed_in(helpdesk.alice)
    client.raise_request_exception = False

    assert client.get(url).status_code == 404


def test_a_status_with_a_nul_character_changes_nothing(helpdesk, signed_in):
    ticket = raise_for(helpdesk, helpdesk.alice)
    before = ticket_state(ticket)
    client = signed_in(helpdesk.alice)
    client.raise_request_exception = False

    response = client.post(f"/requests/{ticket.key}/status/", {"status": "resol\x00ved"})

    assert response.status_code == 302
    assert "This desk has no such status." in client.get(response["Location"]).content.decode()
    assert ticket_state(ticket) == before


def test_a_refused_comment_keeps_none_of_its_files(helpdesk, signed_in):
    # Given Alice replying with a file but no words
    ticket = raise_for(helpdesk, helpdesk.alice)

    # When she sends it
    response = signed_in(helpdesk.alice).post(
        f"/requests/{ticket.key}/comments/",
        {"body": "   ", "attachments": SimpleUploadedFile("log.txt", b"E42")},
    )

    # Then the reply is refused and the file is neither recorded nor stored
    assert response.status_code == 400
    assert 'id="id_body_error"><p>Write a message.</p>' in response.content.decode()
    assert Comment.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert stored_files() == []


def test_one_refused_file_keeps_none_of_the_comments_files(helpdesk, signed_in):
    ticket = raise_for(helpdesk, helpdesk.alice)

    response = signed_in(helpdesk.alice).post(
        f"/requests/{ticket.key}/comments/",
        {
            "body": "Two files",
            "attachments": [
                SimpleUploadedFile("log.txt", b"E42"),
                SimpleUploadedFile("setup.exe", b"MZ\x90\x00 program"),
            ],
        },
    )

    assert response.status_code == 400
    assert "Programs and scripts cannot be attached." in response.content.decode()
    assert Comment.objects.count() == 0
    assert Attachment.objects.count() == 0
    assert stored_files() == []


def test_one_refused_file_keeps_none_of_the_request_forms_files(helpdesk, signed_in):
    # Given Alice's laptop form with a good quote and a program
    before = row_counts()

    # When she sends it
    response = signed_in(helpdesk.alice).post(
        laptop_form(helpdesk),
        {
            "summary": "Quote attached",
            "priority": "medium",
            "f_location": "Sydney",
            "f_quote": [
                SimpleUploadedFile("quote.txt", b"one laptop"),
                SimpleUploadedFile("setup.exe", b"MZ\x90\x00 program"),
            ],
        },
    )

    # Then the program's error is shown and nothing is written or stored
    assert response.status_code == 400
    assert "Programs and scripts cannot be attached." in response.content.decode()
    assert row_counts() == before
    assert stored_files() == []


def test_a_request_the_action_refuses_keeps_none_of_its_files(helpdesk, signed_in):
    # Given a form the page accepts but the action refuses (a description over its limit)
    before = row_counts()

    response = signed_in(helpdesk.alice).post(
        laptop_form(helpdesk),
        {
            "summary": "Long story",
            "description": "x" * 100_001,
            "priority": "medium",
            "f_location": "Sydney",
            "f_quote": SimpleUploadedFile("quote.txt", b"one laptop"),
        },
    )

    assert response.status_code == 400
    assert 'id="id_description_error"><p>Keep this under 100000 characters.' in (
        response.content.decode()
    )
    assert row_counts() == before
    assert stored_files() == []


def test_a_request_with_files_still_keeps_them(helpdesk, signed_in):
    response = signed_in(helpdesk.alice).post(
        laptop_form(helpdesk),
        {
            "summary": "Quote attached",
            "priority": "medium",
            "f_location": "Sydney",
            "f_quote": [
                SimpleUploadedFile("quote.txt", b"one laptop"),
                SimpleUploadedFile("spec.txt", b"16 GB"),
            ],
        },
    )

    assert response.status_code == 302
    assert sorted(Attachment.objects.values_list("filename", flat=True)) == [
        "quote.txt",
        "spec.txt",
    ]
    assert len(stored_files()) == 2


def test_the_request_page_asks_the_same_number_of_queries_however_many_replies(
    helpdesk, signed_in, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from deskline.tickets.actions import attachment_upload

    # Given Alice's request with two replies, each with a file
    ticket = raise_for(helpdesk, helpdesk.alice)
    client = signed_in(helpdesk.alice)

    def reply(number: int) -> None:
        author = helpdesk.li if number % 2 else helpdesk.alice
        file = attachment_upload(actor=author, filename=f"f{number}.txt", content=b"data")
        ticket_comment(
            actor=author, ticket=ticket, body=f"Reply {number}", attachment_ids=[file.pk]
        )

    for number in range(2):
        reply(number)
    with CaptureQueriesContext(connection) as two_replies:
        assert client.get(f"/requests/{ticket.key}/").status_code == 200

    # When there are twenty
    for number in range(2, 20):
        reply(number)

    # Then the page asks exactly as many queries and shows them all
    with django_assert_num_queries(len(two_replies)):
        page = client.get(f"/requests/{ticket.key}/").content.decode()
    assert "Reply 19" in page and "f19.txt" in page


def test_the_home_search_asks_the_same_number_of_queries_however_many_results(
    helpdesk, signed_in, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = signed_in(helpdesk.alice)
    for number in range(2):
        raise_for(helpdesk, helpdesk.alice, f"Printer {number}")
    with CaptureQueriesContext(connection) as two_rows:
        assert client.get("/", {"q": "printer"}).status_code == 200

    for number in range(2, 20):
        raise_for(helpdesk, helpdesk.alice, f"Printer {number}")

    with django_assert_num_queries(len(two_rows)):
        page = client.get("/", {"q": "printer"}).content.decode()
    assert page.count("badge-new") == 20


def test_the_status_filter_of_the_lists_follows_the_status_categories(helpdesk):
    from deskline.desks.models import StatusCategory
    from deskline.portal.request_views import STATUS_FILTERS

    open_categories = set(STATUS_FILTERS["open"][1].split(","))

    assert open_categories == set(StatusCategory.values) - {StatusCategory.DONE}


def test_a_visitor_gets_the_desk_page_by_key_in_any_case(helpdesk):
    assert Client().get("/desks/it/").status_code == 200
