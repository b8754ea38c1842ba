"""The PostgreSQL backend (core/postgresql): a reused connection is checked without a round
trip, and timestamps are read by psycopg's own loader."""

from __future__ import annotations

import datetime
import time

import psycopg
import pytest
from django.db import connection, transaction

from deskline.accounts.models import Organization
from deskline.core.postgresql import base
from deskline.testing.factories import make_organization

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


def test_timestamps_are_read_by_psycopgs_own_loader_in_utc():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT '2026-03-04 05:06:07.123456+08'::timestamptz, "
            "'9000-01-01 00:00:00+00'::timestamptz, '1999-12-31 23:59:59-05'::timestamptz"
        )
        row = cursor.fetchone()
        loader = cursor.adapters.get_loader(1184, psycopg.pq.Format.TEXT)  # timestamptz

    assert row == (
        datetime.datetime(2026, 3, 3, 21, 6, 7, 123456, tzinfo=datetime.UTC),
        datetime.datetime(9000, 1, 1, tzinfo=datetime.UTC),
        datetime.datetime(2000, 1, 1, 4, 59, 59, tzinfo=datetime.UTC),
    )
    assert all(value.tzinfo is datetime.UTC for value in row)
    assert loader.__module__.startswith(("psycopg_binary", "psycopg_c", "psycopg.types"))
    assert "django" not in loader.__module__


def test_a_server_side_cursor_reads_timestamps_too():
    make_organization("Acme")
    make_organization("Globex")
    with transaction.atomic():  # a named cursor: .iterator() on PostgreSQL
        rows = list(Organization.objects.order_by("pk").iterator(chunk_size=1))

    assert rows and all(row.created_at.tzinfo is datetime.UTC for row in rows)
