"""On PostgreSQL, a reused connection is checked without a round trip (core/postgresql)."""

from __future__ import annotations

import time

import psycopg
import pytest
from django.db import connection

from deskline.core.postgresql import base

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the health check is the PostgreSQL backend's")


def _refuse_round_trips(monkeypatch: pytest.MonkeyPatch) -> None:
    def select_one(self: object) -> bool:
        raise AssertionError("the check went to the server")

    monkeypatch.setattr(base._PostgreSQLWrapper, "is_usable", select_one)


def test_an_idle_healthy_connection_is_usable_without_asking_the_server(monkeypatch):
    connection.ensure_connection()
    _refuse_round_trips(monkeypatch)

    assert connection.is_usable()


def test_a_connection_the_server_ended_is_not_usable_and_is_replaced():
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    settings = connection.get_connection_params()
    with psycopg.connect(**settings, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
    deadline = time.monotonic() + 5
    while connection.is_usable() and time.monotonic() < deadline:
        time.sleep(0.01)

    assert not connection.is_usable()
    # What Django does at the start of a request; the check runs with its first query.
    connection.close_if_unusable_or_obsolete()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid


def test_a_connection_with_a_message_waiting_is_checked_the_old_way(monkeypatch):
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("LISTEN deskline_test")
    settings = connection.get_connection_params()
    with psycopg.connect(**settings, autocommit=True) as other:
        other.execute("NOTIFY deskline_test")
    asked: list[bool] = []
    original = base._PostgreSQLWrapper.is_usable

    def select_one(self: object) -> bool:
        asked.append(True)
        return bool(original(self))

    monkeypatch.setattr(base._PostgreSQLWrapper, "is_usable", select_one)
    deadline = time.monotonic() + 5
    while not asked and time.monotonic() < deadline:
        assert connection.is_usable()
        time.sleep(0.01)
    assert asked
    with connection.cursor() as cursor:
        cursor.execute("UNLISTEN deskline_test")
