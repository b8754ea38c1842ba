"""file_response: every served file has a safe type, a download name, nosniff and a sandbox."""

from __future__ import annotations

import io
from dataclasses import dataclass
from urllib.parse import unquote

import pytest

from deskline.core.downloads import (
    content_disposition,
    file_response,
    served_content_type,
)
from deskline.core.errors import NotFound


@dataclass
class _Opens:
    data: bytes | None

    def open(self, mode: str = "rb") -> io.BytesIO:
        if self.data is None:
            raise FileNotFoundError("gone")
        return io.BytesIO(self.data)


@dataclass
class _Stored:
    filename: str
    content_type: str
    data: bytes | None = b"bytes"

    @property
    def file(self) -> _Opens:
        return _Opens(self.data)


def _serve(filename: str, content_type: str, data: bytes = b"bytes"):
    return file_response(_Stored(filename, content_type, data))


@pytest.mark.parametrize(
    ("stored", "served"),
    [
        ("text/plain", "text/plain; charset=utf-8"),
        ("text/csv", "text/csv; charset=utf-8"),
        ("text/markdown", "text/markdown; charset=utf-8"),
        ("application/json", "application/json; charset=utf-8"),
        # Markup and script a browser would run is shown as its source, never rendered.
        ("text/html", "text/plain; charset=utf-8"),
        ("image/svg+xml", "text/plain; charset=utf-8"),
        ("application/xhtml+xml", "text/plain; charset=utf-8"),
        ("application/xml", "text/plain; charset=utf-8"),
        ("text/xml", "text/plain; charset=utf-8"),
        ("text/javascript", "text/plain; charset=utf-8"),
        ("application/javascript", "text/plain; charset=utf-8"),
        ("application/rss+xml", "text/plain; charset=utf-8"),
        ("TEXT/HTML; charset=latin-1", "text/plain; charset=utf-8"),
        # What a browser only shows, and what it only downloads, keep their types.
        ("image/png", "image/png"),
        ("image/jpeg", "image/jpeg"),
        ("application/pdf", "application/pdf"),
        ("application/zip", "application/zip"),
        # A type nobody can trust becomes opaque bytes.
        ("", "application/octet-stream"),
        ("not a type", "application/octet-stream"),
        ("text/plain\r\nX-Evil: 1", "application/octet-stream"),
        ("multipart/x-mixed-replace", "application/octet-stream"),
    ],
)
def test_the_content_type_is_made_safe(stored: str, served: str):
    assert served_content_type(stored) == served
    assert _serve("file", stored)["Content-Type"] == served


@pytest.mark.parametrize(
    ("filename", "content_type"),
    [
        ("screen.png", "image/png"),
        ("photo.jpg", "image/jpeg"),
        ("anim.gif", "image/gif"),
        ("photo.webp", "image/webp"),
        ("invoice.pdf", "application/pdf"),
    ],
)
def test_images_and_pdf_open_in_the_browser(filename: str, content_type: str):
    response = _serve(filename, content_type)

    assert response["Content-Disposition"] == f'inline; filename="{filename}"'


@pytest.mark.parametrize(
    ("filename", "content_type"),
    [
        ("vpn-log.txt", "text/plain"),
        ("page.html", "text/html"),
        ("logo.svg", "image/svg+xml"),
        ("data.csv", "text/csv"),
        ("archive.zip", "application/zip"),
        ("photo.bmp", "image/bmp"),
        ("photo.tiff", "image/tiff"),
        ("unknown", "application/octet-stream"),
    ],
)
def test_everything_else_downloads(filename: str, content_type: str):
    response = _serve(filename, content_type)

    assert response["Content-Disposition"] == f'attachment; filename="{filename}"'


def test_a_chinese_name_downloads_with_its_name():
    response = _serve("打印机日志.txt", "text/plain")

    disposition = response["Content-Disposition"]
    assert disposition == (
        "attachment; filename=\"_____.txt\"; filename*=UTF-8''"
        "%E6%89%93%E5%8D%B0%E6%9C%BA%E6%97%A5%E5%BF%97.txt"
    )
    assert unquote(disposition.split("UTF-8''")[1]) == "打印机日志.txt"
    # The header is plain ASCII, as HTTP wants it
    disposition.encode("ascii")


def test_an_accented_name_keeps_its_letters_in_the_fallback():
    assert content_disposition("Résumé café.pdf", inline=True) == (
        "inline; filename=\"Resume cafe.pdf\"; filename*=UTF-8''R%C3%A9sum%C3%A9%20caf%C3%A9.pdf"
    )


@pytest.mark.parametrize(
    ("filename", "expected"),
    [
        ('say "hi".txt',
         "attachment; filename=\"say _hi_.txt\"; filename*=UTF-8''say%20%22hi%22.txt"),
        ("a\\b.txt", "attachment; filename=\"a_b.txt\"; filename*=UTF-8''a%5Cb.txt"),
        ("100%.txt", "attachment; filename=\"100_.txt\"; filename*=UTF-8''100%25.txt"),
        ("line\r\nSet-Cookie: x.txt", 'attachment; filename="lineSet-Cookie: x.txt"'),
        ("abc\u202efdp.exe", 'attachment; filename="abcfdp.exe"'),
        ("\u200b", 'attachment; filename="download"'),
    ],
)  # fmt: skip
def test_a_name_cannot_break_out_of_the_header(filename: str, expected: str):
    assert content_disposition(filename, inline=False) == expected


@pytest.mark.parametrize(
    ("content_type", "sandboxed"),
    [
        ("text/plain", True),
        ("text/html", True),
        ("image/png", True),
        ("image/svg+xml", True),
        ("application/zip", True),
        # Browsers refuse to start their PDF viewer in a sandbox; the PDF still loads nothing.
        ("application/pdf", False),
    ],
)
def test_every_file_is_served_with_nosniff_and_a_restrictive_policy(
    content_type: str, sandboxed: bool
):
    response = _serve("file", content_type)

    assert response["X-Content-Type-Options"] == "nosniff"
    policy = [part.strip() for part in response["Content-Security-Policy"].split(";")]
    assert policy[0] == "default-src 'none'"
    assert "frame-ancestors 'none'" in policy
    assert ("sandbox" in policy) is sandboxed
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response["Cache-Control"] == "private"


def test_the_bytes_are_streamed_whole():
    response = _serve("big.log", "text/plain", b"line\n" * 100_000)

    assert b"".join(response.streaming_content) == b"line\n" * 100_000
    assert response["Content-Length"] == str(500_000)


def test_a_file_gone_from_storage_is_not_found():
    with pytest.raises(NotFound) as missing:
        file_response(_Stored("gone.txt", "text/plain", None))

    assert missing.value.code == "attachment_not_found"
