"""Django's SQLite backend, with writers queueing on a file lock instead of polling.

SQLite lets one transaction write at a time. A writer that finds the write lock taken polls for
it (busy_timeout): it sleeps 1, 2, 5, 10... ms between tries, so with two web workers raising
tickets each waiter slept longer than the holder needed the lock, and the CPU sat idle while
requests queued (make bench: p95 100 ms for a 4 ms create). Here every write first takes an
exclusive `flock` on a file beside the database; the kernel wakes the next waiter the moment the
holder commits or rolls back. The lock is per open file, so it orders the connections of one
process as well as of several. A process that dies holding it releases it with its file
descriptors.

- A write transaction (`BEGIN IMMEDIATE`, see settings) takes the lock before `BEGIN` and lets
  it go at commit or rollback.
- A write statement outside a transaction (`save()` or `QuerySet.update()` outside
  `transaction.atomic`) is a transaction of its own: it takes the lock too, runs to its end
  (the rows of a `RETURNING` are read at once) and lets it go, so it queues with the others
  instead of polling beside them.
- The wait is bounded by the busy timeout (`OPTIONS["timeout"]`, 20 s in settings): a writer
  that waited that long gets an OperationalError naming the lock, as SQLite would say "database
  is locked", instead of waiting for ever behind a stuck one. A blocking `flock` cannot be given
  up, so a writer that finds the lock taken waits for it in a thread of its own
  (`_LockWaiter`); a waiter given up on lets the lock go as soon as it gets it.

Checkpoints of the write-ahead log run in a thread of their own (`checkpoints.py`), so that
neither the lock nor a request waits for the disk.
"""

from __future__ import annotations

import collections
import contextlib
import fcntl
import os
import re
import threading
import time
from collections.abc import Iterator
from typing import Any

from django.db import OperationalError
from django.db.backends.sqlite3 import base

from deskline.core.sqlite import functions
from deskline.core.sqlite.checkpoints import (
    AUTOMATIC_CHECKPOINT_PAGES,
    CHANGES_PER_CHECKPOINT,
    checkpointer,
)
from deskline.core.sqlite.creation import DatabaseCreation

# django-stubs leave out the private methods overridden here.
_SQLiteWrapper: Any = base.DatabaseWrapper
_SQLiteCursor: Any = base.SQLiteCursorWrapper

