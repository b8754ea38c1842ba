"""XOAUTH2 sign-in against a real Dovecot (which checks tokens by RFC 7662 introspection on
loopback). Only the provider's token endpoint, which is on the internet in production, is played
by a small HTTP server here: it hands out a new access token for the refresh token."""

from __future__ import annotations

import http.server
import json
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from deskline.mail import imap
from deskline.mail.models import InboundMessage, Mailbox
from deskline.testing.factories import make_desk
from deskline.testing.mailserver import MailServer

pytestmark = pytest.mark.django_db


@dataclass
class TokenEndpoint:
    """The provider's token endpoint (refresh-token grant), on loopback."""

    server: MailServer
    user: str
    refresh_token: str = "refresh-1"
    requests: list[dict[str, str]] = field(default_factory=list)
    url: str = ""

    def answer(self, form: dict[str, str]) -> tuple[int, dict[str, str]]:
        self.requests.append(form)
        if form.get("grant_type") != "refresh_token" or form.get("refresh_token") != (
            self.refresh_token
        ):
            return 400, {"error": "invalid_grant", "error_description": "Token has been revoked."}
        self.refresh_token = f"refresh-{len(self.requests) + 1}"
        return 200, {
            "access_token": self.server.issue_token(self.user),
            "token_type": "Bearer",
            "expires_in": "3599",
            "refresh_token": self.refresh_token,
        }


@pytest.fixture
def endpoint(mail_server: MailServer) -> Iterator[TokenEndpoint]:
    user = f"oauth-{time.monotonic_ns()}"
    mail_server.add_user(user, "unused-password")
    endpoint = TokenEndpoint(server=mail_server, user=user)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # http.server's hook name
            length = int(self.headers.get("Content-Length") or 0)
            form = dict(urllib.parse.parse_qsl(self.rfile.read(length).decode()))
            status, body = endpoint.answer(form)
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass

    http_server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    endpoint.url = f"http://127.0.0.1:{http_server.server_address[1]}/token"
    threading.Thread(target=http_server.serve_forever, daemon=True).start()
    try:
        yield endpoint
    finally:
        http_server.shutdown()
        http_server.server_close()


def oauth_mailbox(server: MailServer, endpoint: TokenEndpoint, access_token: str) -> Mailbox:
    address = server.address(endpoint.user)
    return Mailbox.objects.create(
        desk=make_desk(),
        name="OAuth",
        address=address,
        kind="imap",
        imap_host="127.0.0.1",
        imap_port=server.imap_port,
        imap_security="none",
        imap_username=address,
        imap_auth="xoauth2",
        imap_secret=access_token,
        oauth2_token_url=endpoint.url,
        oauth2_client_id="deskline-client",
        oauth2_client_secret="client-Secret-9",
        oauth2_refresh_token="refresh-1",
    )


def deliver(server: MailServer, user: str, message_id: str) -> None:
    before = server.maildir_count(user)
    raw = f"From: a@example.org\r\nSubject: OAuth\r\nMessage-ID: <{message_id}>\r\n\r\nhi\r\n"
    server.send(
        raw.encode(),
        sender="a@example.org",
        recipients=[server.address(user)],
    )
    server.wait_for_delivery(user, before + 1)


def test_a_valid_access_token_signs_in_without_refreshing(
    mail_server: MailServer, endpoint: TokenEndpoint
) -> None:
    mailbox = oauth_mailbox(mail_server, endpoint, mail_server.issue_token(endpoint.user))
    deliver(mail_server, endpoint.user, "oauth-1@example.org")

    assert imap.mailbox_fetch(mailbox) == imap.FetchResult(ok=True, stored=1)
    assert endpoint.requests == []
    assert InboundMessage.objects.get().message_id == "oauth-1@example.org"


def test_an_expired_access_token_is_refreshed_saved_and_used(
    mail_server: MailServer, endpoint: TokenEndpoint
) -> None:
    expired = mail_server.issue_token(endpoint.user)
    mail_server.revoke_token(expired)
    mailbox = oauth_mailbox(mail_server, endpoint, expired)
    deliver(mail_server, endpoint.user, "oauth-2@example.org")

    result = imap.mailbox_fetch(mailbox)

    assert result == imap.FetchResult(ok=True, stored=1)
    assert endpoint.requests == [
        {
            "grant_type": "refresh_token",
            "refresh_token": "refresh-1",
            "client_id": "deskline-client",
            "client_secret": "client-Secret-9",
        }
    ]
    mailbox.refresh_from_db()
    assert mailbox.imap_secret not in ("", expired)
    assert mailbox.oauth2_refresh_token == "refresh-2"  # the provider rotated it
    # The saved token works on its own next time.
    assert imap.mailbox_fetch(mailbox) == imap.FetchResult(ok=True, stored=0)
    assert len(endpoint.requests) == 1


def test_a_refused_refresh_is_recorded_without_secrets(
    mail_server: MailServer, endpoint: TokenEndpoint
) -> None:
    mailbox = oauth_mailbox(mail_server, endpoint, "not-a-valid-token")
    Mailbox.objects.filter(pk=mailbox.pk).update(oauth2_refresh_token="revoked-refresh")
    mailbox.refresh_from_db()

    result = imap.mailbox_fetch(mailbox)

    assert not result.ok
    assert result.error == (
        "The token URL refused to refresh the access token (HTTP 400) Token has been revoked."
    )
    for secret in ("not-a-valid-token", "revoked-refresh", "client-Secret-9"):
        assert secret not in result.error
    mailbox.refresh_from_db()
    assert (mailbox.last_fetch_ok, mailbox.imap_secret) == (False, "not-a-valid-token")


def test_a_token_url_must_be_https_unless_on_this_machine(
    mail_server: MailServer, endpoint: TokenEndpoint
) -> None:
    mailbox = oauth_mailbox(mail_server, endpoint, "")
    mailbox.oauth2_token_url = "http://login.example.com/token"
    mailbox.save()

    result = imap.mailbox_fetch(mailbox)

    assert (result.ok, result.error) == (False, "The OAuth 2.0 token URL must start with https://.")
    assert endpoint.requests == []
