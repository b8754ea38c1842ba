"""Storing an uploaded file before a ticket, a comment or a form field claims it, within each
person's quota of unclaimed uploads, and removing the uploads nobody claimed within a day."""

from __future__ import annotations

import datetime
import hashlib
import logging
from functools import partial
from typing import BinaryIO

from django.conf import settings
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from deskline.accounts.models import User
from deskline.core.errors import ValidationFailed
from deskline.core.time import now
from deskline.tickets.attachments import check_upload
from deskline.tickets.models import Attachment
from deskline.tickets.uploads import release_stored_file

logger = logging.getLogger(__name__)

# An upload nobody claimed for this long is removed by the worker (`tasks.unclaimed_uploads`).
UNCLAIMED_LIFETIME = datetime.timedelta(days=1)
CLEANUP_BATCH = 500


def attachment_upload(
    *, actor: User, filename: str, content: BinaryIO | bytes, size: int | None = None
) -> Attachment:
    """Store an uploaded file after checking its size and sniffing its real type.

    The attachment belongs to nobody yet; a ticket, comment or form field claims it by id. Until
    then it counts towards the actor's quota of unclaimed uploads (`pending_upload_quota`):
    a file beyond it is refused with `upload_quota_exceeded` (429). The quota is checked again
    under a lock of the actor's row just before the row is written, so uploads in parallel never
    leave more than the quota unclaimed.
    """
    if isinstance(content, bytes):
        data: bytes | None = content
        size = len(content)
        head = content[:8192]
    else:
        data = None
        if size is None:
            content.seek(0, 2)
            size = content.tell()
        content.seek(0)
        head = content.read(8192)
        content.seek(0)
    checked = check_upload(filename, size, head)
    # Refuse early, before reading the whole file or storing anything.
    _check_pending_quota(actor, checked.size)
    digest = hashlib.sha256()
    if data is not None:
        digest.update(data)
    else:
        for chunk in iter(lambda: content.read(1 << 20), b""):  # type: ignore[union-attr]
            digest.update(chunk)
        content.seek(0)  # type: ignore[union-attr]
    attachment = Attachment(
        uploaded_by=actor,
        filename=checked.filename,
        content_type=checked.content_type,
        size=checked.size,
        sha256=digest.hexdigest(),
    )
    stored = (
        ContentFile(data, name=checked.filename)
        if data is not None
        else File(content, name=checked.filename)  # type: ignore[arg-type]  # a binary stream
    )
    # The bytes go to storage before the transaction, so that no lock is held while they are
    # written; the storage gives a new file a name no other file has.
    attachment.file.save(checked.filename, stored, save=False)
    try:
        with transaction.atomic():
            # One upload of this person at a time from the count to the insert: on PostgreSQL
            # the row lock (NO KEY: rows that merely reference the person are not blocked), on
            # SQLite the write lock every write transaction takes when it begins.
            list(User.objects.select_for_update(no_key=True).filter(pk=actor.pk).values("pk"))
            _check_pending_quota(actor, checked.size)
            attachment.save()
    except BaseException:
        release_stored_file(attachment.file.name, attachment.sha256)
        raise
    return attachment


def pending_uploads(actor: User) -> tuple[int, int]:
    """How many uploads of `actor` no ticket has claimed yet, and their bytes."""
    totals = Attachment.objects.filter(uploaded_by=actor, ticket__isnull=True).aggregate(
        count=Count("id"), size=Sum("size")
    )
    return int(totals["count"] or 0), int(totals["size"] or 0)


def pending_upload_quota() -> tuple[int, int]:
    """The most unclaimed uploads one person may have: files, and bytes."""
    return (
        int(settings.DESKLINE_PENDING_UPLOADS_MAX_COUNT),
        int(settings.DESKLINE_PENDING_UPLOADS_MAX_BYTES),
    )


def _check_pending_quota(actor: User, size: int) -> None:
    count, used = pending_uploads(actor)
    max_count, max_bytes = pending_upload_quota()
    if count + 1 > max_count or used + size > max_bytes:
        message = _(
            "You have too many files waiting to be sent (at most %(count)d files or "
            "%(mb).1f MB). Send the request or reply they belong to first; files not sent "
            "within a day are removed."
        ) % {"count": max_count, "mb": max_bytes / 1048576}
        raise ValidationFailed(
            message, code="upload_quota_exceeded", fields={"file": [message]}, status=429
        )


def unclaimed_uploads_remove(
    *, at: datetime.datetime | None = None, limit: int = CLEANUP_BATCH
) -> int:
    """Remove the uploads that no ticket claimed within UNCLAIMED_LIFETIME of their upload (as of
    `at`, now by default), at most `limit` of them, oldest first: their rows and their stored
    files. Returns how many were removed; running it again removes nothing more."""
    cutoff = (at or now()) - UNCLAIMED_LIFETIME
    due = list(
        Attachment.objects.filter(ticket__isnull=True, created_at__lt=cutoff)
        .order_by("created_at", "id")
        .values_list("pk", flat=True)[:limit]
    )
    removed = sum(unclaimed_upload_remove(attachment_id=pk, cutoff=cutoff) for pk in due)
    if removed:
        logger.info("Removed %d unclaimed uploads older than %s", removed, cutoff.isoformat())
    return removed


def unclaimed_upload_remove(*, attachment_id: int, cutoff: datetime.datetime) -> bool:
    """Delete the upload `attachment_id` if it is still unclaimed and was uploaded before
    `cutoff`; True when this call deleted it.

    The row is locked with its condition (FOR UPDATE SKIP LOCKED on PostgreSQL, the write lock on
    SQLite): of two workers, or a worker and a request claiming the file, exactly one gets it,
    and a file claimed meanwhile stays. Its stored file goes once the deletion is committed,
    unless another row still uses the same stored file."""
    with transaction.atomic():
        found = (
            Attachment.objects.select_for_update(skip_locked=True)
            .filter(pk=attachment_id, ticket__isnull=True, created_at__lt=cutoff)
            .values_list("file", "sha256")
            .first()
        )
        if found is None:
            return False
        name, sha256 = found
        Attachment.objects.filter(pk=attachment_id).delete()
        transaction.on_commit(partial(release_stored_file, name, sha256))
    return True
