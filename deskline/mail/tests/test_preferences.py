"""Which e-mails a person gets: every kind until they turn it off, from the unsubscribe link
of an e-mail (signed: nobody can write one for someone else) or signed in from the help
center's account page."""

from __future__ import annotations

import re

import pytest
from django.core import mail, signing

from deskline.mail.models import EmailPreference, OutboundEmail
from deskline.mail.preferences import TOKEN_SALT, unsubscribe_token
from deskline.testing.factories import make_ticket
from deskline.testing.scenario import Helpdesk, build_helpdesk
from deskline.tickets.actions import ticket_comment, ticket_transition
from deskline.tickets.models import Notification

pytestmark = pytest.mark.django_db


@pytest.fixture
def helpdesk(settings) -> Helpdesk:
    settings.DESKLINE_BASE_URL = "https://help.example.com"
    return build_helpdesk()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def unsubscribe_path(message: mail.EmailMessage) -> str:
    found = re.search(r"https://help\.example\.com(/mail/unsubscribe/\S+/)", str(message.body))
    assert found, message.body
    return found.group(1)


def raise_request(helpdesk: Helpdesk, committed):
    with committed():
        return make_ticket(
            desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
        )


def test_the_link_in_an_email_turns_that_kind_off_and_later_ones_are_not_sent(
    helpdesk, committed, client
):
    ticket = raise_request(helpdesk, committed)
    path = unsubscribe_path(mail.outbox[0])
    assert mail.outbox[0].extra_headers["List-Unsubscribe"] == f"<https://help.example.com{path}>"

    # Opening the link changes nothing (link checkers open links)
    page = client.get(path)
    assert page.status_code == 200
    assert "Stop these e-mails" in page.content.decode()
    assert not EmailPreference.objects.exists()

    # Its button turns the receipts off, and only them
    page = client.post(path, {"action": "mute"})
    assert page.status_code == 200
    assert "You will no longer get e-mails of this kind." in page.content.decode()
    assert EmailPreference.objects.get(user=helpdesk.alice).muted_kinds == ["request_received"]

    mail.outbox.clear()
    with committed():
        raise_request(helpdesk, committed)
        ticket_transition(actor=helpdesk.li, ticket=ticket, status="resolved")
    assert [message.subject.split("] ")[1].split(":")[0] for message in mail.outbox] == ["Resolved"]
    # Recorded all the same: only the e-mail is not written
    assert Notification.objects.filter(kind="request_received").count() == 2
    assert OutboundEmail.objects.filter(kind="request_received").count() == 1


def test_a_mail_programs_one_click_unsubscribe_works_without_a_session(helpdesk, committed):
    from django.test import Client

    raise_request(helpdesk, committed)
    path = unsubscribe_path(mail.outbox[0])
    page = Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"})

    assert page.status_code == 200
    assert EmailPreference.objects.get(user=helpdesk.alice).muted_kinds == ["request_received"]


def test_the_page_of_the_link_saves_every_choice(helpdesk, committed, client):
    raise_request(helpdesk, committed)
    path = unsubscribe_path(mail.outbox[0])

    page = client.post(path, {"action": "save", "kinds": ["request_received", "resolved"]})

    assert page.status_code == 200
    assert sorted(EmailPreference.objects.get(user=helpdesk.alice).muted_kinds) == [
        "agent_replied",
        "waiting_for_customer",
    ]


def test_a_chinese_customer_reads_the_page_in_chinese(helpdesk, committed, client):
    helpdesk.alice.locale = "zh-hans"
    helpdesk.alice.save(update_fields=["locale"])
    raise_request(helpdesk, committed)

    page = client.get(unsubscribe_path(mail.outbox[0]))

    assert "停止接收此类邮件" in page.content.decode()
    assert "已收到请求" in page.content.decode()  # the kind, in her words


def tampered(token: str) -> str:
    value, _separator, signature = token.rpartition(":")
    return f"{value}:{'A' if signature[0] != 'A' else 'B'}{signature[1:]}"


@pytest.mark.parametrize("how", ["tampered", "other_person", "other_salt", "garbage"])
def test_a_forged_link_is_refused_and_changes_nothing(helpdesk, client, how):
    alice, bob = helpdesk.alice, helpdesk.bob
    genuine = unsubscribe_token(alice, "resolved")
    value = genuine.rpartition(":")[0].rpartition(":")[0]
    tokens = {
        "tampered": tampered(genuine),
        # Alice's signature on a value naming Bob
        "other_person": signing.dumps({"u": bob.pk, "e": bob.email, "k": "resolved"})[: len(value)]
        + genuine[len(value) :],
        # Signed by Deskline, but for something else
        "other_salt": signing.dumps({"u": bob.pk, "e": bob.email, "k": "resolved"}),
        "garbage": "not-a-token",
    }

    for method in (client.get, client.post):
        page = method(f"/mail/unsubscribe/{tokens[how]}/", {"action": "mute"})
        assert page.status_code == 400
        assert "This link is not valid." in page.content.decode()
        assert "Nothing was changed." in page.content.decode()
    assert not EmailPreference.objects.exists()


def test_a_link_of_someone_who_left_or_changed_address_is_refused(helpdesk, client):
    old = unsubscribe_token(helpdesk.alice, "resolved")
    helpdesk.alice.email = "alice.new@acme.example"
    helpdesk.alice.save(update_fields=["email"])
    gone = unsubscribe_token(helpdesk.bob, "resolved")
    helpdesk.bob.is_active = False
    helpdesk.bob.save(update_fields=["is_active"])
    unknown_kind = signing.dumps(
        {"u": helpdesk.carol.pk, "e": helpdesk.carol.email, "k": "lottery"}, salt=TOKEN_SALT
    )

    for token in (old, gone, unknown_kind):
        page = client.post(f"/mail/unsubscribe/{token}/", {"action": "mute"})
        assert page.status_code == 404
        assert "no longer receives our e-mails" in page.content.decode()
    assert not EmailPreference.objects.exists()


def test_a_post_that_asks_for_nothing_is_refused(helpdesk, client):
    token = unsubscribe_token(helpdesk.alice, "resolved")
    page = client.post(f"/mail/unsubscribe/{token}/", {"action": "explode"})
    assert page.status_code == 400
    assert not EmailPreference.objects.exists()


def test_signed_in_the_account_page_leads_to_the_choices(helpdesk, client, committed):
    client.force_login(helpdesk.alice)
    account = client.get("/accounts/")
    assert 'href="/mail/preferences/"' in account.content.decode()

    page = client.get("/mail/preferences/")
    assert page.status_code == 200
    assert page.content.decode().count('type="checkbox"') == 4  # a customer's kinds
    response = client.post("/mail/preferences/", {"kinds": ["request_received"]})
    assert response.status_code == 302
    assert sorted(EmailPreference.objects.get(user=helpdesk.alice).muted_kinds) == [
        "agent_replied",
        "resolved",
        "waiting_for_customer",
    ]

    ticket = raise_request(helpdesk, committed)
    mail.outbox.clear()
    with committed():
        ticket_comment(actor=helpdesk.li, ticket=ticket, body="Done?")
    assert mail.outbox == []


def test_an_agent_chooses_among_the_agents_kinds_too(helpdesk, client):
    client.force_login(helpdesk.li)
    page = client.get("/mail/preferences/")
    assert page.content.decode().count('type="checkbox"') == 8
    assert "Assigned to you" in page.content.decode()


def test_the_choices_page_needs_a_sign_in(client):
    page = client.get("/mail/preferences/")
    assert page.status_code == 302
    assert "/accounts/login/" in page["Location"]
