"""The desks' configuration, kept in each process's memory until any process changes it.

Desks, request types and their forms, statuses, teams and their members, SLA metrics: every
request reads them, and reading them through the ORM cost more than the rest of raising a ticket
(docs/adr/0006). They change rarely, so each process keeps what it built with `cached()`.

Every change of a configuration row writes a new random number into the one row of
`ConfigurationVersion`, in the same transaction (the models' save, delete and many-to-many
signals, connected with `watch()`; bulk writes call `configuration_changed()`). A process reads
that number once per request and drops everything it built under another one. A random number,
not a counter: a change that is rolled back must never leave a cache built from rows that were
never committed under a number that comes back.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, TypeVar

from django.db import connection, models
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.http import HttpRequest, HttpResponse

T = TypeVar("T")

_TABLE = "core_configurationversion"
_UNSCOPED = object()  # outside a request: read the version every time
_UNREAD = object()  # in a request that has not read it yet
_request_version: ContextVar[object] = ContextVar("deskline_config_version", default=_UNSCOPED)
# (version, values built under it); replaced whole, so threads never see half of one.
_cache: tuple[int, dict[str, Any]] | None = None


VERSION_QUERY = f"SELECT value FROM {_TABLE} WHERE id = 1"


def _read_version() -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(VERSION_QUERY)
        row = cursor.fetchone()
    return int(row[0]) if row is not None else None


def configuration_version() -> int | None:
    """The current configuration version; None when its row is missing (nothing is cached)."""
    memo = _request_version.get()
    if isinstance(memo, int) or memo is None:
        return memo
    version = _read_version()
    if memo is _UNREAD:
        _request_version.set(version)
    return version


def note_configuration_version(value: Any) -> None:
    """The version as another query of this request read it (the API's token query reads it
    alongside, sparing a round trip); kept unless the request has read it already."""
    if _request_version.get() is _UNREAD:
        _request_version.set(int(value) if value is not None else None)


def cached(key: str, build: Callable[[], T]) -> T:
    """What `build()` returns, kept in this process for as long as the configuration does not
    change. What it returns is shared by every request: read it, never change it."""
    global _cache
    version = configuration_version()
    if version is None:
        return build()
    current = _cache
    if current is None or current[0] != version:
        current = (version, {})
        _cache = current
    try:
        value: T = current[1][key]
    except KeyError:
        value = build()
        current[1][key] = value
    return value


def configuration_changed(**_: Any) -> None:
    """Give the configuration a new version, in the caller's transaction."""
    value = secrets.randbits(62) + 1
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {_TABLE} (id, value) VALUES (1, %s) "
            "ON CONFLICT (id) DO UPDATE SET value = excluded.value",
            [value],
        )
    if _request_version.get() is not _UNSCOPED:
        _request_version.set(value)


def _on_m2m_changed(action: str, **_: Any) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        configuration_changed()


def watch(*watched: type[models.Model]) -> None:
    """Give the configuration a new version whenever a row of these models, or of these
    many-to-many tables, is saved or deleted (call it from an app's `ready()`)."""
    for model in watched:
        uid = f"deskline-config-{model._meta.label}"
        if model._meta.auto_created:
            m2m_changed.connect(_on_m2m_changed, sender=model, dispatch_uid=uid)
        else:
            post_save.connect(configuration_changed, sender=model, dispatch_uid=uid)
            post_delete.connect(configuration_changed, sender=model, dispatch_uid=uid)


def _after_migrate(**_: Any) -> None:
    # A migration (or `flush`, which ends with this signal) may have changed anything.
    if _TABLE in connection.introspection.table_names():
        configuration_changed()


def watch_migrations(sender: Any) -> None:
    """Give the configuration a new version after `migrate` and `flush` (from core's ready)."""
    post_migrate.connect(_after_migrate, sender=sender, dispatch_uid="deskline-config-migrate")


class ConfigurationVersionMiddleware:
    """Read the configuration version at most once per request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _request_version.set(_UNREAD)
        try:
            return self.get_response(request)
        finally:
            _request_version.reset(token)
