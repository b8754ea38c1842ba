"""Test set-up shared by every app: database checks and an isolated media folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import translation


@pytest.fixture(autouse=True)
def _media_root(settings: pytest.FixtureRequest, tmp_path: Path) -> Iterator[None]:
    settings.MEDIA_ROOT = tmp_path / "media"  # type: ignore[attr-defined]
    yield


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """The cache counts e-mails per address and client (accounts.throttle): each test starts
    with none counted."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _english_after_each_test() -> Iterator[None]:
    """A request in Chinese leaves Chinese active in its thread: each test starts afresh."""
    yield
    translation.deactivate()


@pytest.fixture(scope="session", autouse=True)
def _database_is_utf8(django_db_setup: None, django_db_blocker: pytest.FixtureRequest) -> None:
    """Chinese text search depends on a UTF-8 database; fail loudly when it is not."""
    with django_db_blocker.unblock():  # type: ignore[attr-defined]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SHOW server_encoding")
                encoding = cursor.fetchone()[0]
                cursor.execute(
                    "SELECT datctype FROM pg_database WHERE datname = current_database()"
                )
                ctype = cursor.fetchone()[0]
            assert encoding == "UTF8", encoding
            assert "utf" in ctype.lower().replace("-", ""), ctype


@pytest.fixture(scope="session", autouse=True)
def _jobs_run_in_memory() -> Iterator[None]:
    """Huey runs each job as it is queued, in the test's process and memory (scheduled ones
    wait in memory): a test never writes to the real queue."""
    from huey.contrib.djhuey import HUEY

    was = HUEY.immediate
    HUEY.immediate = True
    try:
        yield
    finally:
        HUEY.immediate = was


@pytest.fixture(autouse=True)
def _no_jobs_left_over() -> Iterator[None]:
    """Each test starts with no scheduled job of the one before."""
    yield
    from huey.contrib.djhuey import HUEY

    HUEY.flush()
