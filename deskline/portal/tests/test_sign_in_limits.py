"""Guessing passwords and flooding mailboxes are limited, through every door, alike for every
address; and after signing in each person lands where they work."""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.test import Client

from deskline.accounts.models import ApiToken, Role, User
from deskline.accounts.throttle import SIGN_IN_FAILURES_PER_ADDRESS
from deskline.core.time import now
from deskline.testing.factories import DEFAULT_PASSWORD, make_user

LIMIT = settings.AXES_FAILURE_LIMIT
PAUSE = settings.AXES_COOLOFF_TIME


@pytest.fixture(autouse=True)
def quick_passwords(settings, helpdesk):
    """Hundreds of sign-ins: check passwords with a hasher that takes no time, for everyone."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    User.objects.update(password=make_password(DEFAULT_PASSWORD))


def sign_in(client: Client, email: str, password: str, address: str = "198.51.100.7") -> Any:
    return client.post(
        "/accounts/login/", {"username": email, "password": password}, REMOTE_ADDR=address
    )


def is_signed_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def without_csrf_tokens(content: bytes) -> str:
    page = content.decode()
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', page)
    return re.sub(r'"X-CSRFToken": "[^"]+"', '"X-CSRFToken": ""', page)


def test_many_wrong_passwords_pause_the_account_until_the_pause_ends(helpdesk):
    # Given someone guessing Alice's password
    client = Client()
    answers = [sign_in(client, "alice@acme.example", f"guess {n}").status_code for n in range(60)]

    # Then after LIMIT failures every further try is refused with the pause page
    assert answers[: LIMIT - 1] == [200] * (LIMIT - 1)
    assert answers[LIMIT - 1 :] == [429] * (60 - LIMIT + 1)

    # And even the right password does not sign in while it lasts
    right = sign_in(client, "alice@acme.example", DEFAULT_PASSWORD)
    assert right.status_code == 429
    assert "Signing in is paused" in right.content.decode()
    assert "try again in 15 minutes" in right.content.decode()
    assert not is_signed_in(client)
    # Refused tries are not recorded: the pause ends on time and the table does not grow
    assert sum(AccessAttempt.objects.values_list("failures_since_start", flat=True)) == LIMIT

    # When the pause is over, Alice signs in
    with time_machine.travel(now() + PAUSE + timedelta(seconds=1)):
        later = sign_in(client, "alice@acme.example", DEFAULT_PASSWORD)
    assert later.status_code == 302
    assert is_signed_in(client)


def test_the_pause_is_explained_in_the_persons_language(helpdesk):
    client = Client(headers={"accept-language": "zh-hans"})
    for n in range(LIMIT):
        sign_in(client, "alice@acme.example", f"guess {n}")

    response = sign_in(client, "alice@acme.example", DEFAULT_PASSWORD)

    assert response.status_code == 429
    page = response.content.decode()
    assert '<html lang="zh-hans">' in page
    assert "登录已暂停" in page


def test_an_address_without_an_account_is_paused_exactly_alike(helpdesk):
    pages = []
    for email in ("alice@acme.example", "nobody@acme.example"):
        client = Client()
        for n in range(LIMIT):
            sign_in(client, email, f"guess {n}")
        response = sign_in(client, email, DEFAULT_PASSWORD)
        pages.append((response.status_code, without_csrf_tokens(response.content)))

    assert pages[0] == pages[1]
    assert pages[0][0] == 429


def test_letter_case_and_spaces_do_not_give_new_tries(helpdesk):
    client = Client()
    spellings = ["alice@acme.example", "ALICE@acme.example", " Alice@Acme.Example "]
    for n in range(LIMIT):
        sign_in(client, spellings[n % 3], f"guess {n}")

    assert sign_in(client, "alice@acme.example", DEFAULT_PASSWORD).status_code == 429


def test_one_client_guessing_many_accounts_is_paused_but_others_are_not(helpdesk):
    # Given one address trying one password on many accounts (fewer than LIMIT each)
    attacker = "203.0.113.9"
    for n in range(SIGN_IN_FAILURES_PER_ADDRESS):
        sign_in(Client(), f"person{n}@acme.example", "Summer2024!", address=attacker)

    # Then that address is paused, even for a right password
    paused = Client()
    assert sign_in(paused, "alice@acme.example", DEFAULT_PASSWORD, attacker).status_code == 429
    assert not is_signed_in(paused)

    # And Alice, from her own address, signs in
    elsewhere = Client()
    assert sign_in(elsewhere, "alice@acme.example", DEFAULT_PASSWORD).status_code == 302
    assert is_signed_in(elsewhere)


def test_an_office_behind_one_address_is_not_paused_by_a_few_typos(helpdesk):
    office = "192.0.2.10"
    for n in range(LIMIT):
        sign_in(Client(), f"colleague{n}@acme.example", "typo", address=office)

    client = Client()
    assert sign_in(client, "alice@acme.example", DEFAULT_PASSWORD, office).status_code == 302


def test_the_admin_sign_in_counts_the_same_failures(helpdesk):
    # Guesses on the help center pause the admin's sign-in page for that account
    for n in range(LIMIT):
        sign_in(Client(), "admin@deskline.example", f"guess {n}")
    admin = Client()
    response = admin.post(
        "/admin/login/?next=/admin/",
        {"username": "admin@deskline.example", "password": DEFAULT_PASSWORD},
        REMOTE_ADDR="198.51.100.99",
    )
    assert response.status_code == 429
    assert not is_signed_in(admin)
    assert admin.get("/admin/").status_code == 302

    # And guesses on the admin's page pause the help center's
    for n in range(LIMIT):
        Client().post(
            "/admin/login/", {"username": "li@deskline.example", "password": f"guess {n}"}
        )
    client = Client()
    assert sign_in(client, "li@deskline.example", DEFAULT_PASSWORD).status_code == 429
    assert not is_signed_in(client)


def test_the_api_has_no_door_that_takes_a_password(helpdesk):
    document = json.loads(Client().get("/api/v1/openapi.json").content)
    text = json.dumps(document).lower()
    assert "password" not in text
    assert not any("login" in path or "token" in path for path in document["paths"])

    # Basic auth with a right password is refused like no credentials at all
    for path in ("/api/v1/desks", "/api/v1/login", "/api/v1/auth/token"):
        response = Client().post(
            path,
            {"username": "li@deskline.example", "password": DEFAULT_PASSWORD},
            content_type="application/json",
            headers={"Authorization": "Basic bGlAZGVza2xpbmUuZXhhbXBsZTpkZXNrbGluZS1kZW1v"},
        )
        assert response.status_code in (401, 404, 405), path
        assert settings.SESSION_COOKIE_NAME not in response.cookies, path
    assert not ApiToken.objects.exists()
    # A session cookie from the help center does not open the API either
    browser = Client()
    browser.force_login(helpdesk.li)
    assert browser.get("/api/v1/desks").status_code == 401


# Password reset ---------------------------------------------------------------------------


def ask_reset(email: str, address: str = "198.51.100.7") -> Any:
    return Client().post("/accounts/password-reset/", {"email": email}, REMOTE_ADDR=address)


def test_a_reset_answers_alike_whether_or_not_the_address_has_an_account(helpdesk):
    pages = []
    for email in ("alice@acme.example", "nobody@acme.example"):
        client = Client()
        response = client.post("/accounts/password-reset/", {"email": email})
        landing = client.get(response["Location"])
        pages.append(
            (
                response.status_code,
                response["Location"],
                sorted(response.cookies),
                landing.status_code,
                without_csrf_tokens(landing.content),
            )
        )

    assert pages[0] == pages[1]
    assert pages[0][:2] == (302, "/accounts/password-reset/sent/")
    # Only the address with an account got a mail; the other one caused no error either
    assert [m.to for m in mail.outbox] == [["alice@acme.example"]]


def test_reset_mails_to_one_address_are_limited_alike_with_or_without_an_account(helpdesk):
    for email in ("alice@acme.example", "nobody@acme.example"):
        answers = [ask_reset(email).status_code for _ in range(3)]
        refused = ask_reset(email, address="192.0.2.44")

        assert answers == [302, 302, 302]
        assert refused.status_code == 429
        assert "Too many e-mails were asked for this address" in refused.content.decode()
    assert [m.to for m in mail.outbox] == [["alice@acme.example"]] * 3

    # An hour later the owner can ask again
    with time_machine.travel(now() + timedelta(hours=1, seconds=1)):
        assert ask_reset("alice@acme.example").status_code == 302
    assert len(mail.outbox) == 4


def test_reset_mails_asked_from_one_client_are_limited(helpdesk):
    answers = [ask_reset(f"person{n}@acme.example").status_code for n in range(20)]
    refused = ask_reset("alice@acme.example")

    assert answers == [302] * 20
    assert refused.status_code == 429
    assert "from your network" in refused.content.decode()
    assert mail.outbox == []
    assert ask_reset("alice@acme.example", address="192.0.2.45").status_code == 302


def test_the_reset_refusal_is_in_the_persons_language(helpdesk):
    for _ in range(3):
        ask_reset("alice@acme.example")

    response = Client().post(
        "/accounts/password-reset/",
        {"email": "alice@acme.example"},
        headers={"accept-language": "zh-hans"},
    )

    assert response.status_code == 429
    assert "此地址" in response.content.decode()


def test_reset_links_start_at_the_configured_address(helpdesk, settings):
    settings.DESKLINE_BASE_URL = "https://help.example.com"
    settings.ALLOWED_HOSTS = ["internal.example", "testserver"]

    Client().post(
        "/accounts/password-reset/", {"email": "carol@example.com"}, HTTP_HOST="internal.example"
    )

    assert "https://help.example.com/accounts/reset/" in mail.outbox[0].body
    assert "internal.example" not in mail.outbox[0].body


# Where people land ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "landing"),
    [("alice", "/"), ("carol", "/"), ("li", "/agent/"), ("hana", "/agent/"), ("admin", "/agent/")],
)
def test_after_signing_in_agents_and_admins_land_in_the_workspace(helpdesk, who, landing):
    user = getattr(helpdesk, who)
    client = Client()

    response = sign_in(client, user.email, DEFAULT_PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == landing
    # Signed in already, the sign-in page sends them to the same place
    assert client.get("/accounts/login/")["Location"] == landing


def test_a_desk_admin_lands_in_the_workspace(helpdesk):
    dana = make_user(role=Role.DESK_ADMIN, email="dana@deskline.example")
    dana.password = make_password(DEFAULT_PASSWORD)
    dana.save()

    response = sign_in(Client(), "dana@deskline.example", DEFAULT_PASSWORD)

    assert response["Location"] == "/agent/"


def test_a_safe_next_page_wins_and_an_unsafe_one_is_ignored(helpdesk):
    safe = Client().post(
        "/accounts/login/",
        {"username": "li@deskline.example", "password": DEFAULT_PASSWORD, "next": "/requests/"},
    )
    unsafe = Client().post(
        "/accounts/login/",
        {
            "username": "li@deskline.example",
            "password": DEFAULT_PASSWORD,
            "next": "https://evil.example/agent/",
        },
    )

    assert safe["Location"] == "/requests/"
    assert unsafe["Location"] == "/agent/"
