"""Fuzzing API v1 with many malformed bodies and query strings: never a 500, never a crash.

The generator is seeded, so a failure names an input that reproduces it.
"""

import json
import random
from typing import Any
from urllib.parse import quote

import pytest
from django.test import Client

from deskline.testing.factories import ApiClient, make_ticket
from deskline.testing.scenario import Helpdesk, row_counts

pytestmark = pytest.mark.django_db

NASTY_STRINGS = [
    "", " ", "\x00", "\u202e", "null", "None", "true", "[]", "{}", "0", "-1", "1e309", "NaN",
    "' OR 1=1 --", '"; DROP TABLE tickets_ticket; --', "%", "%%", "_", "\\", "\\x00", "*",
    "OR AND NOT", "NEAR(", '"', "'", "''", "a'b", '"foo', "(", ")", "^", ":", "!", "&", "|",
    "<script>alert(1)</script>", "javascript:alert(1)", "../../etc/passwd", "IT-1", "it-0",
    "😀" * 50, "打印机", "ÿ", "\ud7ff", "x" * 5000, "-" * 300, "9" * 400, "2026-02-30",
    "2026-01-01T25:00:00Z", "1970-01-01T00:00:00+14:00", "9999-12-31T23:59:59Z", "0001-01-01",
]  # fmt: skip
FIELD_NAMES = [
    "desk", "request_type", "summary", "description", "reporter_email", "priority", "fields",
    "labels", "status", "body", "is_public", "attachments", "assignee", "team", "version",
    "is_shared_with_organization", "reporter", "key", "id", "__proto__", "",
]  # fmt: skip
FORM_KEYS = ["asset_tag", "details", "quantity", "needed_by", "model", "extras", "urgent",
             "manager", "quote", "location", "unknown"]  # fmt: skip
QUERY_NAMES = [
    "desk", "status", "status_category", "assignee", "team", "priority", "reporter", "q",
    "created_after", "created_before", "limit", "cursor", "unknown",
]  # fmt: skip


