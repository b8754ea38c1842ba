"""Mailboxes and received messages in the configuration screens: secrets never shown back, each
desk admin sees their desks' mail only, the raw message downloads, a failed message retries."""

from __future__ import annotations

import pytest

from deskline.accounts.models import Role
from deskline.mail.inbound import receive
from deskline.mail.models import InboundMessage, Mailbox
from deskline.mail.models.inbound import MessageStatus
from deskline.mail.tests.mailbuilder import mail, make_mailbox
from deskline.testing.admin_forms import form_data, signed_in
from deskline.testing.factories import make_user
from deskline.testing.faults import event_writes_failing
from deskline.testing.scenario import Helpdesk, build_helpdesk

pytestmark = pytest.mark.django_db
SECRET = "s3cret-Pa55word"


@pytest.fixture
def helpdesk() -> Helpdesk:
    return build_helpdesk()


@pytest.fixture
def mailbox(helpdesk: Helpdesk) -> Mailbox:
    return make_mailbox(
        helpdesk,
        kind="imap",
        imap_host="imap.example.com",
        imap_username="it",
        imap_secret=SECRET,
        oauth2_refresh_token="refresh-" + SECRET,
    )


def change_url(mailbox: Mailbox) -> str:
    return f"/admin/mail/mailbox/{mailbox.pk}/change/"


def test_a_mailboxs_secrets_are_never_rendered_back(helpdesk, mailbox):
    client = signed_in(helpdesk.admin)

    page = client.get(change_url(mailbox))

    html = page.content.decode()
    assert page.status_code == 200
    assert SECRET not in html
    assert 'name="new_imap_secret"' in html
    assert "IMAP password or access token, OAuth 2.0 refresh token" in html  # what is stored


def test_saving_without_a_new_secret_keeps_the_stored_one_and_a_new_one_replaces_it(
    helpdesk, mailbox
):
    client = signed_in(helpdesk.admin)
    data = form_data(client.get(change_url(mailbox)))
    data["name"] = "IT desk"

    assert client.post(change_url(mailbox), data).status_code == 302
    mailbox.refresh_from_db()
    assert (mailbox.name, mailbox.imap_secret) == ("IT desk", SECRET)

    data["new_imap_secret"] = "another one"
    client.post(change_url(mailbox), data)
    mailbox.refresh_from_db()
    assert mailbox.imap_secret == "another one"
    assert mailbox.oauth2_refresh_token == "refresh-" + SECRET

    data.pop("new_imap_secret")
    data["clear_secrets"] = "on"
    client.post(change_url(mailbox), data)
    mailbox.refresh_from_db()
    assert (mailbox.imap_secret, mailbox.oauth2_refresh_token) == ("", "")


def test_a_mailbox_form_refuses_what_mail_cannot_work_with(helpdesk, mailbox):
    client = signed_in(helpdesk.admin)
    data = form_data(client.get(change_url(mailbox)))
    data.update(
        address="IT+desk@example.com",
        request_type=str(helpdesk.laptop.pk),  # a required field e-mail cannot fill in
        imap_security="none",  # to a host that is not this machine
    )

    page = client.post(change_url(mailbox), data)

    assert page.status_code == 200
    errors = page.context["adminform"].form.errors
    assert set(errors) == {"address", "request_type", "imap_security"}
    assert Mailbox.objects.get(pk=mailbox.pk).address == "it@example.com"


def test_a_desk_admin_sees_only_the_mail_of_their_desks(helpdesk, mailbox):
    hr_mailbox = make_mailbox(helpdesk, desk=helpdesk.hr, name="HR", address="hr@example.com",
                              request_type=helpdesk.onboarding)  # fmt: skip
    it_message = receive(mail(), mailbox=mailbox, source="file")
    hr_message = receive(mail(message_id="<hr@acme.example>"), mailbox=hr_mailbox, source="file")
    desk_admin = make_user(role=Role.DESK_ADMIN, email="da@deskline.example",
                           teams=[helpdesk.frontline])  # fmt: skip
    client = signed_in(desk_admin)

    listing = client.get("/admin/mail/inboundmessage/")
    mailboxes = client.get("/admin/mail/mailbox/")

    assert list(listing.context["cl"].queryset) == [it_message]
    assert list(mailboxes.context["cl"].queryset) == [mailbox]
    assert client.get(f"/admin/mail/inboundmessage/{hr_message.pk}/raw/").status_code == 404
    assert client.get(f"/admin/mail/inboundmessage/{hr_message.pk}/change/").status_code == 404
    assert client.get(change_url(hr_mailbox)).status_code == 404


def test_the_list_shows_status_and_reason_and_the_raw_message_downloads(helpdesk, mailbox):
    raw = mail(headers={"Auto-Submitted": "auto-replied"})
    message = receive(raw, mailbox=mailbox, source="file")
    client = signed_in(helpdesk.admin)

    listing = client.get("/admin/mail/inboundmessage/").content.decode()
    download = client.get(f"/admin/mail/inboundmessage/{message.pk}/raw/")

    assert "An automatic reply, mailing list or bulk mail." in listing
    assert "Ignored" in listing
    assert download.status_code == 200
    assert download["Content-Type"] == "message/rfc822"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content)  # type: ignore[attr-defined]  # a FileResponse == raw


def test_customers_and_agents_cannot_download_a_raw_message(helpdesk, mailbox):
    message = receive(mail(), mailbox=mailbox, source="file")

    for user in (helpdesk.alice, helpdesk.li):
        response = signed_in(user).get(f"/admin/mail/inboundmessage/{message.pk}/raw/")
        assert response.status_code == 302
        assert response["Location"].startswith("/admin/login/")


def test_the_retry_action_processes_a_failed_message_again(helpdesk, mailbox):
    with event_writes_failing():
        failed = receive(mail(), mailbox=mailbox, source="file")
    assert failed.status == MessageStatus.FAILED
    client = signed_in(helpdesk.admin)

    page = client.post(
        "/admin/mail/inboundmessage/",
        {"action": "retry", "_selected_action": [str(failed.pk)]},
        follow=True,
    )

    assert "1 message processed again: 1 processed, 0 failed." in page.content.decode()
    again = InboundMessage.objects.get(pk=failed.pk)
    assert (again.status, again.outcome, again.attempts) == ("processed", "ticket", 2)


def test_the_reason_reads_in_the_admins_language(helpdesk, mailbox):
    receive(mail(headers={"Precedence": "bulk"}), mailbox=mailbox, source="file")
    helpdesk.admin.locale = "zh-hans"
    helpdesk.admin.save(update_fields=["locale"])

    listing = signed_in(helpdesk.admin).get(
        "/admin/mail/inboundmessage/", headers={"accept-language": "zh-hans"}
    )

    html = listing.content.decode()
    assert "自动回复、邮件列表或群发邮件。" in html
    assert "An automatic reply" not in html
