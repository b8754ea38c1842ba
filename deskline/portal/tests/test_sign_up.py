"""Self sign-up proves the mailbox first and tells no visitor which addresses have an account."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import time_machine
from django.core import mail
from django.test import Client

from deskline.accounts.models import Role, SiteSettings, User
from deskline.core.time import now
from deskline.testing.factories import DEFAULT_PASSWORD

NEW_PASSWORD = "a long enough passphrase"


def allow_self_signup(allowed: bool = True) -> None:
    settings = SiteSettings.current()
    settings.allow_self_signup = allowed
    settings.save()


def ask(client: Client, email: str, name: str = "Dan") -> Any:
    return client.post("/accounts/signup/", {"display_name": name, "email": email})


def link_in(message: mail.EmailMessage, path: str) -> str:
    found = re.search(r"http://testserver(" + re.escape(path) + r"\S+/)", str(message.body))
    assert found is not None, message.body
    return found.group(1)


def without_csrf_tokens(content: bytes) -> str:
    """A page with its CSRF tokens (random on every page) blanked out, to compare two pages."""
    page = content.decode()
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', page)
    return re.sub(r'"X-CSRFToken": "[^"]+"', '"X-CSRFToken": ""', page)


def users() -> list[tuple[str, str, bool]]:
    return sorted(User.objects.values_list("email", "password", "is_active"))


def test_a_new_address_gets_a_link_that_finishes_the_account(helpdesk):
    # Given a help center that takes new accounts
    allow_self_signup()
    client = Client()
    before = users()

    # When a visitor asks for an account
    response = ask(client, "Dan@Example.com", name="  Dan   Smith ")

    # Then they are told to look in their mailbox, and no account exists yet
    assert response.status_code == 302
    assert response["Location"] == "/accounts/signup/sent/"
    assert "Check your e-mail" in client.get(response["Location"]).content.decode()
    assert users() == before
    assert [m.to for m in mail.outbox] == [["dan@example.com"]]
    assert mail.outbox[0].subject == "Finish creating your help center account"

    # When they open the link and choose a password
    link = link_in(mail.outbox[0], "/accounts/signup/confirm/")
    form = client.get(link)
    assert form.status_code == 200
    assert 'value="Dan Smith"' in form.content.decode()
    done = client.post(
        link,
        {"display_name": "Dan Smith", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD},
    )

    # Then they have a customer account and are signed in
    assert done.status_code == 302 and done["Location"] == "/"
    user = User.objects.get(email="dan@example.com")
    assert user.role == Role.CUSTOMER and user.display_name == "Dan Smith"
    assert user.check_password(NEW_PASSWORD)
    assert client.get("/requests/").status_code == 200

    # And the link, used, creates nothing more
    again = Client().get(link)
    assert again.status_code == 400
    assert "already has an account" in again.content.decode()
    assert User.objects.filter(email="dan@example.com").count() == 1


def test_sign_up_answers_alike_whether_or_not_the_address_has_an_account(helpdesk):
    # Given Alice, who has an account, and an address that has none
    allow_self_signup()
    before = users()

    # When a visitor asks for an account with each
    existing_client, new_client = Client(), Client()
    existing = ask(existing_client, "alice@acme.example")
    new = ask(new_client, "nobody-yet@example.com")

    # Then both get the same answer: status, redirect, cookies, and the page they land on
    assert (existing.status_code, existing["Location"]) == (new.status_code, new["Location"])
    assert sorted(existing.cookies) == sorted(new.cookies)
    existing_page = existing_client.get(existing["Location"])
    new_page = new_client.get(new["Location"])
    assert existing_page.status_code == new_page.status_code == 200
    assert without_csrf_tokens(existing_page.content) == without_csrf_tokens(new_page.content)

    # And nothing changed in the accounts: Alice keeps her password
    assert users() == before
    helpdesk.alice.refresh_from_db()
    assert helpdesk.alice.check_password(DEFAULT_PASSWORD)

    # And only the mailboxes learn the difference: Alice hears someone tried, with a way in
    assert [m.to for m in mail.outbox] == [["alice@acme.example"], ["nobody-yet@example.com"]]
    note = mail.outbox[0]
    assert note.subject == "You already have a help center account"
    assert "http://testserver/accounts/login/" in note.body
    reset = link_in(note, "/accounts/reset/")
    chosen = Client().get(reset, follow=True)
    assert chosen.status_code == 200
    assert 'name="new_password1"' in chosen.content.decode()


def test_the_owner_hears_of_the_attempt_in_their_own_language(helpdesk):
    allow_self_signup()
    helpdesk.alice.locale = "zh-hans"
    helpdesk.alice.save()

    ask(Client(), "alice@acme.example")

    assert mail.outbox[0].subject == "您已有帮助中心账户"


def test_a_deactivated_account_gets_no_mail_and_the_same_answer(helpdesk):
    allow_self_signup()
    helpdesk.bob.is_active = False
    helpdesk.bob.save()
    before = users()

    response = ask(Client(), "bob@acme.example")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/signup/sent/"
    assert mail.outbox == []
    assert users() == before


def test_a_forged_or_old_link_creates_nothing(helpdesk):
    allow_self_signup()
    ask(Client(), "dan@example.com")
    link = link_in(mail.outbox[0], "/accounts/signup/confirm/")
    prefix, token = link.rstrip("/").rsplit("/", 1)
    before = users()
    data = {"display_name": "Dan", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD}

    # A token changed by one character is refused
    forged = Client().post(f"{prefix}/{token[:-1]}{'A' if token[-1] != 'A' else 'B'}/", data)
    assert forged.status_code == 400
    assert "The link is incomplete or more than a day old" in forged.content.decode()

    # And so is the real one after a day
    with time_machine.travel(now() + timedelta(days=1, minutes=1)):
        old = Client().post(link, data)
    assert old.status_code == 400
    assert users() == before


def test_sign_up_mistakes_show_next_to_their_fields_and_send_nothing(helpdesk):
    allow_self_signup()

    response = Client().post("/accounts/signup/", {"display_name": "", "email": "not-an-address"})

    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_display_name_error"><p>Enter your name.' in page
    assert 'id="id_email_error"><p>Enter a valid email address.' in page
    assert mail.outbox == []


def test_a_weak_password_from_the_link_is_refused_next_to_its_field(helpdesk):
    allow_self_signup()
    client = Client()
    ask(client, "dan@example.com")
    link = link_in(mail.outbox[0], "/accounts/signup/confirm/")
    before = users()

    response = client.post(
        link, {"display_name": "Dan", "password": "short", "password_again": "short"}
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_password_error"><p>This password is too short.' in page
    assert users() == before


def test_the_link_does_nothing_once_the_help_center_stops_taking_accounts(helpdesk):
    allow_self_signup()
    ask(Client(), "dan@example.com")
    link = link_in(mail.outbox[0], "/accounts/signup/confirm/")
    allow_self_signup(False)
    before = users()

    response = Client().post(
        link, {"display_name": "Dan", "password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    )

    assert response.status_code == 404
    assert Client().get("/accounts/signup/sent/").status_code == 404
    assert users() == before


def test_sign_up_mails_to_one_address_are_limited_alike_with_or_without_an_account(helpdesk):
    allow_self_signup()

    for email in ("alice@acme.example", "nobody-yet@example.com"):
        answers = [ask(Client(), email).status_code for _ in range(4)]
        refused = ask(Client(), email)

        # Three mails an hour; after that a clear message, the same for both addresses
        assert answers == [302, 302, 302, 429]
        assert refused.status_code == 429
        assert "Too many e-mails were asked for this address" in refused.content.decode()
    assert [m.to[0] for m in mail.outbox] == ["alice@acme.example"] * 3 + [
        "nobody-yet@example.com"
    ] * 3
