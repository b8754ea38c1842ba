"""Serving an uploaded file to a browser or an API client, so that it can never run as our page.

Every file Deskline serves (help center, workspace, API) leaves through `file_response`. It lives
in core, not in an interface app, because the help center, the workspace and the API may not
import each other (import-linter's layers), and the domain apps may not build HTTP responses;
core sits under all of them and already holds the other request-level helpers (core.links).

What a response promises, whatever the file holds:

- `Content-Type` is the type sniffed and checked at upload (`tickets.attachments`), made safe:
  text gets `charset=utf-8`; markup a browser would run (HTML, SVG, XML, scripts) is served as
  `text/plain`; a malformed type becomes `application/octet-stream`.
- `Content-Disposition: attachment` (a download), except for PNG, JPEG, GIF, WebP images and
  PDF documents, which open in the browser (`inline`). Either way with the file's name: a plain
  ASCII `filename="..."` for old clients and, when the name is not plain ASCII (Chinese names),
  `filename*=UTF-8''...` (RFC 6266 and RFC 5987), which every current browser prefers.
- `X-Content-Type-Options: nosniff`, so that no browser second-guesses the type.
- `Content-Security-Policy: default-src 'none'` (nothing loads, no script runs) with `sandbox`
  (a unique origin: no cookies, no scripts, no forms), and `frame-ancestors 'none'`. PDF alone
  goes without `sandbox`: Chrome and Firefox refuse to start their PDF viewers in a sandboxed
  document, and PDF scripts run inside the viewer, which has no access to our pages.
- `Cross-Origin-Resource-Policy: same-origin` (another site cannot embed the file) and
  `Cache-Control: private` (no shared cache keeps a file that only some people may read).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Protocol
from urllib.parse import quote

from django.http import FileResponse
from django.utils.translation import gettext_lazy as _

from deskline.core.errors import NotFound

# Shown in the browser instead of downloaded: types browsers display without running anything.
INLINE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"})
# Text kept under its own type (with a charset); every other text type is served as plain text.
TEXT_TYPES = frozenset({"text/plain", "text/csv", "text/markdown", "text/tab-separated-values"})
# Not text/*, yet documents a browser renders and runs scripts in (or script itself).
RUNNABLE_TYPES = frozenset(
    {
        "application/xhtml+xml", "application/xml", "image/svg+xml", "application/javascript",
        "application/ecmascript", "application/x-javascript", "application/xslt+xml",
        "application/mathml+xml", "application/rss+xml", "application/atom+xml",
        "application/vnd.wap.xhtml+xml", "application/x-shockwave-flash",
    }
)  # fmt: skip
OCTET_STREAM = "application/octet-stream"
PLAIN_TEXT = "text/plain; charset=utf-8"
_MIME_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,126}/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}")
CONTENT_SECURITY_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"
SANDBOXED_POLICY = CONTENT_SECURITY_POLICY + "; sandbox"


def served_content_type(stored: str) -> str:
    """The Content-Type to send for a file stored with type `stored`."""
    base = (stored or "").split(";")[0].strip().lower()
    if not _MIME_TYPE.fullmatch(base) or base.startswith("multipart/"):
        return OCTET_STREAM
    if base in TEXT_TYPES:
        return f"{base}; charset=utf-8"
    if base.startswith("text/") or base in RUNNABLE_TYPES or base.endswith(("+xml", "/xml")):
        return PLAIN_TEXT
    if base == "application/json":
        return "application/json; charset=utf-8"
    return base


def is_inline(content_type: str) -> bool:
    """True when a file of the (served) type opens in the browser instead of downloading."""
    return content_type.split(";")[0].strip() in INLINE_TYPES


def _printable(filename: str) -> str:
    # No control or format characters (a line break would split the header; a right-to-left
    # override would make "exe.pdf" of "fdp.exe"); no characters that end the quoted string.
    kept = "".join(c for c in filename if unicodedata.category(c)[0] != "C")
    return kept.strip() or "download"


def _ascii_fallback(filename: str) -> str:
    """A plain ASCII stand-in for the name, keeping its extension: for clients without RFC 5987."""
    decomposed = unicodedata.normalize("NFKD", filename)
    ascii_only = "".join(
        c if " " <= c <= "~" and c not in '"\\%' else "_"
        for c in decomposed
        if not unicodedata.combining(c)
    )
    return ascii_only.strip() or "download"


def content_disposition(filename: str, *, inline: bool) -> str:
    """The Content-Disposition header value for `filename` (RFC 6266 with RFC 5987's filename*)."""
    name = _printable(filename)
    disposition = "inline" if inline else "attachment"
    fallback = _ascii_fallback(name)
    value = f'{disposition}; filename="{fallback}"'
    if fallback != name:
        value += f"; filename*=UTF-8''{quote(name, safe='')}"
    return value


class StoredFile(Protocol):
    """What `file_response` needs of an uploaded file (tickets' Attachment has it)."""

    filename: str
    content_type: str

    @property
    def file(self) -> Openable: ...


class Openable(Protocol):
    def open(self, mode: str = ...) -> Any: ...


def file_response(stored: StoredFile) -> FileResponse:
    """Stream an uploaded file with every header above; NotFound when its bytes are gone from
    storage (a 404 in every interface, not a 500)."""
    try:
        stream = stored.file.open("rb")
    except FileNotFoundError:
        raise NotFound(_("There is no such file."), code="attachment_not_found") from None
    served = served_content_type(stored.content_type)
    inline = is_inline(served)
    response = FileResponse(stream, content_type=served)
    response["Content-Disposition"] = content_disposition(stored.filename, inline=inline)
    response["X-Content-Type-Options"] = "nosniff"
    is_pdf = served == "application/pdf"
    response["Content-Security-Policy"] = CONTENT_SECURITY_POLICY if is_pdf else SANDBOXED_POLICY
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Cache-Control"] = "private"
    return response
