"""Uploading files before they are attached to a ticket, a comment or a form field."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Router, Status
from ninja.files import UploadedFile

from deskline.api.auth import caller
from deskline.api.schemas import AttachmentOut, ErrorOut, attachment_out
from deskline.core.errors import ValidationFailed
from deskline.tickets.actions import attachment_upload

router = Router(tags=["attachments"])


@router.post(
    "/attachments", response={201: AttachmentOut, 400: ErrorOut, 401: ErrorOut, 413: ErrorOut}
)
def upload_attachment(request: HttpRequest, file: File[UploadedFile | None] = None) -> Any:
    """Upload one file (multipart field `file`); use the returned id in a comment or field."""
    if file is None:
        raise ValidationFailed(
            _("Send the file in the multipart field 'file'."),
            code="attachment_missing",
            fields={"file": [_("Choose a file.")]},
        )
    attachment = attachment_upload(
        actor=caller(request),
        filename=file.name or "",
        content=file.file,  # type: ignore[arg-type]  # Django's File wraps a binary stream size=file.size
    )
    return Status(201, attachment_out(attachment))
