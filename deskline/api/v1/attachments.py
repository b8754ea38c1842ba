"""Uploading files before they are attached to a ticket, a comment or a form field, and
downloading the files of a ticket."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Router, Status
from ninja.files import UploadedFile

from deskline.api.auth import caller
from deskline.api.schemas import AttachmentOut, ErrorOut, attachment_out
from deskline.core.downloads import file_response
from deskline.core.errors import ValidationFailed
from deskline.tickets import selectors
from deskline.tickets.access import access_ticket
from deskline.tickets.actions import attachment_upload

router = Router(tags=["attachments"])


@router.post(
    "/attachments",
    response={201: AttachmentOut, 400: ErrorOut, 401: ErrorOut, 413: ErrorOut, 429: ErrorOut},
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
        content=file.file,  # type: ignore[arg-type]  # Django's File wraps a binary stream
        size=file.size,
    )
    return Status(201, attachment_out(attachment))


_FILE_RESPONSE = {
    "description": "The file's bytes (`Content-Disposition` gives its name).",
    "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
}


@router.get(
    "/tickets/{key}/attachments/{attachment_id}",
    response={400: ErrorOut, 401: ErrorOut, 404: ErrorOut},
    url_name="ticket_attachment",
    openapi_extra={"responses": {"200": _FILE_RESPONSE}},
)
def download_attachment(request: HttpRequest, key: str, attachment_id: int) -> FileResponse:
    """Download a file of a ticket the caller may read: a comment's or a form field's (never
    one of an internal note for a customer). Its `url` in the comment's `attachments`."""
    user = caller(request)
    ticket = access_ticket(user, key)
    found = selectors.ticket_attachment(user=user, ticket=ticket, attachment_id=attachment_id)
    return file_response(found)
