"""Writes made to fail in tests, to check that an action leaves nothing half-written."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

from deskline.tickets.models import TicketEvent

MESSAGE = "disk full"


@contextmanager
def event_writes_failing() -> Iterator[None]:
    """Inside, the database refuses every new audit event row (`DatabaseError: disk full`),
    however the action writes it: a trigger, so the failure is the database's own."""
    table = connection.ops.quote_name(TicketEvent._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                f"CREATE TEMP TRIGGER deskline_failing_events BEFORE INSERT ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )
        else:
            cursor.execute(
                "CREATE FUNCTION pg_temp.deskline_failing_event() RETURNS trigger "
                f"LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$"
            )
            cursor.execute(
                f"CREATE TRIGGER deskline_failing_events BEFORE INSERT ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION pg_temp.deskline_failing_event()"
            )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("DROP TRIGGER IF EXISTS deskline_failing_events")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS deskline_failing_events ON {table}")
                cursor.execute("DROP FUNCTION IF EXISTS pg_temp.deskline_failing_event()")
