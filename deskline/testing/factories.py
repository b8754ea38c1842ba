"""Factories for tests: small functions that build valid rows through the real actions."""

from __future__ import annotations

import functools
import itertools
import json
from typing import Any

from django.contrib.auth.hashers import make_password
from django.test import Client

from deskline.accounts.actions import api_token_create
from deskline.accounts.models import Organization, Role, Team, User
from deskline.desks.actions import desk_create, request_type_create
from deskline.desks.models import Desk, FieldType, RequestType
from deskline.tickets.actions import ticket_create
from deskline.tickets.models import Channel, Ticket

_sequence = itertools.count(1)
DEFAULT_PASSWORD = "correct horse battery staple"


@functools.cache
def _default_password_hash() -> str:
    # Hashing costs about a second per user with the production hasher; hash once per run.
    return make_password(DEFAULT_PASSWORD)


def make_organization(name: str | None = None) -> Organization:
    return Organization.objects.create(name=name or f"Organization {next(_sequence)}")


def make_user(
    *,
    role: str = Role.CUSTOMER,
    email: str | None = None,
    organization: Organization | None = None,
    teams: list[Team] | None = None,
    **extra: Any,
) -> User:
    number = next(_sequence)
    user = User.objects.create_user(
        email or f"person{number}@example.com",
        password=None,
        display_name=extra.pop("display_name", f"Person {number}"),
        role=role,
        organization=organization,
        **extra,
    )
    user.password = _default_password_hash()
    user.save(update_fields=["password"])
    for team in teams or []:
        team.members.add(user)
    return user


def make_team(name: str | None = None) -> Team:
    return Team.objects.create(name=name or f"Team {next(_sequence)}")


def make_desk(key: str | None = None, *, teams: list[Team] | None = None, **extra: Any) -> Desk:
    key = key or f"D{next(_sequence)}"
    return desk_create(key=key, name=extra.pop("name", f"Desk {key}"), teams=teams or [], **extra)


def make_request_type(
    desk: Desk, *, name: str | None = None, fields: list[dict[str, Any]] | None = None, **extra: Any
) -> RequestType:
    return request_type_create(
        desk=desk,
        name=name or f"Request type {next(_sequence)}",
        fields=fields
        if fields is not None
        else [
            {"key": "location", "label": "Location", "field_type": FieldType.SHORT_TEXT},
        ],
        **extra,
    )


def make_ticket(
    *,
    desk: Desk,
    reporter: User,
    request_type: RequestType | None = None,
    summary: str = "Printer on the 3rd floor is jammed",
    **extra: Any,
) -> Ticket:
    request_type = request_type or desk.request_types.first() or make_request_type(desk)
    actor = extra.pop("actor", reporter)
    if actor != reporter:  # an agent raising it for the reporter (only agents set labels)
        extra.setdefault("reporter", reporter)
    return ticket_create(
        actor=actor,
        desk=desk,
        request_type=request_type,
        summary=summary,
        channel=extra.pop("channel", Channel.PORTAL),
        **extra,
    )


class ApiClient:
    """Calls API v1 as one user, with a real bearer token."""

    def __init__(self, user: User | None) -> None:
        self.client = Client()
        self.headers: dict[str, str] = {}
        if user is not None:
            _token, raw = api_token_create(user=user)
            self.headers["Authorization"] = f"Bearer {raw}"

    def _call(
        self, method: str, path: str, body: Any = None, raw: str | None = None, **kw: Any
    ) -> Any:
        url = "/api/v1" + path
        call = getattr(self.client, method)
        if method in ("get", "delete"):
            return call(url, kw.pop("params", None), headers=self.headers, **kw)
        data = raw if raw is not None else json.dumps(body)
        return call(url, data, content_type="application/json", headers=self.headers, **kw)

    def get(self, path: str, params: dict[str, Any] | None = None, **kw: Any) -> Any:
        return self._call("get", path, params=params, **kw)

    def post(self, path: str, body: Any = None, raw: str | None = None, **kw: Any) -> Any:
        return self._call("post", path, body, raw, **kw)

    def patch(self, path: str, body: Any = None, raw: str | None = None, **kw: Any) -> Any:
        return self._call("patch", path, body, raw, **kw)

    def put(self, path: str, body: Any = None, raw: str | None = None, **kw: Any) -> Any:
        return self._call("put", path, body, raw, **kw)

    def delete(self, path: str, **kw: Any) -> Any:
        return self.client.delete("/api/v1" + path, headers=self.headers, **kw)

    def upload(self, filename: str, content: bytes) -> Any:
        from django.core.files.uploadedfile import SimpleUploadedFile

        return self.client.post(
            "/api/v1/attachments",
            {"file": SimpleUploadedFile(filename, content)},
            headers=self.headers,
        )
