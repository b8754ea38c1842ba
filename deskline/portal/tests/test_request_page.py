"""A request's page: details, the public conversation, replies, resolving and reopening."""

from django.core.files.uploadedfile import SimpleUploadedFile

from deskline.testing.factories import make_ticket
from deskline.testing.scenario import ticket_state
from deskline.tickets.actions import attachment_upload, ticket_comment, ticket_update
from deskline.tickets.models import Attachment, Comment


def raise_for(helpdesk, reporter, summary="Printer on the 3rd floor is jammed", **extra):
    return make_ticket(
        desk=helpdesk.it,
        request_type=helpdesk.password_reset,
        reporter=reporter,
        summary=summary,
        **extra,
    )


def test_the_reporter_sees_the_details_of_the_request(helpdesk, signed_in):
    # Given Alice's request, assigned to Li
    ticket = raise_for(helpdesk, helpdesk.alice, description="It **jams**")
    ticket_update(actor=helpdesk.li, ticket=ticket, changes={"assignee": helpdesk.li.email})

    # When she opens it
    response = signed_in(helpdesk.alice).get(f"/requests/{ticket.key}/")

    # Then she sees its summary, status, desk, type, reporter and assignee
    page = response.content.decode()
    assert response.status_code == 200
    assert "Printer on the 3rd floor is jammed" in page
    # the customer's words for the status, not the agents' ("Open")
    assert '<span class="badge badge-new" id="request-status">Received</span>' in page
    assert "IT help" in page and "Password reset" in page
    assert "<dd>Alice</dd>" in page and "<dd>Li</dd>" in page
    assert "<strong>jams</strong>" in page


def test_a_customer_cannot_open_another_customers_request(helpdesk, signed_in):
    # Given Carol's request
    ticket = raise_for(helpdesk, helpdesk.carol, summary="Carol's secret matter")

    # When Alice opens it by its address
    response = signed_in(helpdesk.alice).get(f"/requests/{ticket.key}/")

    # Then she gets the not-found page, which says nothing about it
    assert response.status_code == 404
    page = response.content.decode()
    assert "We could not find this page" in page
    assert "Carol's secret matter" not in page


def test_a_customer_cannot_reply_to_or_resolve_another_customers_request(helpdesk, signed_in):
    ticket = raise_for(helpdesk, helpdesk.carol)
    before = ticket_state(ticket)
    client = signed_in(helpdesk.alice)

    assert client.post(f"/requests/{ticket.key}/comments/", {"body": "Hi"}).status_code == 404
    assert client.post(f"/requests/{ticket.key}/status/", {"status": "resolved"}).status_code == 404
    assert ticket_state(ticket) == before
    assert Comment.objects.count() == 0


def test_an_unknown_request_is_the_404_page(helpdesk, signed_in):
    client = signed_in(helpdesk.alice)

    assert client.get("/requests/IT-999/").status_code == 404
    assert client.get("/requests/not-a-key/").status_code == 404


def test_the_customer_never_sees_an_internal_note_nor_its_files(helpdesk, signed_in):
    # Given Alice's request with a public reply and an internal note with a file
    ticket = raise_for(helpdesk, helpdesk.alice)
    ticket_comment(actor=helpdesk.li, ticket=ticket, body="We are on it")
    secret = attachment_upload(actor=helpdesk.li, filename="notes.txt", content=b"vendor price")
    ticket_comment(
        actor=helpdesk.li,
        ticket=ticket,
        body="Customer seems annoyed",
        is_public=False,
        attachment_ids=[secret.pk],
    )
    client = signed_in(helpdesk.alice)

    # When she reads it
    page = client.get(f"/requests/{ticket.key}/").content.decode()

    # Then she sees the reply but not the note or its file
    assert "We are on it" in page
    assert "Customer seems annoyed" not in page
    assert "notes.txt" not in page
    assert client.get(f"/requests/{ticket.key}/files/{secret.pk}/").status_code == 404


def test_the_agent_of_the_desk_sees_internal_notes_in_the_help_center_too(helpdesk, signed_in):
    ticket = raise_for(helpdesk, helpdesk.alice)
    ticket_comment(actor=helpdesk.li, ticket=ticket, body="Internal only", is_public=False)

    page = signed_in(helpdesk.li).get(f"/requests/{ticket.key}/").content.decode()

    assert "Internal only" in page


