"""On SQLite, write transactions queue on a file lock beside the database (core/sqlite)."""

from __future__ import annotations

import fcntl
import os
import threading
import time

import pytest
from django.db import connection, transaction

from deskline.accounts.models import Organization

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
