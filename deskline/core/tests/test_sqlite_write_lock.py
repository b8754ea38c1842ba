"""On SQLite, writes queue on a file lock beside the database (core/sqlite), for at most the
busy timeout."""

from __future__ import annotations

import contextlib
import fcntl
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import DEFAULT_DB_ALIAS, OperationalError, connection, connections, transaction
from django.db.backends.sqlite3 import base as sqlite_base
from django.test import Client

from deskline.accounts.models import Organization
from deskline.core.sqlite import base
from deskline.testing.factories import DEFAULT_PASSWORD, ApiClient
from deskline.testing.scenario import build_helpdesk

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _sqlite_only() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the write lock is the SQLite backend's")


def _is_locked() -> bool:
    descriptor = os.open(f"{connection.settings_dict['NAME']}-writelock", os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(descriptor)
    return False


def test_a_write_transaction_holds_the_lock_until_it_commits():
    assert not _is_locked()
    with transaction.atomic():
        Organization.objects.create(name="Acme")
        assert _is_locked()
    assert not _is_locked()
    assert Organization.objects.filter(name="Acme").exists()


def test_a_rolled_back_transaction_releases_the_lock():
    with pytest.raises(RuntimeError), transaction.atomic():
        Organization.objects.create(name="Acme")
        raise RuntimeError
    assert not _is_locked()
    assert not Organization.objects.exists()


def test_a_second_writer_waits_for_the_first_and_then_writes():
    # SQLite alone would also make it wait; this fails when the lock is not handed on (the
    # second writer would hang until the join gives up and never write).
    order: list[str] = []
    started = threading.Event()

    def second() -> None:
        try:
            started.set()
            with transaction.atomic():
                order.append("second")
                Organization.objects.create(name="Second")
        finally:
            connection.close()

    with transaction.atomic():
        Organization.objects.create(name="First")
        thread = threading.Thread(target=second)
        thread.start()
        started.wait(timeout=10)
        time.sleep(0.2)  # long enough for the second writer to be queued on the lock
        order.append("first")
    thread.join(timeout=30)

    assert order == ["first", "second"]
    assert set(Organization.objects.values_list("name", flat=True)) == {"First", "Second"}


# The wait for the lock is bounded, and writes outside a transaction queue too.

LOCK_WAIT = 0.5  # seconds: the busy timeout these tests give the connections


@pytest.fixture
def short_timeout(monkeypatch: pytest.MonkeyPatch) -> float:
    """Every connection (each thread's too: they share the settings) waits LOCK_WAIT seconds
    for the lock, and SQLite's own busy timeout is as short once they reconnect."""
    monkeypatch.setitem(connection.settings_dict["OPTIONS"], "timeout", LOCK_WAIT)
    connection.close()
    return LOCK_WAIT


def _lock_path() -> str:
    return f"{connection.settings_dict['NAME']}-writelock"


@contextlib.contextmanager
def _lock_held_elsewhere() -> Iterator[None]:
    """A stuck writer: another open file holds the write lock until the block ends."""
    descriptor = os.open(_lock_path(), os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def _in_a_thread(write: Callable[[], object], within: float = 15) -> BaseException | None:
    """Run `write` on a connection of its own; the error it raised, or None. Fails when it was
    still waiting after `within` seconds (the lock is let go after that, so it ends)."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            write()
        except BaseException as error:  # asserted on by the caller
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout=within)
    if thread.is_alive():
        raise AssertionError(f"the writer was still waiting for the lock after {within} s")
    return errors[0] if errors else None


def _assert_names_the_lock(error: BaseException | None) -> None:
    assert isinstance(error, OperationalError), error
    message = str(error)
    assert message.startswith("database is locked"), message
    assert _lock_path() in message, message
    assert f"waited {LOCK_WAIT:g} s" in message, message
    assert "OPTIONS['timeout']" in message, message


def _wait_until_a_writer_queues(deadline: float) -> None:
    while time.monotonic() < deadline:
        if any(thread.name == "sqlite-write-lock-wait" for thread in threading.enumerate()):
            return
        time.sleep(0.005)
    raise AssertionError("no writer queued on the write lock")


def test_a_transaction_behind_a_stuck_writer_gives_up_after_the_busy_timeout(short_timeout):
    def write() -> None:
        with transaction.atomic():
            Organization.objects.create(name="Acme")

    with _lock_held_elsewhere():
        error = _in_a_thread(write)

    _assert_names_the_lock(error)
    assert not Organization.objects.exists()
    assert _is_let_go()


def _is_let_go(within: float = 10) -> bool:
    """Whether the lock is free, or soon: a writer that gave up still waits in its thread, takes
    the lock when the stuck writer lets it go, and lets it go at once."""
    deadline = time.monotonic() + within
    while _is_locked():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


def test_a_writer_that_gave_up_can_write_once_the_lock_is_free(short_timeout):
    outcomes: list[str] = []
    gave_up = threading.Event()

    def write_twice() -> None:
        try:
            with transaction.atomic():
                Organization.objects.create(name="Too early")
        except OperationalError:
            outcomes.append("gave up")
        gave_up.set()
        lock_is_free.wait(timeout=30)
        with transaction.atomic():  # the same connection, which gave up once
            Organization.objects.create(name="Acme")
        outcomes.append("written")

    lock_is_free = threading.Event()
    thread = threading.Thread(target=lambda: _closing(write_twice), daemon=True)
    with _lock_held_elsewhere():
        thread.start()
        gave_up.wait(timeout=15)
    lock_is_free.set()
    thread.join(timeout=15)

    assert not thread.is_alive(), "the writer was still waiting for the lock"
    assert outcomes == ["gave up", "written"]
    assert list(Organization.objects.values_list("name", flat=True)) == ["Acme"]
    assert not _is_locked()


def test_a_write_outside_a_transaction_waits_for_the_lock_too(short_timeout):
    # Before, a save() outside atomic went straight to SQLite, past the queue.
    with _lock_held_elsewhere():
        error = _in_a_thread(lambda: Organization.objects.create(name="Acme"))

    _assert_names_the_lock(error)
    assert not Organization.objects.exists()


def test_an_update_outside_a_transaction_behind_another_process_gives_up(short_timeout, tmp_path):
    Organization.objects.create(name="Acme")
    holder = _hold_a_write_transaction_in_another_process(tmp_path)
    try:
        error = _in_a_thread(lambda: Organization.objects.update(time_zone="Asia/Shanghai"))
    finally:
        holder.stdin.close()  # type: ignore[union-attr]
        holder.wait(timeout=60)

    _assert_names_the_lock(error)
    assert list(Organization.objects.values_list("name", "time_zone")) == [
        ("Acme", "UTC"),
        ("Held", "UTC"),
    ]
    assert Organization.objects.update(time_zone="Asia/Shanghai") == 2
    assert _is_let_go()


HOLD = """
import sys
import django
django.setup()
from django.db import transaction
from deskline.accounts.models import Organization
with transaction.atomic():
    Organization.objects.create(name="Held")
    print("holding", flush=True)
    sys.stdin.read()  # until the test closes it
"""


def _hold_a_write_transaction_in_another_process(tmp_path: Path) -> subprocess.Popen[str]:
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{connection.settings_dict['NAME']}",
        "DJANGO_SETTINGS_MODULE": "deskline.settings",
        "DESKLINE_VAR_DIR": str(tmp_path),
    }
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD],
        env=environment,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "holding"
    return holder


def test_a_write_outside_a_transaction_queues_behind_a_transaction_and_then_writes():
    started = threading.Event()
    written: list[str] = []

    def second() -> None:
        started.set()
        Organization.objects.create(name="Second")  # autocommit: no atomic
        written.append("second")

    with transaction.atomic():
        Organization.objects.create(name="First")
        thread = threading.Thread(target=lambda: _closing(second))
        thread.start()
        started.wait(timeout=10)
        _wait_until_a_writer_queues(time.monotonic() + 10)
        written.append("first")
    thread.join(timeout=30)

    assert written == ["first", "second"]
    names = list(Organization.objects.order_by("id").values_list("name", flat=True))
    assert names == ["First", "Second"]
    assert not _is_locked()


def _closing(function: Callable[[], object]) -> None:
    try:
        function()
    finally:
        connection.close()


def test_a_statement_outside_a_transaction_lets_the_lock_go_when_it_ends():
    organization = Organization.objects.create(name="Acme")  # INSERT ... RETURNING
    assert organization.pk is not None
    assert not _is_locked()
    assert Organization.objects.filter(pk=organization.pk).update(name="Globex") == 1
    assert not _is_locked()
    with connection.cursor() as cursor:
        table = Organization._meta.db_table
        cursor.execute(
            f'INSERT INTO "{table}" (name, time_zone, created_at) '
            "VALUES (%s, 'UTC', '2026-01-01 00:00:00'), (%s, 'UTC', '2026-01-01 00:00:00') "
            "RETURNING name",
            ["One", "Two"],
        )
        assert not _is_locked()  # the rows were read at once and the statement committed
        assert [row[0] for row in cursor] == ["One", "Two"]
        assert cursor.fetchone() is None
    assert Organization.objects.count() == 3


@pytest.mark.parametrize(
    ("sql", "writes"),
    [
        ('INSERT INTO "t" VALUES (1)', True),
        ('  update "t" SET a = 1', True),
        ('DELETE FROM "t"', True),
        ('REPLACE INTO "t" VALUES (1)', True),
        ('CREATE INDEX "i" ON "t" (a)', True),
        ('WITH n AS (SELECT 1) INSERT INTO "t" SELECT * FROM n', True),
        ('SELECT * FROM "t"', False),
        ("WITH n AS (SELECT 1) SELECT * FROM n", False),
        ("PRAGMA foreign_keys", False),
        ("BEGIN IMMEDIATE", False),
    ],
)
def test_which_statements_take_the_lock(sql, writes):
    assert base.is_write(sql) is writes


def test_a_writer_interrupted_while_it_waits_leaves_the_lock_free(monkeypatch):
    def interrupted(self: object, timeout: float) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(base._LockWaiter, "wait", interrupted)
    wrapper: Any = connections[DEFAULT_DB_ALIAS]
    wrapper.ensure_connection()
    with _lock_held_elsewhere():
        with pytest.raises(KeyboardInterrupt):
            wrapper._take_write_lock()
        waiting = [t for t in threading.enumerate() if t.name == "sqlite-write-lock-wait"]
        assert waiting

    # Its waiting thread gets the lock from the stuck writer, and lets it go at once.
    for thread in waiting:
        thread.join(timeout=10)
    assert not any(thread.is_alive() for thread in waiting)
    assert not _is_locked()
    assert wrapper._write_lock is None


def test_every_write_of_a_create_a_sign_in_and_an_update_runs_under_the_lock(monkeypatch):
    # Given a spy on each statement SQLite is given, noting whether the lock was held
    unlocked: list[str] = []
    writes: list[str] = []
    execute = sqlite_base.SQLiteCursorWrapper.execute

    def spy(cursor: Any, query: str, params: Any = None) -> Any:
        if base.is_write(query):
            writes.append(query)
            database = getattr(cursor, "database", None)
            if database is None or database._write_lock is None:
                unlocked.append(query)
        return execute(cursor, query, params)

    helpdesk = build_helpdesk()
    api = ApiClient(helpdesk.alice)
    monkeypatch.setattr(sqlite_base.SQLiteCursorWrapper, "execute", spy)

    # When a ticket is raised through the API (its token's last use is recorded outside any
    # transaction), a person signs in (their last sign-in too), and rows are updated in bulk
    response = api.post(
        "/tickets",
        {"desk": "IT", "request_type": helpdesk.password_reset.pk, "summary": "VPN is down"},
    )
    assert response.status_code == 201, response.content
    signed_in = Client().post(
        "/accounts/login/", {"username": helpdesk.li.email, "password": DEFAULT_PASSWORD}
    )
    assert signed_in.status_code == 302, signed_in.content
    Organization.objects.update(time_zone="Asia/Shanghai")

    # Then every one of their writes ran under the lock
    assert len(writes) >= 5
    assert unlocked == []
    assert not _is_locked()
