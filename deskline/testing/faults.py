"""Writes made to fail in tests, to check that an action leaves nothing half-written."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection

from deskline.tickets.models import Attachment, Comment, Ticket, TicketEvent

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


@contextmanager
def attachments_claimed_meanwhile(other_ticket_id: int) -> Iterator[None]:
    """Inside, the moment an action writes a ticket or a comment (after it checked its
    attachments, before it claims them), every unclaimed attachment is claimed by the ticket
    `other_ticket_id`, as a concurrent request would: a trigger, so it happens in the database,
    inside the action's own transaction."""
    attachments = connection.ops.quote_name(Attachment._meta.db_table)
    claim = f"UPDATE {attachments} SET ticket_id = {int(other_ticket_id)} WHERE ticket_id IS NULL"
    watched = [
        (Ticket._meta.db_table, "INSERT"),
        (Ticket._meta.db_table, "UPDATE"),
        (Comment._meta.db_table, "INSERT"),
    ]
    names = [f"deskline_claim_meanwhile_{number}" for number in range(len(watched))]
    with connection.cursor() as cursor:
        if connection.vendor != "sqlite":
            cursor.execute(
                "CREATE FUNCTION pg_temp.deskline_claim_meanwhile() RETURNS trigger "
                f"LANGUAGE plpgsql AS $$ BEGIN {claim}; RETURN NULL; END $$"
            )
        for name, (table, operation) in zip(names, watched, strict=True):
            quoted = connection.ops.quote_name(table)
            if connection.vendor == "sqlite":
                cursor.execute(
                    f"CREATE TEMP TRIGGER {name} AFTER {operation} ON {quoted} BEGIN {claim}; END"
                )
            else:
                cursor.execute(
                    f"CREATE TRIGGER {name} AFTER {operation} ON {quoted} "
                    "FOR EACH ROW EXECUTE FUNCTION pg_temp.deskline_claim_meanwhile()"
                )
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for name, (table, _operation) in zip(names, watched, strict=True):
                if connection.vendor == "sqlite":
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                else:
                    quoted = connection.ops.quote_name(table)
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {quoted}")
            if connection.vendor != "sqlite":
                cursor.execute("DROP FUNCTION IF EXISTS pg_temp.deskline_claim_meanwhile()")
