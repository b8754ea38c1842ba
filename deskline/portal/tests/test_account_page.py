"""The account page: people see and revoke their own API tokens, never the tokens themselves."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from deskline.accounts.actions import api_token_create
from deskline.accounts.models import ApiToken
from deskline.core.time import now


def tokens() -> list[tuple[int, int, str]]:
    return sorted(ApiToken.objects.values_list("id", "user_id", "token_hash"))


@pytest.mark.parametrize(
    ("base", "who"),
    [("/accounts/", "alice"), ("/agent/account/", "li")],
    ids=["help center", "workspace"],
)
def test_the_account_page_lists_my_tokens_without_their_secrets(helpdesk, signed_in, base, who):
    me = getattr(helpdesk, who)
    mine, mine_raw = api_token_create(user=me, name="Reporting script")
    expiring, expiring_raw = api_token_create(user=me, expires_at=now() - timedelta(days=1))
    theirs, _theirs_raw = api_token_create(user=helpdesk.bob, name="Bob's script")

    response = signed_in(me).get(base)

    page = response.content.decode()
    assert response.status_code == 200
    assert f"<code>{mine.prefix}…</code>" in page and "Reporting script" in page
    assert f"<code>{expiring.prefix}…</code>" in page and "expired" in page
    assert f"{base}tokens/{mine.pk}/revoke/" in page
    assert theirs.prefix not in page and "Bob&#x27;s script" not in page
    for secret in (mine_raw, expiring_raw, mine.token_hash, expiring.token_hash):
        assert secret not in page


@pytest.mark.parametrize(
    ("base", "who"),
    [("/accounts/", "alice"), ("/agent/account/", "li")],
    ids=["help center", "workspace"],
)
def test_i_revoke_my_own_token(helpdesk, signed_in, base, who):
    me = getattr(helpdesk, who)
    token, raw = api_token_create(user=me)
    kept, _kept_raw = api_token_create(user=me)

    response = signed_in(me).post(f"{base}tokens/{token.pk}/revoke/")

    assert response.status_code == 302
    assert response["Location"] == f"{base}#api-tokens"
    assert list(ApiToken.objects.values_list("pk", flat=True)) == [kept.pk]
    api = Client().get("/api/v1/desks", headers={"Authorization": f"Bearer {raw}"})
    assert api.status_code == 401


@pytest.mark.parametrize(
    ("base", "who"),
    [("/accounts/", "alice"), ("/agent/account/", "li")],
    ids=["help center", "workspace"],
)
def test_nobody_revokes_someone_elses_token(helpdesk, signed_in, base, who):
    theirs, raw = api_token_create(user=helpdesk.hana)
    before = tokens()
    client = signed_in(getattr(helpdesk, who))

    answers = [
        client.post(f"{base}tokens/{theirs.pk}/revoke/").status_code,
        client.get(f"{base}tokens/{theirs.pk}/revoke/").status_code,
        client.post(f"{base}tokens/99999999999999999999999/revoke/").status_code,
    ]

    assert answers == [404, 405, 404]
    assert tokens() == before
    api = Client().get("/api/v1/desks", headers={"Authorization": f"Bearer {raw}"})
    assert api.status_code == 200


def test_visitors_are_sent_to_sign_in_and_revoke_nothing(helpdesk):
    token, _raw = api_token_create(user=helpdesk.alice)
    before = tokens()

    page = Client().get("/accounts/")
    revoke = Client().post(f"/accounts/tokens/{token.pk}/revoke/")

    assert page.status_code == revoke.status_code == 302
    assert page["Location"].startswith("/accounts/login/")
    assert tokens() == before


def test_customers_have_no_workspace_account_page(helpdesk, signed_in):
    token, _raw = api_token_create(user=helpdesk.alice)
    before = tokens()
    client = signed_in(helpdesk.alice)

    assert client.get("/agent/account/").status_code == 403
    assert client.post(f"/agent/account/tokens/{token.pk}/revoke/").status_code == 403
    assert tokens() == before


@pytest.mark.parametrize(
    ("base", "who"),
    [("/accounts/", "alice"), ("/agent/account/", "li")],
    ids=["help center", "workspace"],
)
def test_the_token_list_asks_as_many_queries_for_one_token_as_for_ten(
    helpdesk, signed_in, base, who
):
    me = getattr(helpdesk, who)
    client = signed_in(me)
    api_token_create(user=me)
    client.get(base)

    counts = []
    for more in (0, 9):
        for _ in range(more):
            api_token_create(user=me)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(base).status_code == 200
        counts.append(len(queries.captured_queries))

    assert counts[0] == counts[1]
