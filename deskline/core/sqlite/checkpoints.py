"""Checkpoints of a SQLite database's write-ahead log, off the request path.

A checkpoint copies the pages committed to the log back into the database file and syncs it
to disk; that can take from a few to a few hundred milliseconds. SQLite's automatic checkpoint
runs inside the commit that crosses its mark, so the committing request waits for the disk
and, holding the write lock (`base.py`), so does every other writer: about one ticket create in
25 took 6 ms and more, some 250 ms. Here each process keeps one thread per database with its
own connection; a connection that has changed `CHANGES_PER_CHECKPOINT` rows wakes it after
committing, and it runs a passive checkpoint, which never waits for readers or writers.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading

logger = logging.getLogger(__name__)

CHANGES_PER_CHECKPOINT = 256  # rows a connection changes before it asks for a checkpoint
# SQLite's own automatic checkpoint stays on, higher than its default of 1000 pages (4 MB), for
# writes that never ask (other programs, a process whose thread could not keep up).
AUTOMATIC_CHECKPOINT_PAGES = 8000


class Checkpointer:
    """One thread that checkpoints the database at `path` whenever it is asked to."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.asked = threading.Event()
        self.done = 0  # checkpoints run; for tests
        self.thread = threading.Thread(
            target=self._run, name=f"sqlite-checkpoint {os.path.basename(path)}", daemon=True
        )
        self.thread.start()

    def ask(self) -> None:
        self.asked.set()

    def _run(self) -> None:
        connection: sqlite3.Connection | None = None
        while True:
            self.asked.wait()
            self.asked.clear()
            try:
                if connection is None:
                    connection = sqlite3.connect(self.path, timeout=20, isolation_level=None)
                connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            except sqlite3.Error:
                # The next request tries again; until then the log only grows (and SQLite's own
                # checkpoint bounds it).
                logger.warning("checkpoint of %s failed", self.path, exc_info=True)
                if connection is not None:
                    connection.close()
                connection = None
            self.done += 1


_checkpointers: dict[tuple[int, str], Checkpointer] = {}
_lock = threading.Lock()


def checkpointer(path: str) -> Checkpointer:
    """This process's checkpointer for the database at `path` (a forked child makes its own)."""
    key = (os.getpid(), path)
    found = _checkpointers.get(key)
    if found is None:
        with _lock:
            found = _checkpointers.get(key)
            if found is None:
                found = _checkpointers[key] = Checkpointer(path)
    return found
