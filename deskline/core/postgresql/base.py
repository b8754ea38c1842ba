"""Django's PostgreSQL backend, with a health check that needs no round trip.

With persistent connections (CONN_MAX_AGE) Django checks a connection before each request
reuses it (CONN_HEALTH_CHECKS), and its check is a `SELECT 1` to the server: one more round
trip on every request, about a tenth of a millisecond of client and server time each (make
bench: a ticket create was nine round trips; this was one of them). A connection the server
has ended (a restart, `pg_terminate_backend`, an idle timeout) is seen here without asking:
the server says so on the socket (a FATAL message, then end of file), so an idle connection
whose socket has something to read is checked the old way, and one with nothing to read, in
no transaction and not marked broken, is usable. A connection cut without a word (a network
partition) is found by the first query, as it would be a moment after a `SELECT 1`.
"""

from __future__ import annotations

import select
from typing import Any

from django.db.backends.postgresql import base
from psycopg import pq

_PostgreSQLWrapper: Any = base.DatabaseWrapper


class DatabaseWrapper(_PostgreSQLWrapper):
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
