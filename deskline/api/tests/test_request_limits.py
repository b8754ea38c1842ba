"""Requests Django or ninja refuse before an endpoint runs still answer in API v1's error shape:
a body over DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields or files, a query string too long to
read, and a method the path does not take."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from deskline.accounts.models import Locale
from deskline.testing.factories import ApiClient, make_ticket, make_user
from deskline.testing.scenario import Helpdesk, row_counts

pytestmark = pytest.mark.django_db


def _error(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert set(body) == {"code", "message", "fields"}
    assert body["code"] == code, body
    assert body["fields"] == {}
    return body


def _new_ticket(helpdesk: Helpdesk, **overrides) -> dict:
    return {
        "desk": "IT",
        "request_type": helpdesk.password_reset.pk,
        "summary": "Password",
    } | overrides


def test_a_body_over_the_upload_limit_is_413(helpdesk: Helpdesk, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 3 * 1024 * 1024
    before = row_counts()

    response = ApiClient(helpdesk.li).post(
        "/tickets", _new_ticket(helpdesk, description="x" * (3 * 1024 * 1024))
    )

    body = _error(response, 413, "request_too_large")
    assert body["message"] == "The request body is too large: send at most 3 MB."
    assert row_counts() == before


def test_a_body_within_the_upload_limit_reaches_the_endpoint(helpdesk: Helpdesk, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 3 * 1024 * 1024

    response = ApiClient(helpdesk.li).post(
        "/tickets", _new_ticket(helpdesk, description="x" * (3 * 1024 * 1024 - 200))
    )

    # The action's own limit answers, not Django's.
    assert _error_code(response) == "text_too_long"


def _error_code(response) -> str:
    assert response.status_code == 400, response.content
    return json.loads(response.content)["code"]


def test_a_query_with_too_many_fields_is_400(helpdesk: Helpdesk):
    caller = ApiClient(helpdesk.li)
    query = "&".join(f"f{n}=1" for n in range(1001))

    response = caller.client.get(f"/api/v1/tickets?{query}", headers=caller.headers)

    body = _error(response, 400, "too_many_fields")
    assert body["message"] == "The request has too many fields: send at most 1000."


def test_an_upload_with_too_many_form_fields_or_files_is_400(helpdesk: Helpdesk):
    caller = ApiClient(helpdesk.alice)
    before = row_counts()

    fields = {f"f{n}": "1" for n in range(1001)} | {"file": SimpleUploadedFile("a.txt", b"a")}
    too_many_fields = caller.client.post("/api/v1/attachments", fields, headers=caller.headers)
    files = {f"file{n}": SimpleUploadedFile(f"{n}.txt", b"a") for n in range(101)}
    too_many_files = caller.client.post("/api/v1/attachments", files, headers=caller.headers)

    _error(too_many_fields, 400, "too_many_fields")
    body = _error(too_many_files, 400, "too_many_files")
    assert body["message"] == "The request has too many files: send one."
    assert row_counts() == before


@pytest.mark.parametrize("path", ["/tickets", "/tickets/IT-1/events", "/desks", "/sla/policies"])
def test_a_query_string_over_8_kb_is_414(helpdesk: Helpdesk, path):
    make_ticket(desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset)
    caller = ApiClient(helpdesk.li)

    response = caller.client.get(f"/api/v1{path}?q={'x' * 100_000}", headers=caller.headers)

    body = _error(response, 414, "query_too_long")
    assert body["message"] == "The query string is too long: send at most 8192 characters."


def test_a_query_string_of_8_kb_is_read(helpdesk: Helpdesk):
    caller = ApiClient(helpdesk.li)
    query = "q=" + "x" * (8 * 1024 - 2)

    response = caller.client.get(f"/api/v1/tickets?{query}", headers=caller.headers)

    assert response.status_code == 200, response.content


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("put", "/tickets", "GET, POST"),
        ("delete", "/tickets", "GET, POST"),
        ("delete", "/desks", "GET"),
        ("post", "/desks", "GET"),
        ("put", "/tickets/IT-1", "GET, PATCH"),
        ("patch", "/tickets/IT-1/comments", "GET, POST"),
        ("options", "/sla/calendars/1", "DELETE, GET, PATCH, PUT"),
    ],
)
def test_a_method_the_path_does_not_take_is_405(helpdesk: Helpdesk, method, path, allowed):
    make_ticket(desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset)
    caller = ApiClient(helpdesk.li)
    before = row_counts()

    response = getattr(caller.client, method)(
        f"/api/v1{path}", "{}", content_type="application/json", headers=caller.headers
    )

    body = _error(response, 405, "method_not_allowed")
    assert response["Allow"] == allowed
    assert body["message"] == (f"This endpoint does not take {method.upper()}; it takes {allowed}.")
    assert row_counts() == before


def test_a_method_the_path_does_not_take_is_405_without_a_token_too(db):
    response = ApiClient(None).put("/tickets", {})

    _error(response, 405, "method_not_allowed")


def test_the_refusals_speak_the_browsers_language(helpdesk: Helpdesk):
    caller = ApiClient(helpdesk.li)
    chinese = caller.headers | {"Accept-Language": "zh-hans"}

    wrong_method = caller.client.delete("/api/v1/desks", headers=chinese)
    long_query = caller.client.get("/api/v1/tickets?q=" + "x" * 10_000, headers=chinese)

    assert _error(wrong_method, 405, "method_not_allowed")["message"] == (
        "此接口不接受 DELETE 请求，只接受 GET。"
    )
    assert _error(long_query, 414, "query_too_long")["message"] == (
        "查询字符串过长：最多 8192 个字符。"
    )


def test_the_refusals_speak_the_token_owners_language_without_a_browser(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 3 * 1024 * 1024
    caller = ApiClient(make_user(locale=Locale.SIMPLIFIED_CHINESE))

    wrong_method = caller.delete("/tickets")
    too_large = caller.post("/tickets", {"description": "x" * (3 * 1024 * 1024)})

    assert _error(wrong_method, 405, "method_not_allowed")["message"] == (
        "此接口不接受 DELETE 请求，只接受 GET, POST。"
    )
    assert _error(too_large, 413, "request_too_large")["message"] == ("请求正文过大：最多 3 MB。")
