"""Django's PostgreSQL backend, with a health check that needs no round trip and psycopg's own
timestamp loader.

With persistent connections (CONN_MAX_AGE) Django checks a connection before each request
reuses it (CONN_HEALTH_CHECKS), and its check is a `SELECT 1` to the server: one more round
trip on every request, about a tenth of a millisecond of client and server time each (make
bench: a ticket create was nine round trips; this was one of them). A connection the server
has ended (a restart, `pg_terminate_backend`, an idle timeout) is seen here without asking:
the server says so on the socket (a FATAL message, then end of file), so an idle connection
whose socket has something to read is checked the old way, and one with nothing to read, in
no transaction and not marked broken, is usable. A connection cut without a word (a network
partition) is found by the first query, as it would be a moment after a `SELECT 1`.

Django reads `timestamptz` values with a loader of its own, a Python subclass of psycopg's that
sets the time zone it wants on each value; a subclass cannot use psycopg's C loader, so every
timestamp was parsed in Python (about half a millisecond of a 50-ticket page). The session's
time zone is UTC (Django sets it), and in UTC psycopg's own loader, C when installed, returns
the same values with the same `timezone.utc`; it is put back when Django wants UTC.
"""

from __future__ import annotations

import datetime
import select
from typing import Any

from django.db.backends.postgresql import base
from psycopg import pq
from psycopg.types.datetime import TimestamptzLoader

_PostgreSQLWrapper: Any = base.DatabaseWrapper


class DatabaseWrapper(_PostgreSQLWrapper):
    def _psycopg_reads_utc(self) -> bool:
        return self.timezone is datetime.UTC

    def get_new_connection(self, conn_params: Any) -> Any:
        connection = super().get_new_connection(conn_params)
        if self._psycopg_reads_utc():
            # psycopg swaps in its C class for its own Python one when it has it.
            connection.adapters.register_loader("timestamptz", TimestamptzLoader)
        return connection

    def create_cursor(self, name: str | None = None) -> Any:
        # Django's would look for its own loader's zone, which psycopg's has not; otherwise the
        # same cursors.
        if not self._psycopg_reads_utc():
            return super().create_cursor(name)
        connection = self.connection
        if name is None:
            return connection.cursor()
        if self.settings_dict["OPTIONS"].get("server_side_binding") is not True:
            return base.ServerSideCursor(  # type: ignore[attr-defined]  # not in django-stubs
                connection, name=name, scrollable=False, withhold=connection.autocommit
            )
        return connection.cursor(name, scrollable=False, withhold=connection.autocommit)

    def is_usable(self) -> bool:
        connection = self.connection
        if connection is None or connection.closed or connection.broken:
            return False
        if connection.info.transaction_status != pq.TransactionStatus.IDLE:
            return bool(super().is_usable())
        try:
            readable, _, _ = select.select([connection.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        if readable:  # a message or end of file: let a query find out which
            return bool(super().is_usable())
        return True
