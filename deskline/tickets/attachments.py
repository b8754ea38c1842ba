"""Checking an uploaded file: its size, and its real type sniffed from its bytes, not its name."""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass

import puremagic
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from deskline.core.errors import ValidationFailed

# Files that run when opened are refused whatever they are called.
FORBIDDEN_TYPES = {
    "application/x-msdownload", "application/x-dosexec", "application/x-executable",
    "application/x-elf", "application/x-mach-binary", "application/x-sharedlib",
    "application/vnd.microsoft.portable-executable", "application/x-msi",
    "application/java-archive", "application/x-sh", "application/x-shellscript",
    "application/x-bat", "application/x-msdos-program",
}  # fmt: skip
FORBIDDEN_EXTENSIONS = {
    ".exe", ".dll", ".com", ".bat", ".cmd", ".msi", ".scr", ".ps1", ".vbs", ".js", ".jar", ".sh",
    ".app", ".elf", ".so", ".dylib", ".cpl", ".hta", ".pif", ".lnk",
}  # fmt: skip
# Office documents and archives are all ZIP containers; their magic is the same.
ZIP_FAMILY = {
    "application/zip", "application/x-zip-compressed",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
    "application/epub+zip",
}  # fmt: skip
TEXT_LIKE = {"application/json", "application/xml", "application/csv", "image/svg+xml"}


@dataclass(frozen=True)
class CheckedFile:
    filename: str
    content_type: str
    size: int


def _sniff(head: bytes) -> str | None:
    try:
        matches = puremagic.magic_string(head)
    except (puremagic.PureError, ValueError):
        return None
    for match in matches:
        if match.mime_type:
            return str(match.mime_type)
    return None


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character may be cut at the end of the sample.
        return error.start >= len(head) - 3
    return True


def _same_family(claimed: str, sniffed: str) -> bool:
    if claimed == sniffed:
        return True
    if claimed in ZIP_FAMILY and sniffed in ZIP_FAMILY:
        return True
    return (
        claimed.split("/")[0] == "image"
        and sniffed.split("/")[0] == "image"
        and ({claimed, sniffed} <= {"image/jpeg", "image/pjpeg", "image/jpg"})
    )


def check_upload(filename: str, size: int, head: bytes) -> CheckedFile:
    """Validate an upload from its name, size and first bytes; raise ValidationFailed if unsafe.

    The stored content type is the sniffed one; a file whose bytes say something other than its
    name (an executable called invoice.pdf) is refused as disguised.
    """
    name = (filename or "").replace("\\", "/").split("/")[-1].strip()[:255]
    if not name:
        raise ValidationFailed(
            _("The file has no name."),
            code="attachment_invalid",
            fields={"file": [_("The file has no name.")]},
        )
    limit = int(settings.DESKLINE_ATTACHMENT_MAX_BYTES)
    if size > limit:
        message = str(_("The file is larger than the limit of %(mb).1f MB.")) % {
            "mb": limit / 1048576
        }
        raise ValidationFailed(
            message, code="attachment_too_large", fields={"file": [message]}, status=413
        )
    if size == 0:
        raise ValidationFailed(
            _("The file is empty."),
            code="attachment_empty",
            fields={"file": [_("The file is empty.")]},
        )
    extension = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
    sniffed = _sniff(head)
    if (
        extension in FORBIDDEN_EXTENSIONS
        or (sniffed in FORBIDDEN_TYPES)
        or head[:2] == b"MZ"
        or (head[:4] == b"\x7fELF")
    ):
        forbidden = _("Programs and scripts cannot be attached.")
        raise ValidationFailed(forbidden, code="attachment_forbidden", fields={"file": [forbidden]})
    claimed = mimetypes.guess_type(name, strict=False)[0]
    is_text = _looks_like_text(head)
    if claimed is None:
        content_type = sniffed or ("text/plain" if is_text else "application/octet-stream")
    elif claimed.startswith("text/") or claimed in TEXT_LIKE:
        if not is_text:
            raise _disguised(name)
        content_type = claimed
    elif sniffed is None or not _same_family(claimed, sniffed):
        raise _disguised(name)
    else:
        content_type = claimed
    return CheckedFile(filename=name, content_type=content_type, size=size)


def _disguised(name: str) -> ValidationFailed:
    message = _("The content of %(name)s does not match its file type.") % {"name": name}
    return ValidationFailed(message, code="attachment_type_mismatch", fields={"file": [message]})
