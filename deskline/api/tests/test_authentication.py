"""Bearer tokens, the token command and the OpenAPI document."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from deskline.accounts.actions import api_token_create, hash_token
from deskline.accounts.models import ApiToken
from deskline.testing.factories import make_ticket
from deskline.testing.scenario import Helpdesk

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer dl_not-a-real-token"},
        {"Authorization": "Bearer "},
        {"Authorization": "Basic YWxpY2U6c2VjcmV0"},
        {"Authorization": "Bearer " + "x" * 500},
    ],
    ids=["no header", "unknown token", "empty token", "basic auth", "huge token"],
)
@pytest.mark.parametrize("path", ["/api/v1/tickets", "/api/v1/desks", "/api/v1/tickets/IT-1"])
def test_requests_without_a_valid_token_are_refused(helpdesk: Helpdesk, headers, path):
    make_ticket(desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset)

    response = Client().get(path, headers=headers)

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert "IT-1" not in response.content.decode()


def test_a_write_without_a_token_writes_nothing(helpdesk: Helpdesk):
    response = Client().post(
        "/api/v1/tickets",
        {"desk": "IT", "request_type": helpdesk.password_reset.pk, "summary": "Hi"},
        content_type="application/json",
    )

    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    assert helpdesk.it.tickets.count() == 0


def test_only_the_hash_of_a_token_is_stored(helpdesk: Helpdesk):
    token, raw = api_token_create(user=helpdesk.alice, name="laptop script")

    assert raw.startswith("dl_")
    assert token.token_hash == hash_token(raw)
    assert raw not in {token.token_hash, token.prefix}
    assert token.prefix == raw[:10]


def test_using_a_token_records_when_it_was_last_used(helpdesk: Helpdesk):
    token, raw = api_token_create(user=helpdesk.alice)
    assert token.last_used_at is None

    Client().get("/api/v1/desks", headers={"Authorization": f"Bearer {raw}"})

    token.refresh_from_db()
    assert token.last_used_at is not None


def test_token_create_prints_a_token_that_works(helpdesk: Helpdesk):
    stdout = io.StringIO()

    call_command("token", "create", "--email", "ALICE@acme.example", stdout=stdout)

    raw = stdout.getvalue().strip()
    assert raw.startswith("dl_")
    assert ApiToken.objects.get(token_hash=hash_token(raw)).user == helpdesk.alice
    response = Client().get("/api/v1/desks", headers={"Authorization": f"Bearer {raw}"})
    assert response.status_code == 200


def test_token_create_fails_clearly_for_an_unknown_email(helpdesk: Helpdesk):
    stdout = io.StringIO()

    with pytest.raises(CommandError, match=r"No user has the e-mail address 'nobody@example\.com'"):
        call_command("token", "create", "--email", "nobody@example.com", stdout=stdout)

    assert stdout.getvalue() == ""
    assert ApiToken.objects.count() == 0


def test_token_create_refuses_a_deactivated_user(helpdesk: Helpdesk):
    helpdesk.bob.is_active = False
    helpdesk.bob.save()

    with pytest.raises(CommandError, match="deactivated"):
        call_command("token", "create", "--email", "bob@acme.example", stdout=io.StringIO())

    assert ApiToken.objects.count() == 0


def test_openapi_document_is_valid_json_listing_every_path(db):
    response = Client().get("/api/v1/openapi.json")

    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "Deskline API"
    expected = {
        "/api/v1/desks": {"get"},
        "/api/v1/desks/{desk}/request-types": {"get"},
        "/api/v1/tickets": {"get", "post"},
        "/api/v1/tickets/{key}": {"get", "patch"},
        "/api/v1/tickets/{key}/comments": {"get", "post"},
        "/api/v1/tickets/{key}/transitions": {"get", "post"},
        "/api/v1/tickets/{key}/events": {"get"},
        "/api/v1/attachments": {"post"},
        "/api/v1/tickets/{key}/attachments/{attachment_id}": {"get"},
    }
    for path, methods in expected.items():
        assert set(document["paths"][path]) == methods, path
    upload = document["paths"]["/api/v1/attachments"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