def _value(rng: random.Random, depth: int = 0) -> Any:
    choice = rng.randrange(12 if depth < 2 else 8)
    if choice == 0:
        return None
    if choice == 1:
        return rng.choice([True, False])
    if choice == 2:
        return rng.choice([0, -1, 1, 2**31, 2**63, -(2**63) - 1, 10**20, 10**300])
    if choice == 3:
        return rng.choice([0.5, -0.0, 1e308, -1e-308, 3.14])
    if choice in (4, 5, 6, 7):
        return rng.choice(NASTY_STRINGS)
    if choice in (8, 9):
        return [_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    if choice == 10:
        return {rng.choice(FORM_KEYS): _value(rng, depth + 1) for _ in range(rng.randrange(4))}
    return {rng.choice(FIELD_NAMES): _value(rng, depth + 1) for _ in range(rng.randrange(4))}


def _body(rng: random.Random, base: dict[str, Any]) -> str:
    kind = rng.randrange(10)
    if kind == 0:
        return rng.choice(["", "{", "}", "[", '{"a":', "nul", "\x00", '{"a": NaN}', "1" * 5000])
    if kind == 1:
        return json.dumps(_value(rng))
    # Mostly right, with one to three bad values: this reaches the actions, not just the schema.
    body = dict(base)
    for _ in range(rng.randrange(1, 4)):
        name = rng.choice(list(base)) if rng.random() < 0.8 else rng.choice(FIELD_NAMES)
        body[name] = rng.choice(NASTY_STRINGS) if rng.random() < 0.5 else _value(rng)
    if "fields" in base and rng.random() < 0.6:
        body["fields"] = {"location": "Shanghai"} | {
            rng.choice(FORM_KEYS): _value(rng) for _ in range(rng.randrange(1, 4))
        }
    return json.dumps(body)


def _query(rng: random.Random) -> str:
    pairs = []
    for _ in range(rng.randrange(1, 5)):
        name = rng.choice(QUERY_NAMES)
        raw = _value(rng)
        value = raw if isinstance(raw, str) else json.dumps(raw)
        pairs.append(f"{quote(name)}={quote(value, safe='')}")
    return "&".join(pairs)


@pytest.mark.parametrize("seed", range(4))
def test_malformed_bodies_never_cause_a_server_error(helpdesk: Helpdesk, seed):
    rng = random.Random(seed)
    ticket = make_ticket(
        desk=helpdesk.it,
        reporter=helpdesk.alice,
        request_type=helpdesk.laptop,
        fields={"location": "Shanghai"},
    )
    callers = [ApiClient(helpdesk.alice), ApiClient(helpdesk.li)]
    endpoints: list[tuple[str, str, dict[str, Any]]] = [
        (
            "post",
            "/tickets",
            {
                "desk": "IT",
                "request_type": helpdesk.laptop.pk,
                "summary": "Fuzzed",
                "description": "",
                "reporter_email": "dana@acme.example",
                "priority": "high",
                "fields": {"location": "Shanghai"},
                "labels": ["fuzz"],
            },
        ),
        (
            "patch",
            f"/tickets/{ticket.key}",
            {
                "summary": "Fuzzed",
                "priority": "low",
                "assignee": "li@deskline.example",
                "team": "Frontline",
                "fields": {"location": "Beijing"},
                "labels": ["fuzz"],
                "is_shared_with_organization": True,
                "version": 1,
            },
        ),
        (
            "post",
            f"/tickets/{ticket.key}/comments",
            {"body": "Hi", "is_public": True, "attachments": []},
        ),
        ("post", f"/tickets/{ticket.key}/transitions", {"status": "in_progress"}),
    ]

    for _ in range(100):
        method, path, base = rng.choice(endpoints)
        raw = _body(rng, base)
        response = getattr(rng.choice(callers), method)(path, raw=raw)
        assert response.status_code < 500, (method, path, raw, response.content)
        print(
            "FUZZ", method, path.split("/")[-1], response.status_code, response.json().get("code")
        )
        assert "code" in response.json() or response.status_code in (200, 201), raw


@pytest.mark.parametrize("seed", range(3))
def test_malformed_query_strings_never_cause_a_server_error(helpdesk: Helpdesk, seed):
    rng = random.Random(1000 + seed)
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    caller = ApiClient(rng.choice([helpdesk.alice, helpdesk.li, helpdesk.admin]))
    before = row_counts()

    for _ in range(80):
        path = rng.choice(["/tickets", f"/tickets/{ticket.key}/events", "/desks"])
        query = _query(rng)
        response = caller.client.get(f"/api/v1{path}?{query}", headers=caller.headers)
        assert response.status_code in (200, 400), (path, query, response.content)
        if response.status_code == 400:
            assert response.json()["code"] in {
                "invalid_input", "invalid_filter", "invalid_cursor", "unknown_desk",
            }, (query, response.content)  # fmt: skip
    assert row_counts() == before


@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/tickets/%00", 400, "invalid_input"),
        ("/tickets/IT-1%2F..", 404, "unknown_endpoint"),
        ("/tickets/" + "A" * 5000, 404, "ticket_not_found"),
        ("/tickets/😀-1", 404, "ticket_not_found"),
        ("/tickets/IT-1/", 404, "unknown_endpoint"),
        ("/tickets/IT-1/comments/", 404, "unknown_endpoint"),
        ("/tickets/IT-1/nothing", 404, "unknown_endpoint"),
        ("/desks/%FF/request-types", 404, "unknown_desk"),
        ("/desks/" + "Z" * 300 + "/request-types", 404, "unknown_desk"),
    ],
)
def test_strange_paths_answer_with_a_json_error(helpdesk: Helpdesk, path, status, code):
    caller = ApiClient(helpdesk.li)

    response = caller.client.get("/api/v1" + path, headers=caller.headers)

    assert response.status_code == status, response.content
    assert response.json()["code"] == code


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""],
)
def test_a_form_encoded_body_is_refused_as_malformed_json(helpdesk: Helpdesk, content_type):
    caller = ApiClient(helpdesk.alice)
    before = row_counts()

    response = Client().post(
        "/api/v1/tickets",
        "desk=IT&summary=hi",
        content_type=content_type,
        headers=caller.headers,
    )

    assert response.status_code == 400, response.content
    assert response.json()["code"] == "malformed_json"
    assert row_counts() == before
