"""Checking an uploaded file: its size, and its real type sniffed from its bytes, not its name."""

from __future__ import annotations

import mimetypes
import re
import unicodedata
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
# Names that run something when opened (double-clicked) on a desktop with its usual software,
# after what mail gateways refuse (Outlook's "Level 1" list, Gmail's blocked types); the reasons
# for each group, and what is left out on purpose, are in docs/adr/0011-attachments.md.
FORBIDDEN_EXTENSIONS = frozenset(
    {
        # Windows programs, libraries, drivers, installers and their patches and packages
        ".exe", ".com", ".scr", ".pif", ".dll", ".ocx", ".sys", ".drv", ".cpl", ".xll", ".msi",
        ".msp", ".mst", ".msu", ".msix", ".msixbundle", ".appx", ".appxbundle", ".cab",
        ".gadget", ".ex_",
        # Windows script hosts: batch, VBScript, JScript, Windows Script Files and components
        ".bat", ".cmd", ".vb", ".vbs", ".vbe", ".js", ".jse", ".mjs", ".ws", ".wsf", ".wsc",
        ".wsh", ".sct", ".hta", ".htc", ".shb", ".shs",
        # PowerShell and Monad scripts, modules, data and configuration files
        ".ps1", ".ps1xml", ".ps2", ".ps2xml", ".psc1", ".psc2", ".psd1", ".psm1", ".psdm1",
        ".msh", ".msh1", ".msh2", ".mshxml", ".msh1xml", ".msh2xml",
        # Shortcuts and shell files that point at or start a program, or change the system
        ".lnk", ".url", ".website", ".scf", ".inf", ".ins", ".isp", ".reg", ".library-ms",
        ".settingcontent-ms", ".search-ms", ".searchconnector-ms", ".appref-ms",
        ".appcontent-ms", ".application", ".xbap", ".wsb", ".job", ".iqy", ".slk",
        # Management consoles, compiled help, diagnostics packages
        ".msc", ".chm", ".hlp", ".hpj", ".diagcab", ".diagcfg", ".diagpack",
        # Disk images: they mount on a double-click, and the files inside lose the mark of the
        # web (Windows' "downloaded from the internet" warning)
        ".iso", ".img", ".vhd", ".vhdx", ".dmg",
        # Java, Python and Perl programs (run by their runtime when it is installed)
        ".jar", ".jnlp", ".py", ".pyw", ".pyz", ".pyzw", ".pyc", ".pyo", ".pl",
        # Unix and macOS: shell scripts, programs, installers, launchers
        ".sh", ".bash", ".csh", ".ksh", ".command", ".tool", ".app", ".pkg", ".mpkg", ".run",
        ".desktop", ".elf", ".so", ".dylib",
        # Mobile app packages
        ".apk", ".ipa",
    }
)  # fmt: skip
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


NAME_MAX = 255
# Windows drops dots and spaces at the end of a name: "a.exe." and "a.exe " are saved as a.exe.
_TRAILING_DOTS_AND_SPACES = re.compile(r"[\s.]+$")


def clean_filename(filename: str) -> str:
    """The name an upload is stored under: its last path part, without control and format
    characters (line breaks, a right-to-left override that shows "fdp.exe" as "exe.pdf",
    zero-width spaces) or trailing dots and spaces, at most 255 characters with its extension."""
    name = (filename or "").replace("\\", "/").split("/")[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    name = _TRAILING_DOTS_AND_SPACES.sub("", name.strip())
    if len(name) > NAME_MAX:
        stem, dot, extension = name.rpartition(".")
        if dot and stem and len(extension) < 32:
            name = _TRAILING_DOTS_AND_SPACES.sub("", stem[: NAME_MAX - len(extension) - 1])
            name = f"{name}.{extension}"
        else:
            name = name[:NAME_MAX]
    return name


def _extension(name: str) -> str:
    return ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""


def is_forbidden_name(name: str) -> bool:
    """True when the (cleaned) name is one that runs when opened: its extension, or the
    extension before an NTFS stream suffix ("a.exe:stream"), is in FORBIDDEN_EXTENSIONS."""
    before_stream = _TRAILING_DOTS_AND_SPACES.sub("", name.split(":", 1)[0])
    return _extension(name) in FORBIDDEN_EXTENSIONS or (
        _extension(before_stream) in FORBIDDEN_EXTENSIONS
    )


def check_upload(filename: str, size: int, head: bytes) -> CheckedFile:
    """Validate an upload from its name, size and first bytes; raise ValidationFailed if unsafe.

    The stored content type is the sniffed one; a file whose bytes say something other than its
    name (an executable called invoice.pdf) is refused as disguised, and so is a name that runs
    when opened, whatever its bytes (see FORBIDDEN_EXTENSIONS).
    """
    name = clean_filename(filename)
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
    sniffed = _sniff(head)
    if (
        is_forbidden_name(name)
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
