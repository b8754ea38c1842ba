"""Uploads no ticket claimed: a quota per person while they wait, and the worker removes them
after a day (rows and stored files), exactly once however many workers run."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import time_machine
from django.utils import translation

from deskline.core.errors import ValidationFailed
from deskline.testing.concurrency import run_together
from deskline.testing.factories import ApiClient, make_ticket
from deskline.testing.scenario import Helpdesk, build_helpdesk, row_counts
from deskline.tickets.actions import (
    attachment_upload,
    pending_uploads,
    ticket_comment,
    unclaimed_upload_remove,
    unclaimed_uploads_remove,
)
from deskline.tickets.models import Attachment
from deskline.tickets.tasks import unclaimed_uploads

MONDAY = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)


def _stored_files(settings) -> list[Path]:
    media = Path(settings.MEDIA_ROOT)
    return sorted(path for path in media.rglob("*") if path.is_file()) if media.exists() else []


def _upload(user, name: str = "log.txt", content: bytes = b"timeout\n") -> Attachment:
    return attachment_upload(actor=user, filename=name, content=content)


# --- the quota ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_quota_refuses_the_file_after_the_last_one_allowed(helpdesk: Helpdesk, settings):
    settings.DESKLINE_PENDING_UPLOADS_MAX_COUNT = 3
    for number in range(3):
        _upload(helpdesk.alice, f"{number}.txt")
    before, files = row_counts(), _stored_files(settings)

    with pytest.raises(ValidationFailed) as refused:
        _upload(helpdesk.alice, "fourth.txt")

    assert (refused.value.code, refused.value.status) == ("upload_quota_exceeded", 429)
    assert list(refused.value.fields) == ["file"]
    assert row_counts() == before
    assert _stored_files(settings) == files
    assert pending_uploads(helpdesk.alice) == (3, 3 * len(b"timeout\n"))


@pytest.mark.django_db
def test_the_quota_counts_bytes_too(helpdesk: Helpdesk, settings):
    settings.DESKLINE_PENDING_UPLOADS_MAX_BYTES = 100
    _upload(helpdesk.alice, "a.txt", b"x" * 60)

    with pytest.raises(ValidationFailed) as refused:
        _upload(helpdesk.alice, "b.txt", b"x" * 41)

    assert refused.value.code == "upload_quota_exceeded"
    assert _upload(helpdesk.alice, "c.txt", b"x" * 40).size == 40
    assert pending_uploads(helpdesk.alice) == (2, 100)


@pytest.mark.django_db
def test_claimed_files_and_other_peoples_files_do_not_count(helpdesk: Helpdesk, settings):
    settings.DESKLINE_PENDING_UPLOADS_MAX_COUNT = 2
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    first, second = _upload(helpdesk.alice, "1.txt"), _upload(helpdesk.alice, "2.txt")
    ticket_comment(
        actor=helpdesk.alice, ticket=ticket, body="logs", attachment_ids=[first.pk, second.pk]
    )

    _upload(helpdesk.alice, "3.txt")
    _upload(helpdesk.alice, "4.txt")
    _upload(helpdesk.bob, "bobs.txt")

    assert pending_uploads(helpdesk.alice) == (2, 2 * len(b"timeout\n"))
    assert pending_uploads(helpdesk.bob) == (1, len(b"timeout\n"))


@pytest.mark.django_db
def test_the_api_refuses_with_429_in_the_callers_language(helpdesk: Helpdesk, settings):
    settings.DESKLINE_PENDING_UPLOADS_MAX_COUNT = 1
    alice = ApiClient(helpdesk.alice)
    assert alice.upload("first.txt", b"one").status_code == 201
    before, files = row_counts(), _stored_files(settings)

    english = alice.upload("second.txt", b"two")
    alice.headers["Accept-Language"] = "zh-hans"
    chinese = alice.upload("second.txt", b"two")

    assert english.status_code == chinese.status_code == 429
    assert english.json()["code"] == chinese.json()["code"] == "upload_quota_exceeded"
    assert english.json()["message"].startswith("You have too many files waiting to be sent")
    assert "at most 1 files or 50.0 MB" in english.json()["message"]
    assert chinese.json()["message"].startswith("待发送的文件过多")
    assert chinese.json()["fields"] == {"file": [chinese.json()["message"]]}
    assert row_counts() == before
    assert _stored_files(settings) == files


@pytest.mark.django_db
def test_a_reply_with_more_files_than_the_quota_is_refused_next_to_the_field(
    helpdesk: Helpdesk, settings
):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    settings.DESKLINE_PENDING_UPLOADS_MAX_COUNT = 2
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    client = Client()
    client.force_login(helpdesk.alice)
    before = row_counts()

    response = client.post(
        f"/requests/{ticket.key}/comments/",
        {
            "body": "Three logs",
            "attachments": [SimpleUploadedFile(f"{n}.txt", b"log") for n in range(3)],
        },
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert response.status_code == 400
    assert "待发送的文件过多" in response.content.decode()
    assert row_counts() == before
    assert _stored_files(settings) == []
    translation.deactivate()


UPLOADERS = 8


def _together(work: Callable[[int], object]) -> tuple[list[object], list[BaseException]]:
    return run_together(work, UPLOADERS)


def test_parallel_uploads_never_pass_the_quota(transactional_db, settings):
    # Eight uploads of one person at the same moment, with room for three: exactly three are
    # kept, on both databases (the quota is checked under a lock of the person's row).
    settings.DESKLINE_PENDING_UPLOADS_MAX_COUNT = 3
    helpdesk = build_helpdesk()

    results, errors = _together(lambda n: _upload(helpdesk.alice, f"{n}.txt", b"x" * (n + 1)))

    assert len(results) == 3, [repr(error)[:200] for error in errors]
    assert len(errors) == UPLOADERS - 3
    assert all(
        isinstance(error, ValidationFailed) and error.code == "upload_quota_exceeded"
        for error in errors
    )
    assert Attachment.objects.filter(uploaded_by=helpdesk.alice).count() == 3
    assert len(_stored_files(settings)) == 3


def test_the_quota_is_read_from_the_environment():
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'deskline.settings'; "
        "from django.conf import settings; "
        "print(settings.DESKLINE_PENDING_UPLOADS_MAX_COUNT, "
        "settings.DESKLINE_PENDING_UPLOADS_MAX_BYTES)"
    )

    def run(**env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert run().stdout.split() == ["20", str(50 * 1024 * 1024)]
    assert run(
        DESKLINE_PENDING_UPLOADS_MAX_COUNT="5", DESKLINE_PENDING_UPLOADS_MAX_BYTES="1000"
    ).stdout.split() == ["5", "1000"]
    malformed = run(DESKLINE_PENDING_UPLOADS_MAX_COUNT="many")
    assert malformed.returncode != 0
    assert "DESKLINE_PENDING_UPLOADS_MAX_COUNT must be a whole number" in malformed.stderr


# --- the cleanup ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_upload_unclaimed_for_more_than_a_day_is_removed_with_its_file(
    helpdesk: Helpdesk, settings, django_capture_on_commit_callbacks
):
    with time_machine.travel(MONDAY, tick=False):
        forgotten = _upload(helpdesk.alice)
    stored = Path(settings.MEDIA_ROOT) / forgotten.file.name
    assert stored.exists()

    with (
        time_machine.travel(MONDAY + 24 * HOUR, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert unclaimed_uploads_remove() == 0  # exactly a day: not yet
    assert Attachment.objects.filter(pk=forgotten.pk).exists() and stored.exists()

    with (
        time_machine.travel(MONDAY + 24 * HOUR + datetime.timedelta(seconds=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert unclaimed_uploads_remove() == 1
        assert unclaimed_uploads_remove() == 0  # again: nothing more to do

    assert not Attachment.objects.filter(pk=forgotten.pk).exists()
    assert not stored.exists()


@pytest.mark.django_db
def test_a_claimed_file_is_never_removed_however_old(
    helpdesk: Helpdesk, settings, django_capture_on_commit_callbacks
):
    with time_machine.travel(MONDAY, tick=False):
        ticket = make_ticket(
            desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
        )
        kept = _upload(helpdesk.alice, "kept.txt")
        ticket_comment(actor=helpdesk.alice, ticket=ticket, body="log", attachment_ids=[kept.pk])
        forgotten = _upload(helpdesk.alice, "forgotten.txt")

    with (
        time_machine.travel(MONDAY + 30 * 24 * HOUR, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert unclaimed_uploads_remove() == 1

    assert list(Attachment.objects.values_list("pk", flat=True)) == [kept.pk]
    assert (Path(settings.MEDIA_ROOT) / kept.file.name).exists()
    assert not Attachment.objects.filter(pk=forgotten.pk).exists()


@pytest.mark.django_db
def test_a_stored_file_shared_by_two_rows_stays_until_the_last_row_goes(
    helpdesk: Helpdesk, settings, django_capture_on_commit_callbacks
):
    # Two uploads of the same bytes are stored under one content-named file (as a storage that
    # deduplicates would): the file must outlive the first row removed.
    with time_machine.travel(MONDAY, tick=False):
        first = _upload(helpdesk.alice, "a.txt", b"same bytes")
    with time_machine.travel(MONDAY + 12 * HOUR, tick=False):
        second = _upload(helpdesk.bob, "b.txt", b"same bytes")
    own_file = Path(settings.MEDIA_ROOT) / second.file.name
    Attachment.objects.filter(pk=second.pk).update(file=first.file.name)
    own_file.unlink()
    shared = Path(settings.MEDIA_ROOT) / first.file.name
    assert first.sha256 == second.sha256

    with (
        time_machine.travel(MONDAY + 30 * HOUR, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert unclaimed_uploads_remove() == 1  # the first; the second is 18 hours old
    assert shared.exists()
    assert list(Attachment.objects.values_list("pk", flat=True)) == [second.pk]

    with (
        time_machine.travel(MONDAY + 40 * HOUR, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert unclaimed_uploads_remove() == 1
    assert not shared.exists()
    assert Attachment.objects.count() == 0


@pytest.mark.django_db
def test_a_file_claimed_after_the_worker_listed_it_stays(
    helpdesk: Helpdesk, settings, django_capture_on_commit_callbacks
):
    with time_machine.travel(MONDAY, tick=False):
        late = _upload(helpdesk.alice)
        ticket = make_ticket(
            desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
        )
    cutoff = MONDAY + HOUR  # the worker listed it as due ...
    ticket_comment(actor=helpdesk.alice, ticket=ticket, body="log", attachment_ids=[late.pk])

    with django_capture_on_commit_callbacks(execute=True):  # ... and reaches it after the claim
        assert unclaimed_upload_remove(attachment_id=late.pk, cutoff=cutoff) is False

    assert Attachment.objects.get(pk=late.pk).ticket_id == ticket.pk
    assert (Path(settings.MEDIA_ROOT) / late.file.name).exists()


@pytest.mark.django_db
def test_the_worker_removes_a_batch_at_a_time_oldest_first(
    helpdesk: Helpdesk, settings, django_capture_on_commit_callbacks
):
    settings.DESKLINE_PENDING_UPLOADS_MAX_COUNT = 10
    uploads = []
    for hour in range(5):
        with time_machine.travel(MONDAY + hour * HOUR, tick=False):
            uploads.append(_upload(helpdesk.alice, f"{hour}.txt", f"{hour}".encode()))

    with (
        time_machine.travel(MONDAY + 48 * HOUR, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert unclaimed_uploads_remove(limit=2) == 2
        left = list(Attachment.objects.order_by("id").values_list("pk", flat=True))
        assert left == [upload.pk for upload in uploads[2:]]
        assert unclaimed_uploads_remove(limit=2) == 2
        assert unclaimed_uploads_remove(limit=2) == 1
    assert _stored_files(settings) == []


def test_two_workers_at_once_remove_each_upload_exactly_once(transactional_db, settings):
    settings.DESKLINE_PENDING_UPLOADS_MAX_COUNT = 100
    helpdesk = build_helpdesk()
    with time_machine.travel(MONDAY, tick=False):
        for number in range(30):
            _upload(helpdesk.alice, f"{number}.txt", f"file {number}".encode())
    assert len(_stored_files(settings)) == 30

    with time_machine.travel(MONDAY + 25 * HOUR, tick=False):
        results, errors = _together(lambda _n: unclaimed_uploads_remove())

    assert errors == []
    assert sum(results) == 30  # type: ignore[arg-type]
    assert Attachment.objects.count() == 0
    assert _stored_files(settings) == []


@pytest.mark.django_db
def test_the_worker_job_runs_every_ten_minutes_and_removes_old_uploads(
    helpdesk: Helpdesk, django_capture_on_commit_callbacks
):
    with time_machine.travel(MONDAY, tick=False):
        _upload(helpdesk.alice)

    with (
        time_machine.travel(MONDAY + 25 * HOUR, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        unclaimed_uploads.call_local()

    assert Attachment.objects.count() == 0
    assert unclaimed_uploads.name == "unclaimed_uploads"
    task = unclaimed_uploads.s()
    assert task.validate_datetime(datetime.datetime(2026, 3, 2, 9, 10))
    assert not task.validate_datetime(datetime.datetime(2026, 3, 2, 9, 15))
