"""Signing in and out, resetting a password by e-mail, and self sign-up."""

import re

from django.core import mail
from django.test import Client

from deskline.accounts.actions import customer_get_or_create
from deskline.accounts.models import SiteSettings, User
from deskline.testing.factories import DEFAULT_PASSWORD


def allow_self_signup(allowed: bool) -> None:
    settings = SiteSettings.current()
    settings.allow_self_signup = allowed
    settings.save()


def test_sign_in_with_e_mail_and_password_then_sign_out(helpdesk):
    client = Client()
    page = client.get("/accounts/login/").content.decode()
    assert 'name="username"' in page and 'name="password"' in page

    response = client.post(
        "/accounts/login/", {"username": "Alice@Acme.example", "password": DEFAULT_PASSWORD}
    )

    assert response.status_code == 302 and response["Location"] == "/"
    assert "Sign out" in client.get("/").content.decode()
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert client.get("/requests/").status_code == 302


def test_a_wrong_password_keeps_the_person_on_the_sign_in_page(helpdesk):
    response = Client().post(
        "/accounts/login/", {"username": "alice@acme.example", "password": "wrong"}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in page
    assert 'value="alice@acme.example"' in page


def test_self_sign_up_does_not_exist_when_it_is_off(helpdesk):
    # Given a help center that does not take new accounts (the default)
    client = Client()

    # Then there is no sign-up page, and the sign-in page does not offer one
    assert client.get("/accounts/signup/").status_code == 404
    assert client.post("/accounts/signup/", {"email": "new@example.com"}).status_code == 404
    assert "/accounts/signup/" not in client.get("/accounts/login/").content.decode()
    assert not User.objects.filter(email="new@example.com").exists()


def test_password_reset_sends_a_link_that_sets_a_new_password(helpdesk):
    # Given Carol, who forgot her password
    client = Client()

    # When she asks for a reset
    response = client.post("/accounts/password-reset/", {"email": "carol@example.com"})

    # Then she gets an e-mail with a link
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password-reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["carol@example.com"]
    assert message.subject == "Reset your help center password"
    found = re.search(r"http://testserver(/accounts/reset/\S+/)", str(message.body))
    assert found is not None
    link = found.group(1)

    # And the link lets her choose a new password
    form = client.get(link, follow=True)
    assert form.status_code == 200
    new = "another long passphrase"
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}, follow=True
    )
    assert "Password saved" in done.content.decode()
    helpdesk.carol.refresh_from_db()
    assert helpdesk.carol.check_password(new)


def test_password_reset_reaches_people_who_never_had_a_password(helpdesk):
    # Given a customer created when an agent raised a request for them
    customer_get_or_create(email="newcomer@example.com")

    Client().post("/accounts/password-reset/", {"email": "newcomer@example.com"})

    assert [m.to for m in mail.outbox] == [["newcomer@example.com"]]


def test_password_reset_e_mail_is_in_the_persons_language(helpdesk):
    helpdesk.carol.locale = "zh-hans"
    helpdesk.carol.save()

    Client().post("/accounts/password-reset/", {"email": "carol@example.com"})

    # The visitor's page is in English; Carol's e-mail is in her own language.
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "重置您的帮助中心密码"
    assert "/accounts/reset/" in mail.outbox[0].body


def test_password_reset_for_an_unknown_address_says_the_same_and_sends_nothing(helpdesk):
    response = Client().post("/accounts/password-reset/", {"email": "nobody@example.com"})

    assert response.status_code == 302
    assert mail.outbox == []


def test_the_chinese_help_center_is_marked_as_chinese(helpdesk):
    for path in ("/", "/accounts/login/", "/accounts/password-reset/"):
        response = Client().get(path, headers={"accept-language": "zh-hans"})
        assert '<html lang="zh-hans">' in response.content.decode(), path
