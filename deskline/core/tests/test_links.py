"""Links in e-mails point where people reach Deskline."""

from __future__ import annotations

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from deskline.core.env import ConfigurationError
from deskline.core.links import (
    DEFAULT_BASE_URL,
    RequestLinksMiddleware,
    absolute_url,
    base_url,
    links_based_on,
)
from deskline.settings import _base_url


def _during(request: HttpRequest) -> str:
    seen: list[str] = []

    def view(request: HttpRequest) -> HttpResponse:
        seen.append(absolute_url("/agent/tickets/IT-1/"))
        return HttpResponse()

    RequestLinksMiddleware(view)(request)
    return seen[0]


def test_outside_any_request_links_start_at_the_default(settings):
    settings.DESKLINE_BASE_URL = ""
    assert base_url() == DEFAULT_BASE_URL
    assert absolute_url("agent/") == "http://127.0.0.1:8000/agent/"


def test_during_a_request_links_use_the_address_the_person_reached(settings):
    settings.DESKLINE_BASE_URL = ""
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    request = RequestFactory().get("/", HTTP_HOST="127.0.0.1:8123")
    assert _during(request) == "http://127.0.0.1:8123/agent/tickets/IT-1/"
    assert base_url() == DEFAULT_BASE_URL  # and only during it


def test_a_host_the_site_does_not_serve_never_gets_into_a_link(settings):
    settings.DESKLINE_BASE_URL = ""
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    request = RequestFactory().get("/", HTTP_HOST="evil.example")
    assert _during(request) == "http://127.0.0.1:8000/agent/tickets/IT-1/"


def test_the_configured_base_url_wins_over_the_request(settings):
    settings.DESKLINE_BASE_URL = "https://help.example.com"
    settings.ALLOWED_HOSTS = ["127.0.0.1"]
    request = RequestFactory().get("/", HTTP_HOST="127.0.0.1:8123")
    assert _during(request) == "https://help.example.com/agent/tickets/IT-1/"


def test_a_job_builds_links_on_the_base_of_the_request_that_queued_it(settings):
    settings.DESKLINE_BASE_URL = ""
    with links_based_on("http://10.0.0.5:9000/"):
        assert absolute_url("/x/") == "http://10.0.0.5:9000/x/"
    assert base_url() == DEFAULT_BASE_URL


def test_a_malformed_base_url_stops_start_up_with_a_message_naming_it(monkeypatch):
    for bad in ("help.example.com", "ftp://help.example.com", "https://", "https://h/?a=1"):
        monkeypatch.setenv("DESKLINE_BASE_URL", bad)
        with pytest.raises(ConfigurationError, match="DESKLINE_BASE_URL"):
            _base_url()
    monkeypatch.setenv("DESKLINE_BASE_URL", "https://help.example.com/")
    assert _base_url() == "https://help.example.com"
