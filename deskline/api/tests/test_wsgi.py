"""deskline.wsgi: a finished response reaches the server as one bytes item, and is closed."""

from __future__ import annotations

import io

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished

from deskline.wsgi import application

pytestmark = pytest.mark.django_db


def _environ(path: str) -> dict[str, object]:
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
    }


def test_a_response_is_one_bytes_item_and_is_closed_before_it_is_sent():
    finished: list[object] = []

    def on_finished(**kwargs: object) -> None:
        finished.append(kwargs)

    request_finished.connect(on_finished)
    try:
        statuses: list[str] = []
        body = application(_environ("/api/v1/openapi.json"), lambda s, h: statuses.append(s))
        assert finished, "request_finished was not sent"
    finally:
        request_finished.disconnect(on_finished)

    assert isinstance(body, list)
    assert len(body) == 1
    assert statuses == ["200 OK"]
    plain = WSGIHandler()(_environ("/api/v1/openapi.json"), lambda s, h: None)  # type: ignore[arg-type]
    try:
        assert body[0] == b"".join(plain)
    finally:
        plain.close()
