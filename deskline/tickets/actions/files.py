"""Storing an uploaded file before a ticket, a comment or a form field claims it."""

from __future__ import annotations

import hashlib
from typing import BinaryIO

from django.core.files.base import ContentFile, File
from django.db import transaction

from deskline.accounts.models import User
from deskline.tickets.attachments import check_upload
from deskline.tickets.models import (
    Attachment,
)


def attachment_upload(
    *, actor: User, filename: str, content: BinaryIO | bytes, size: int | None = None
) -> Attachment:
    """Store an uploaded file after checking its size and sniffing its real type.

    The attachment belongs to nobody yet; a ticket, comment or form field claims it by id.
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
    with transaction.atomic():
        attachment.file.save(checked.filename, stored, save=False)
        try:
            attachment.save()
        except Exception:
            attachment.file.delete(save=False)
            raise
    return attachment
