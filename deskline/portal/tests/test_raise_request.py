"""Raising a request from the help center's form."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile

from deskline.testing.scenario import row_counts
from deskline.tickets.models import Attachment, Ticket


def form_row(page, name):
    """The markup of one field's row: its label, control, help and errors."""
    start = page.index(f'id="row-{name}"')
    end = page.find('id="row-', start + 1)
    return page[start : end if end != -1 else None]


def form_url(helpdesk, request_type=None):
    request_type = request_type or helpdesk.laptop
    return f"/desks/{request_type.desk.key}/new/{request_type.pk}/"


def test_the_form_asks_a_visitor_to_sign_in_first(helpdesk, client):
    response = client.get(form_url(helpdesk))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_the_form_shows_every_field_with_labels_and_required_markers(helpdesk, signed_in):
    response = signed_in(helpdesk.alice).get(form_url(helpdesk))

    page = response.content.decode()
    assert response.status_code == 200
    labels = "Summary Description Priority Quantity Model Extras Urgent Manager Quote Location"
    for label in [*labels.split(), "Asset tag", "Details", "Needed by"]:
        assert re.search(rf">\s*{label}\s*<", page), label
    assert '<label for="id_f_location">Location<span class="required-mark"' in page
    assert 'type="file" name="f_quote" multiple' in page
    assert "data-dropzone" in page
    assert ">Send request</button>" in page


def test_a_missing_required_field_shows_its_error_next_to_it_and_keeps_the_input(
    helpdesk, signed_in
):
    # Given Alice filling in the laptop form without the required location
    client = signed_in(helpdesk.alice)
    before = row_counts()

    # When she sends it
    response = client.post(
        form_url(helpdesk),
        {
            "summary": "I need a laptop",
            "description": "My old one *died*",
            "priority": "high",
            "f_asset_tag": "A-123",
            "f_quantity": "2",
            "f_model": "MacBook",
            "f_extras": ["Dock", "Headset"],
            "f_urgent": "on",
            "f_location": "",
        },
    )

    # Then the form comes back with the error right under the location field
    assert response.status_code == 400
    page = response.content.decode()
    location_row = form_row(page, "f_location")
    assert 'aria-invalid="true"' in location_row
    assert 'id="id_f_location_error"><p>This field is required.</p>' in location_row
    # And everything she typed is still there
    assert 'value="I need a laptop"' in page
    assert "My old one *died*</textarea>" in page
    assert '<option value="high" selected>' in page
    assert 'value="A-123"' in page
    assert 'name="f_quantity" value="2"' in page
    assert '<option value="MacBook" selected>' in page
    assert 'value="Dock" id="id_f_extras_0" checked' in page
    assert 'value="Headset" id="id_f_extras_2" checked' in page
    assert 'name="f_urgent" id="id_f_urgent" checked' in page
    # And nothing was written
    assert row_counts() == before


