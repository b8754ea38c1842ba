"""Where a request comes from, for counting sign-in failures and e-mails per client address.

Without a proxy the address is the connection's (REMOTE_ADDR). Behind proxies that append the
address they saw to `X-Forwarded-For` (DESKLINE_TRUSTED_PROXIES of them; one when
DESKLINE_BASE_URL is https://), it is the entry the outermost trusted proxy added: entries
further left were written by the client and prove nothing.

An IPv6 client usually holds a whole /64, so its address counts as that network: otherwise
every one of its 2^64 addresses would get a fresh allowance of guesses.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

IPV6_NETWORK_BITS = 64


def _normalized(value: str) -> str | None:
    try:
        address = ipaddress.ip_address(value.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        network = ipaddress.IPv6Network(f"{address}/{IPV6_NETWORK_BITS}", strict=False)
        return str(network.network_address)
    return str(address)


def client_address(request: HttpRequest) -> str | None:
    """The client's address as Deskline counts it (IPv6 as its /64), or None if unknown."""
    proxies: int = settings.DESKLINE_TRUSTED_PROXIES
    remote = str(request.META.get("REMOTE_ADDR") or "")
    if proxies:
        forwarded = [
            part.strip()
            for part in str(request.META.get("HTTP_X_FORWARDED_FOR") or "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= proxies:
            found = _normalized(forwarded[-proxies])
            if found is not None:
                return found
    return _normalized(remote) if remote else None