def test_a_comment_with_an_attachment_is_added_to_the_conversation(helpdesk, signed_in):
    # Given Alice on her request
    ticket = raise_for(helpdesk, helpdesk.alice)
    client = signed_in(helpdesk.alice)

    # When she replies with a screenshot, without JavaScript
    response = client.post(
        f"/requests/{ticket.key}/comments/",
        {"body": "Here is the **error**", "attachments": SimpleUploadedFile("error.txt", b"E42")},
    )

    # Then she is back on the request, which shows her reply and its file
    assert response.status_code == 302
    assert response["Location"] == f"/requests/{ticket.key}/#conversation"
    comment = Comment.objects.get()
    assert comment.is_public is True and comment.author == helpdesk.alice
    file = Attachment.objects.get()
    assert file.comment == comment and file.ticket_id == ticket.pk
    page = client.get(f"/requests/{ticket.key}/").content.decode()
    assert "Your comment was added." in page
    assert "Here is the <strong>error</strong>" in page
    assert f'href="/requests/{ticket.key}/files/{file.pk}/">error.txt</a>' in page
    # And she can download the file
    download = client.get(f"/requests/{ticket.key}/files/{file.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"E42"
    assert "attachment" in download["Content-Disposition"]


def test_htmx_gets_the_conversation_back(helpdesk, signed_in):
    ticket = raise_for(helpdesk, helpdesk.alice)

    response = signed_in(helpdesk.alice).post(
        f"/requests/{ticket.key}/comments/", {"body": "Any news?"}, headers={"HX-Request": "true"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<section id="conversation"')
    assert "Any news?" in page and "Your comment was added." in page
    assert "<html" not in page


def test_an_empty_comment_shows_its_error_next_to_the_box(helpdesk, signed_in):
    ticket = raise_for(helpdesk, helpdesk.alice)

    response = signed_in(helpdesk.alice).post(f"/requests/{ticket.key}/comments/", {"body": " "})

    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_body_error"><p>Write a message.</p>' in page
    assert Comment.objects.count() == 0


def test_the_comment_box_is_labelled(helpdesk, signed_in):
    ticket = raise_for(helpdesk, helpdesk.alice)

    page = signed_in(helpdesk.alice).get(f"/requests/{ticket.key}/").content.decode()

    assert '<label for="id_body">Add a comment</label>' in page


def test_the_customer_marks_the_request_as_resolved_and_reopens_it(helpdesk, signed_in):
    # Given Alice's open request
    ticket = raise_for(helpdesk, helpdesk.alice)
    client = signed_in(helpdesk.alice)
    page = client.get(f"/requests/{ticket.key}/").content.decode()
    assert ">Mark as resolved</button>" in page
    assert ">Reopen</button>" not in page

    # When she marks it as resolved
    response = client.post(f"/requests/{ticket.key}/status/", {"status": "resolved"}, follow=True)

    # Then it is resolved, and she may reopen it
    ticket.refresh_from_db()
    assert ticket.status.key == "resolved" and ticket.resolved_at is not None
    page = response.content.decode()
    assert "Marked as resolved." in page
    assert ">Reopen</button>" in page
    assert ">Mark as resolved</button>" not in page

    # When she reopens it
    response = client.post(
        f"/requests/{ticket.key}/status/", {"status": "in_progress"}, follow=True
    )

    # Then it is in progress again
    ticket.refresh_from_db()
    assert ticket.status.key == "in_progress" and ticket.resolved_at is None
    assert ">Mark as resolved</button>" in response.content.decode()


def test_a_customer_cannot_move_a_request_anywhere_else(helpdesk, signed_in):
    ticket = raise_for(helpdesk, helpdesk.alice)
    before = ticket_state(ticket)

    response = signed_in(helpdesk.alice).post(
        f"/requests/{ticket.key}/status/", {"status": "in_progress"}, follow=True
    )

    assert response.status_code == 200
    assert "You can resolve your request or reopen it" in response.content.decode()
    assert ticket_state(ticket) == before


def test_request_pages_need_sign_in(helpdesk, client):
    ticket = raise_for(helpdesk, helpdesk.alice)

    response = client.get(f"/requests/{ticket.key}/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_posting_without_the_csrf_token_is_refused(helpdesk):
    from django.test import Client

    ticket = raise_for(helpdesk, helpdesk.alice)
    client = Client(enforce_csrf_checks=True)
    client.force_login(helpdesk.alice)

    response = client.post(f"/requests/{ticket.key}/comments/", {"body": "Hi"})

    assert response.status_code == 403
    assert Comment.objects.count() == 0


def test_times_are_shown_in_the_viewers_time_zone(helpdesk, signed_in):
    # Given Alice, who works in Shanghai
    helpdesk.alice.time_zone = "Asia/Shanghai"
    helpdesk.alice.save()
    ticket = raise_for(helpdesk, helpdesk.alice)

    # When she opens her request
    page = signed_in(helpdesk.alice).get(f"/requests/{ticket.key}/").content.decode()

    # Then its creation time is in her time zone
    assert '+08:00">' in page
