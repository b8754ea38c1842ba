"""Absolute links to Deskline's pages, for e-mails and anything else read outside a browser.

The base is `DESKLINE_BASE_URL` when it is set. Otherwise it is the address of the request that
started the work (the server the person reached, whatever its port), and, outside any request
(the worker), `http://127.0.0.1:8000`. `make run` sets `DESKLINE_BASE_URL` for its server and
worker; production sets it to the public address.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse

DEFAULT_BASE_URL = "http://127.0.0.1:8000"

_request: ContextVar[HttpRequest | None] = ContextVar("deskline_link_request", default=None)
_given: ContextVar[str | None] = ContextVar("deskline_link_base", default=None)


def base_url() -> str:
    """Where Deskline is reached, without a trailing slash, e.g. `https://help.example.com`."""
    configured: str = settings.DESKLINE_BASE_URL
    if configured:
        return configured
    given = _given.get()
    if given:
        return given
    request = _request.get()
    if request is not None:
        try:
            return request.build_absolute_uri("/").rstrip("/")
        except DisallowedHost:  # a Host header the site does not serve: never put it in a link
            pass
    return DEFAULT_BASE_URL


def absolute_url(path: str) -> str:
    """The absolute address of `path` (e.g. `/agent/tickets/IT-42/`) under `base_url()`."""
    return f"{base_url()}/{path.lstrip('/')}"


@contextmanager
def links_based_on(base: str | None) -> Iterator[None]:
    """Within the block, links start with `base` (unless DESKLINE_BASE_URL says otherwise): a
    background job runs in it with the `base_url()` of the request that queued it."""
    token = _given.set(base.rstrip("/") if base else None)
    try:
        yield
    finally:
        _given.reset(token)


class RequestLinksMiddleware:
    """Make the current request the base of the links built while it is served."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request.set(request)
        try:
            return self.get_response(request)
        finally:
            _request.reset(token)