def test_every_bad_field_is_reported_at_once(helpdesk, signed_in):
    response = signed_in(helpdesk.alice).post(
        form_url(helpdesk),
        {
            "summary": "",
            "priority": "medium",
            "f_quantity": "many",
            "f_manager": "nobody@x.example",
        },
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_summary_error"><p>Enter a summary.</p>' in page
    assert 'id="id_f_quantity_error"><p>Enter a number.</p>' in page
    assert (
        'id="id_f_manager_error"><p>Choose a person you may name here: start typing their name '
        "or e-mail address.</p>" in page
    )
    assert 'id="id_f_location_error"><p>This field is required.</p>' in page
    assert Ticket.objects.count() == 0


def test_files_chosen_on_a_form_with_errors_must_be_chosen_again(helpdesk, signed_in):
    response = signed_in(helpdesk.alice).post(
        form_url(helpdesk),
        {"summary": "Quote", "priority": "medium", "f_quote": SimpleUploadedFile("q.txt", b"hi")},
    )

    assert response.status_code == 400
    assert "please choose them again" in response.content.decode()
    assert Attachment.objects.count() == 0


def test_a_valid_form_raises_the_request_and_opens_it(helpdesk, signed_in):
    # Given Alice with the laptop form filled in, a quote attached
    client = signed_in(helpdesk.alice)

    # When she sends it
    response = client.post(
        form_url(helpdesk),
        {
            "summary": "I need a laptop",
            "description": "My old one **died**",
            "priority": "high",
            "f_quantity": "1",
            "f_needed_by": "2030-01-31",
            "f_extras": ["Mouse"],
            "f_manager": "bob@acme.example",
            "f_location": "Shanghai, 3rd floor",
            "f_quote": SimpleUploadedFile("quote.txt", b"one laptop: 1000"),
        },
    )

    # Then the request exists with everything she entered
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/requests/{ticket.key}/"
    assert ticket.reporter == helpdesk.alice
    assert ticket.summary == "I need a laptop"
    assert ticket.priority == "high"
    assert ticket.channel == "portal"
    quote = Attachment.objects.get()
    assert quote.ticket == ticket and quote.filename == "quote.txt"
    assert ticket.fields == {
        "quantity": 1,
        "needed_by": "2030-01-31",
        "extras": ["Mouse"],
        "urgent": False,
        "manager": "bob@acme.example",
        "location": "Shanghai, 3rd floor",
        "quote": [quote.pk],
    }
    # And her request page says so
    page = client.get(response["Location"]).content.decode()
    assert f"Your request {ticket.key} was sent." in page
    assert "<strong>died</strong>" in page
    assert "quote.txt" in page


def test_raise_on_behalf_is_offered_only_to_agents_of_the_desk(helpdesk, signed_in):
    marker = 'name="reporter_email"'

    assert marker in signed_in(helpdesk.li).get(form_url(helpdesk)).content.decode()
    assert marker in signed_in(helpdesk.admin).get(form_url(helpdesk)).content.decode()
    assert marker not in signed_in(helpdesk.alice).get(form_url(helpdesk)).content.decode()
    assert marker not in signed_in(helpdesk.hana).get(form_url(helpdesk)).content.decode()


def test_an_agent_raises_a_request_on_behalf_of_a_customer(helpdesk, signed_in):
    response = signed_in(helpdesk.li).post(
        form_url(helpdesk, helpdesk.password_reset),
        {
            "summary": "Carol is locked out",
            "priority": "medium",
            "reporter_email": "carol@example.com",
        },
    )

    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert ticket.reporter == helpdesk.carol


def test_a_customer_cannot_raise_on_behalf_of_someone_else(helpdesk, signed_in):
    # Given Alice tampering with the form to add the agents' on-behalf field
    response = signed_in(helpdesk.alice).post(
        form_url(helpdesk, helpdesk.password_reset),
        {"summary": "Locked out", "priority": "medium", "reporter_email": "carol@example.com"},
    )

    # Then the field is ignored: the request is hers
    assert response.status_code == 302
    assert Ticket.objects.get().reporter == helpdesk.alice


def test_a_request_type_of_another_desk_is_the_404_page(helpdesk, signed_in):
    response = signed_in(helpdesk.alice).get(f"/desks/IT/new/{helpdesk.onboarding.pk}/")

    assert response.status_code == 404


def test_a_request_can_be_shared_with_the_organization(helpdesk, signed_in):
    signed_in(helpdesk.alice).post(
        form_url(helpdesk, helpdesk.password_reset),
        {"summary": "Wi-Fi down", "priority": "medium", "share_with_organization": "on"},
    )

    assert Ticket.objects.get().is_shared_with_organization is True


def test_a_refused_file_shows_its_error_next_to_its_field_and_writes_no_request(
    helpdesk, signed_in
):
    response = signed_in(helpdesk.alice).post(
        form_url(helpdesk),
        {
            "summary": "Quote attached",
            "priority": "medium",
            "f_location": "Sydney",
            "f_quote": SimpleUploadedFile("setup.exe", b"MZ\x90\x00 program"),
        },
    )

    assert response.status_code == 400
    row = form_row(response.content.decode(), "f_quote")
    assert "Programs and scripts cannot be attached." in row
    assert row_counts()["tickets"] == 0
