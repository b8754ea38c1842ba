"""DESKLINE_BASE_URL=https://... makes Deskline work behind a TLS proxy, and deploy checks pass."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from deskline.settings import _web_security
from deskline.testing.factories import DEFAULT_PASSWORD, make_user

ROOT = Path(__file__).resolve().parents[3]


def test_an_https_address_implies_the_proxy_settings(monkeypatch):
    for name in ("DESKLINE_SSL_REDIRECT", "DESKLINE_HSTS_SECONDS", "DESKLINE_TRUSTED_PROXIES"):
        monkeypatch.delenv(name, raising=False)

    found = _web_security("https://help.example.com")

    assert found["CSRF_TRUSTED_ORIGINS"] == ["https://help.example.com"]
    assert found["EXTRA_ALLOWED_HOSTS"] == ["help.example.com"]
    assert found["SESSION_COOKIE_SECURE"] is True
    assert found["CSRF_COOKIE_SECURE"] is True
    assert found["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert found["SECURE_SSL_REDIRECT"] is True
    assert found["SECURE_HSTS_SECONDS"] == 31536000
    assert found["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert found["SECURE_HSTS_PRELOAD"] is False
    assert found["DESKLINE_TRUSTED_PROXIES"] == 1


def test_an_origin_keeps_its_port_and_drops_any_path(monkeypatch):
    found = _web_security("https://help.example.com:8443/desk")

    assert found["CSRF_TRUSTED_ORIGINS"] == ["https://help.example.com:8443"]
    assert found["EXTRA_ALLOWED_HOSTS"] == ["help.example.com"]


def test_an_http_address_only_adds_its_host(monkeypatch):
    monkeypatch.delenv("DESKLINE_TRUSTED_PROXIES", raising=False)

    found = _web_security("http://127.0.0.1:8123")

    assert found["EXTRA_ALLOWED_HOSTS"] == ["127.0.0.1"]
    assert found["CSRF_TRUSTED_ORIGINS"] == []
    assert found["SESSION_COOKIE_SECURE"] is False
    assert found["SECURE_PROXY_SSL_HEADER"] is None
    assert found["SECURE_HSTS_SECONDS"] == 0
    assert found["DESKLINE_TRUSTED_PROXIES"] == 0
    assert _web_security("")["EXTRA_ALLOWED_HOSTS"] == []


def test_the_redirect_and_hsts_can_be_changed(monkeypatch):
    monkeypatch.setenv("DESKLINE_SSL_REDIRECT", "off")
    monkeypatch.setenv("DESKLINE_HSTS_SECONDS", "3600")
    monkeypatch.setenv("DESKLINE_HSTS_PRELOAD", "on")

    found = _web_security("https://help.example.com")

    assert found["SECURE_SSL_REDIRECT"] is False
    assert found["SECURE_HSTS_SECONDS"] == 3600
    assert found["SECURE_HSTS_PRELOAD"] is True
    assert found["SILENCED_SYSTEM_CHECKS"] == ["security.W008"]


@pytest.mark.django_db
def test_a_browser_post_through_the_tls_proxy_passes_the_csrf_check(settings):
    # Given Deskline behind a proxy at https://help.example.com
    settings.ALLOWED_HOSTS = ["help.example.com"]
    settings.CSRF_TRUSTED_ORIGINS = ["https://help.example.com"]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    make_user(email="alice@acme.example")
    browser = Client(enforce_csrf_checks=True)
    proxied: dict[str, Any] = {"HTTP_HOST": "help.example.com", "HTTP_X_FORWARDED_PROTO": "https"}

    # When a browser loads the sign-in page and posts it, through the proxy
    page = browser.get("/accounts/login/", **proxied)
    token = browser.cookies[settings.CSRF_COOKIE_NAME].value
    response = browser.post(
        "/accounts/login/",
        {
            "username": "alice@acme.example",
            "password": DEFAULT_PASSWORD,
            "csrfmiddlewaretoken": token,
        },
        HTTP_ORIGIN="https://help.example.com",
        HTTP_REFERER="https://help.example.com/accounts/login/",
        **proxied,
    )

    # Then the page came with HSTS and secure cookies, and the POST was not refused as forged
    assert page.status_code == 200
    assert page["Strict-Transport-Security"].startswith("max-age=31536000")
    assert browser.cookies[settings.CSRF_COOKIE_NAME]["secure"]
    assert response.status_code == 302
    assert response["Location"] == "/"
    # And plain http is sent to https
    plain = Client().get("/accounts/login/", HTTP_HOST="help.example.com")
    assert plain.status_code == 301
    assert plain["Location"] == "https://help.example.com/accounts/login/"


def test_deploy_checks_pass_behind_tls(tmp_path):
    # The machine's environment without Deskline's settings, and without what other tests in
    # this run set (the browser tests allow Django's async-unsafe calls, which a deployment
    # must not).
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DESKLINE_", "DJANGO_")) and key not in {"DATABASE_URL", "REDIS_URL"}
    }
    environment.update(
        {
            "DESKLINE_BASE_URL": "https://help.example.com",
            "DESKLINE_SECRET_KEY": secrets.token_urlsafe(38)[:50],
            "DESKLINE_VAR_DIR": str(tmp_path),
        }
    )
    assert len(environment["DESKLINE_SECRET_KEY"]) == 50

    result = subprocess.run(
        [sys.executable, "-m", "deskline.manage", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr
