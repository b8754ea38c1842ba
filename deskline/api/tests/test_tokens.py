"""API tokens: expiry, listing and revoking from the command line, and the end of every token
of an account when its password changes."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from deskline.accounts.actions import api_token_create, hash_token
from deskline.accounts.models import ApiToken
from deskline.core.time import now
from deskline.testing.factories import DEFAULT_PASSWORD
from deskline.testing.scenario import Helpdesk

pytestmark = pytest.mark.django_db


def call(raw: str, path: str = "/api/v1/desks") -> Any:
    return Client().get(path, headers={"Authorization": f"Bearer {raw}"})


def command(*args: str) -> str:
    stdout = io.StringIO()
    call_command("token", *args, stdout=stdout)
    return stdout.getvalue()


def tokens() -> list[tuple[int, str]]:
    return sorted(ApiToken.objects.values_list("id", "token_hash"))


# Expiry -----------------------------------------------------------------------------------


def test_an_expired_token_is_refused_exactly_like_an_unknown_one(helpdesk: Helpdesk):
    _token, raw = api_token_create(user=helpdesk.li, expires_at=now() + timedelta(days=1))
    assert call(raw).status_code == 200

    with time_machine.travel(now() + timedelta(days=1, seconds=1)):
        expired = call(raw)
        unknown = call("dl_not-a-real-token")

    assert expired.status_code == unknown.status_code == 401
    assert expired.json() == unknown.json()
    assert expired.json()["code"] == "not_authenticated"


def test_an_expiring_token_costs_no_extra_query(helpdesk: Helpdesk):
    _forever, raw_forever = api_token_create(user=helpdesk.li)
    _expiring, raw_expiring = api_token_create(
        user=helpdesk.li, expires_at=now() + timedelta(days=1)
    )
    call(raw_forever), call(raw_expiring)  # their first use is recorded; measure after it

    counts = []
    for raw in (raw_forever, raw_expiring):
        with CaptureQueriesContext(connection) as queries:
            assert call(raw).status_code == 200
        counts.append(len(queries.captured_queries))

    assert counts[0] == counts[1]


def test_token_create_with_an_expiry_still_prints_only_the_token(helpdesk: Helpdesk):
    output = command("create", "--email", "li@deskline.example", "--expires-in-days", "7")

    raw = output.strip()
    assert re.fullmatch(r"dl_[A-Za-z0-9_-]+", raw)
    assert output == raw + "\n"
    token = ApiToken.objects.get(token_hash=hash_token(raw))
    assert token.expires_at is not None
    assert abs(token.expires_at - (now() + timedelta(days=7))) < timedelta(minutes=1)
    assert call(raw).status_code == 200


@pytest.mark.parametrize("days", ["0", "-3", "3651"])
def test_token_create_refuses_an_expiry_out_of_range(helpdesk: Helpdesk, days):
    with pytest.raises(CommandError, match="--expires-in-days must be from 1 to 3650"):
        command("create", "--email", "li@deskline.example", "--expires-in-days", days)

    assert ApiToken.objects.count() == 0


# Listing and revoking from the command line -----------------------------------------------


def test_token_list_shows_what_a_token_is_but_never_the_token(helpdesk: Helpdesk):
    li_token, li_raw = api_token_create(user=helpdesk.li, name="laptop script")
    _expired, expired_raw = api_token_create(
        user=helpdesk.li, expires_at=now() - timedelta(minutes=1)
    )
    hana_token, hana_raw = api_token_create(user=helpdesk.hana)

    everyone = command("list")
    only_li = command("list", "--email", "LI@deskline.example")

    lines = everyone.strip().splitlines()
    assert lines[0] == "id\tprefix\tuser\tname\tcreated\tlast used\texpires"
    assert len(lines) == 4
    assert f"{li_token.pk}\t{li_token.prefix}\tli@deskline.example\tlaptop script\t" in everyone
    assert "(expired)" in everyone
    assert hana_token.prefix in everyone and hana_token.prefix not in only_li
    assert len(only_li.strip().splitlines()) == 3
    for secret in (li_raw, expired_raw, hana_raw, li_token.token_hash, hana_token.token_hash):
        assert secret not in everyone


def test_token_list_for_an_unknown_address_fails_clearly(helpdesk: Helpdesk):
    with pytest.raises(CommandError, match=r"No user has the e-mail address .nobody@example\.com."):
        command("list", "--email", "nobody@example.com")


def test_token_revoke_by_id_or_prefix_ends_that_token_only(helpdesk: Helpdesk):
    first, first_raw = api_token_create(user=helpdesk.li)
    second, second_raw = api_token_create(user=helpdesk.li)
    kept, kept_raw = api_token_create(user=helpdesk.hana)

    assert command("revoke", str(first.pk)) == (
        f"Revoked token {first.prefix}… of li@deskline.example.\n"
    )
    command("revoke", second.prefix)

    assert call(first_raw).status_code == 401
    assert call(second_raw).status_code == 401
    assert call(kept_raw).status_code == 200
    assert list(ApiToken.objects.values_list("pk", flat=True)) == [kept.pk]


@pytest.mark.parametrize("given", ["999999", "dl_nothing", "99999999999999999999999"])
def test_token_revoke_of_an_unknown_token_fails_and_changes_nothing(helpdesk: Helpdesk, given):
    api_token_create(user=helpdesk.li)
    before = tokens()

    with pytest.raises(CommandError, match="No token has the id or prefix"):
        command("revoke", given)

    assert tokens() == before


def test_token_revoke_refuses_a_prefix_two_tokens_share(helpdesk: Helpdesk):
    first, _raw = api_token_create(user=helpdesk.li)
    second, _raw = api_token_create(user=helpdesk.hana)
    ApiToken.objects.filter(pk=second.pk).update(prefix=first.prefix)
    before = tokens()

    with pytest.raises(CommandError, match="Several tokens have the prefix"):
        command("revoke", first.prefix)

    assert tokens() == before


# A new password ends every token ----------------------------------------------------------


def test_a_password_reset_revokes_every_token_of_the_account(helpdesk: Helpdesk):
    _token, raw = api_token_create(user=helpdesk.carol)
    _other, other_raw = api_token_create(user=helpdesk.alice)
    client = Client()
    client.post("/accounts/password-reset/", {"email": "carol@example.com"})
    link = re.search(r"http://testserver(/accounts/reset/\S+/)", str(mail.outbox[0].body))
    assert link is not None
    form = client.get(link.group(1), follow=True)

    new = "another long passphrase"
    client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})

    assert call(raw).status_code == 401
    assert not ApiToken.objects.filter(user=helpdesk.carol).exists()
    assert call(other_raw).status_code == 200


def test_a_password_an_admin_sets_revokes_every_token_of_the_account(helpdesk: Helpdesk):
    _token, raw = api_token_create(user=helpdesk.li)
    admin = Client()
    admin.force_login(helpdesk.admin)
    new = "another long passphrase"

    response = admin.post(
        f"/admin/accounts/user/{helpdesk.li.pk}/password/",
        {"password1": new, "password2": new, "usable_password": "true"},
    )

    assert response.status_code == 302
    helpdesk.li.refresh_from_db()
    assert helpdesk.li.check_password(new)
    assert call(raw).status_code == 401


def test_a_password_the_person_changes_revokes_their_tokens(helpdesk: Helpdesk):
    _token, raw = api_token_create(user=helpdesk.alice)
    client = Client()
    client.force_login(helpdesk.alice)
    new = "another long passphrase"

    response = client.post(
        "/accounts/password/",
        {"old_password": DEFAULT_PASSWORD, "new_password1": new, "new_password2": new},
    )

    assert response.status_code == 302
    assert call(raw).status_code == 401
    # Still signed in on this browser
    assert client.get("/accounts/").status_code == 200


def test_a_wrong_current_password_changes_nothing(helpdesk: Helpdesk):
    _token, raw = api_token_create(user=helpdesk.alice)
    client = Client()
    client.force_login(helpdesk.alice)
    before = tokens()

    response = client.post(
        "/accounts/password/",
        {
            "old_password": "wrong",
            "new_password1": "x long passphrase",
            "new_password2": "x long passphrase",
        },
    )

    assert response.status_code == 400
    assert tokens() == before
    helpdesk.alice.refresh_from_db()
    assert helpdesk.alice.check_password(DEFAULT_PASSWORD)
    assert call(raw).status_code == 200


def test_a_stronger_hash_at_sign_in_is_not_a_password_change(helpdesk: Helpdesk, settings):
    # Given Alice's password stored with an older hasher, and a token
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    helpdesk.alice.password = make_password(DEFAULT_PASSWORD, hasher="md5")
    helpdesk.alice.save()
    _token, raw = api_token_create(user=helpdesk.alice)

    # When she signs in, Django stores her password with the current hasher
    Client().post(
        "/accounts/login/", {"username": "alice@acme.example", "password": DEFAULT_PASSWORD}
    )

    helpdesk.alice.refresh_from_db()
    assert helpdesk.alice.password.startswith("pbkdf2_")
    assert call(raw).status_code == 200


def test_the_admin_shows_a_token_by_its_prefix_never_its_secret_or_hash(helpdesk: Helpdesk):
    token, raw = api_token_create(user=helpdesk.li, name="nightly export")
    admin = Client()
    admin.force_login(helpdesk.admin)

    pages = [
        admin.get("/admin/accounts/apitoken/").content.decode(),
        admin.get(f"/admin/accounts/apitoken/{token.pk}/change/").content.decode(),
    ]

    for page in pages:
        assert token.prefix in page
        assert raw not in page
        assert token.token_hash not in page
