"""The client address that sign-in and e-mail limits count, with and without proxies."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import RequestFactory

from deskline.core.clients import client_address


def request(remote: str = "198.51.100.7", forwarded: str | None = None) -> Any:
    headers: dict[str, Any] = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


def test_without_a_proxy_the_connection_is_the_client_and_forwarded_headers_are_ignored(settings):
    settings.DESKLINE_TRUSTED_PROXIES = 0

    assert client_address(request(forwarded="203.0.113.1")) == "198.51.100.7"


def test_behind_one_proxy_the_client_is_the_address_that_proxy_added(settings):
    settings.DESKLINE_TRUSTED_PROXIES = 1
    # The client wrote "1.2.3.4" itself; the proxy appended the address it saw.
    spoofed = request(remote="10.0.0.2", forwarded="1.2.3.4, 203.0.113.1")

    assert client_address(spoofed) == "203.0.113.1"
    assert client_address(request(remote="10.0.0.2", forwarded="203.0.113.1")) == "203.0.113.1"


def test_behind_two_proxies_the_outer_ones_entry_counts(settings):
    settings.DESKLINE_TRUSTED_PROXIES = 2

    found = client_address(request(remote="10.0.0.3", forwarded="1.2.3.4, 203.0.113.1, 10.0.0.2"))

    assert found == "203.0.113.1"


@pytest.mark.parametrize("forwarded", ["", "not-an-address", None])
def test_a_missing_or_malformed_forwarded_header_falls_back_to_the_connection(settings, forwarded):
    settings.DESKLINE_TRUSTED_PROXIES = 1

    assert client_address(request(remote="10.0.0.2", forwarded=forwarded)) == "10.0.0.2"


def test_an_ipv6_client_counts_as_its_slash_64(settings):
    settings.DESKLINE_TRUSTED_PROXIES = 0

    one = client_address(request(remote="2001:db8:1:2:aaaa::1"))
    other = client_address(request(remote="2001:db8:1:2:bbbb::9"))

    assert one == other == "2001:db8:1:2::"
    assert client_address(request(remote="2001:db8:1:3::1")) == "2001:db8:1:3::"
    assert client_address(request(remote="::ffff:198.51.100.7")) == "198.51.100.7"