SQLITE_DEFAULT_TIMEOUT = 5.0  # seconds; what sqlite3.connect waits when OPTIONS has no timeout
_WRITES = re.compile(r"\s*(?:INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER)\b", re.IGNORECASE)
_WITH = re.compile(r"\s*WITH\b", re.IGNORECASE)
_CHANGES = re.compile(r"\b(?:INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


def is_write(sql: str) -> bool:
    """Whether the statement `sql` may write: DML, DDL, or a WITH query ending in DML."""
    if _WRITES.match(sql):
        return True
    return bool(_WITH.match(sql) and _CHANGES.search(sql))


class _LockWaiter:
    """Waits in a thread of its own for the write lock on `descriptor`, for whoever wants it.

    The waiting connection gives up after its timeout; the thread goes on waiting, and when it
    gets the lock it hands it over if the connection wants it again by then, else lets it go
    at once (closing the descriptor), so that a lock nobody waits for is never held.
    """

    def __init__(self, descriptor: int) -> None:
        self.descriptor = descriptor
        self.pid = os.getpid()
        self._condition = threading.Condition()
        self._is_wanted = True
        self._state = "waiting"  # then "taken" (handed over) or "closed" (let go)
        thread = threading.Thread(target=self._wait, name="sqlite-write-lock-wait", daemon=True)
        thread.start()

    def _wait(self) -> None:
        try:
            fcntl.flock(self.descriptor, fcntl.LOCK_EX)
            failed = False
        except OSError:
            failed = True
        with self._condition:
            if self._is_wanted and not failed:
                self._state = "taken"
            else:
                self._state = "closed"
                os.close(self.descriptor)  # releases the lock if it was taken
            self._condition.notify_all()

    @property
    def is_waiting(self) -> bool:
        """Whether it is still waiting for the lock in this process (not after a fork)."""
        with self._condition:
            return self._state == "waiting" and self.pid == os.getpid()

    def wait(self, timeout: float) -> str:
        """Wait up to `timeout` seconds: "taken" (the descriptor holds the lock and is the
        caller's), "closed" (the thread let the lock go before; try a new one) or "waiting"."""
        with self._condition:
            self._is_wanted = True
            try:
                self._condition.wait_for(lambda: self._state != "waiting", timeout)
            finally:
                if self._state == "waiting":
                    self._is_wanted = False
            return self._state

    def give_up(self) -> None:
        """The caller will not take the lock after all (it was interrupted): let it go."""
        with self._condition:
            self._is_wanted = False
            if self._state == "taken":
                self._state = "closed"
                os.close(self.descriptor)


class QueuedCursor(_SQLiteCursor):
    """Django's SQLite cursor; a write statement run outside a transaction takes the write lock
    for its duration (see the module's docstring)."""

    database: DatabaseWrapper
    _rows: collections.deque[Any] | None = None

    def execute(self, query: str, params: Any = None) -> Any:
        self._rows = None
        if self.database._write_lock is not None or not is_write(query):
            return super().execute(query, params)
        with self.database.write_lock_for_statement():
            super().execute(query, params)
            if self.description is not None:
                # INSERT ... RETURNING: the statement ends (and commits) when its last row is
                # read, so read them now, under the lock, and hand them out from here.
                self._rows = collections.deque(super().fetchall())
        return self

    def executemany(self, query: str, param_list: Any) -> Any:
        self._rows = None
        if self.database._write_lock is not None or not is_write(query):
            return super().executemany(query, param_list)
        with self.database.write_lock_for_statement():
            return super().executemany(query, param_list)

    def fetchone(self) -> Any:
        if self._rows is None:
            return super().fetchone()
        return self._rows.popleft() if self._rows else None

    def fetchmany(self, size: int | None = None) -> list[Any]:
        if self._rows is None:
            return super().fetchmany(self.arraysize if size is None else size)
        count = self.arraysize if size is None else size
        return [self._rows.popleft() for _ in range(min(count, len(self._rows)))]

    def fetchall(self) -> list[Any]:
        if self._rows is None:
            return super().fetchall()
        rows, self._rows = list(self._rows), collections.deque()
        return rows

    def __next__(self) -> Any:
        if self._rows is None:
            return super().__next__()
        if not self._rows:
            raise StopIteration
        return self._rows.popleft()


class DatabaseWrapper(_SQLiteWrapper):
    creation_class = DatabaseCreation
    _write_lock: int | None = None
    _lock_waiter: _LockWaiter | None = None  # a wait given up on, still waiting in its thread
    _changes_at_checkpoint = 0

    def get_new_connection(self, conn_params: Any) -> Any:
        connection = super().get_new_connection(conn_params)
        functions.register(connection)
        if self._lock_path() is not None:
            connection.execute(f"PRAGMA wal_autocheckpoint={AUTOMATIC_CHECKPOINT_PAGES}")
        self._changes_at_checkpoint = connection.total_changes
        return connection

    def create_cursor(self, name: str | None = None) -> Any:
        if self._lock_path() is None:
            return super().create_cursor(name)
        cursor = self.connection.cursor(factory=QueuedCursor)
        cursor.database = self
        return cursor

    def _lock_path(self) -> str | None:
        name = str(self.settings_dict["NAME"])
        if not name or name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
            return None
        return f"{name}-writelock"

    def lock_timeout(self) -> float:
        """How long a writer waits for the lock: SQLite's busy timeout, OPTIONS["timeout"]."""
        return float(self.settings_dict["OPTIONS"].get("timeout", SQLITE_DEFAULT_TIMEOUT))

    def _take_write_lock(self) -> None:
        path = self._lock_path()
        if path is None or self._write_lock is not None:
            return
        timeout = self.lock_timeout()
        deadline = time.monotonic() + timeout
        waiter, self._lock_waiter = self._lock_waiter, None
        while True:
            if waiter is None or not waiter.is_waiting:
                descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
                try:
                    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    try:
                        waiter = _LockWaiter(descriptor)
                    except BaseException:
                        os.close(descriptor)
                        raise
                except BaseException:
                    os.close(descriptor)
                    raise
                else:
                    self._write_lock = descriptor
                    return
            try:
                state = waiter.wait(max(deadline - time.monotonic(), 0))
            except BaseException:  # KeyboardInterrupt, say: the lock must not be left held
                waiter.give_up()
                raise
            if state == "taken":
                self._write_lock = waiter.descriptor
                return
            if state == "waiting":
                self._lock_waiter = waiter  # the next write waits on in the same place
                raise OperationalError(
                    f"database is locked: waited {timeout:g} s for the SQLite write lock "
                    f"{path} (the busy timeout, OPTIONS['timeout']); another write has held "
                    "it all that time"
                )
            # "closed": it let the lock go just before this wait wanted it again; start over.

    def _release_write_lock(self) -> None:
        descriptor, self._write_lock = self._write_lock, None
        if descriptor is not None:
            os.close(descriptor)  # closing the only descriptor of the file releases the lock

    @contextlib.contextmanager
    def write_lock_for_statement(self) -> Iterator[None]:
        """The write lock around one statement outside a transaction."""
        self._take_write_lock()
        try:
            yield
        finally:
            # Under set_autocommit(False) the statement opened a transaction: commit or
            # rollback lets the lock go.
            if self._write_lock is not None and not (
                self.connection is not None and self.connection.in_transaction
            ):
                self._release_write_lock()
                self._ask_for_checkpoint_when_due()

    def _start_transaction_under_autocommit(self) -> None:
        self._take_write_lock()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._release_write_lock()
            raise

    def _commit(self) -> Any:
        try:
            return super()._commit()
        finally:
            if self._write_lock is not None:
                self._release_write_lock()
                self._ask_for_checkpoint_when_due()

    def _ask_for_checkpoint_when_due(self) -> None:
        changes = self.connection.total_changes
        if changes - self._changes_at_checkpoint >= CHANGES_PER_CHECKPOINT:
            self._changes_at_checkpoint = changes
            checkpointer(str(self.settings_dict["NAME"])).ask()

    def _rollback(self) -> Any:
        try:
            return super()._rollback()
        finally:
            self._release_write_lock()

    def _close(self) -> Any:
        try:
            return super()._close()
        finally:
            self._release_write_lock()
            self._lock_waiter = None  # given up on already: it lets the lock go when it gets it
