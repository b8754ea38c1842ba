"""On SQLite, write-ahead log checkpoints run in a thread, after the write lock is released."""

from __future__ import annotations

import time

import pytest
from django.db import connection, transaction

from deskline.core.sqlite import base
from deskline.core.sqlite.checkpoints import checkpointer
from deskline.tickets.models import Label

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _sqlite_only() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the checkpoints are the SQLite backend's")


def test_enough_changes_wake_the_checkpointer(monkeypatch):
    monkeypatch.setattr(base, "CHANGES_PER_CHECKPOINT", 50)
    connection.ensure_connection()
    path = str(connection.settings_dict["NAME"])
    thread = checkpointer(path)
    done = thread.done

    with transaction.atomic():
        Label.objects.bulk_create([Label(name=f"label-{n}") for n in range(60)])

    deadline = time.monotonic() + 10
    while thread.done == done and time.monotonic() < deadline:
        time.sleep(0.01)
    assert thread.done > done, "the checkpointer was not asked"
    assert thread.thread.is_alive()


def test_few_changes_do_not_ask_for_a_checkpoint(monkeypatch):
    monkeypatch.setattr(base, "CHANGES_PER_CHECKPOINT", 1000)
    connection.ensure_connection()
    thread = checkpointer(str(connection.settings_dict["NAME"]))
    asked: list[bool] = []
    # Counted at the asking end: the thread may still be finishing an earlier test's checkpoint.
    monkeypatch.setattr(thread, "ask", lambda: asked.append(True))
    with transaction.atomic():
        Label.objects.create(name="one")
    assert asked == []
    with transaction.atomic():
        Label.objects.bulk_create([Label(name=f"label-{n}") for n in range(1000)])
    assert asked == [True]


def test_automatic_checkpoints_are_set_higher_than_sqlites_default():
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        assert cursor.fetchone()[0] == base.AUTOMATIC_CHECKPOINT_PAGES
