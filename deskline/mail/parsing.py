"""Parse one e-mail message (the raw bytes) into what Deskline needs of it. Pure: no Django.

`parse_message` never raises, whatever the bytes: the standard library's parser (compat32,
which keeps headers as they came) splits the MIME tree, and everything it leaves raw is decoded
here, leniently, recording each oddity in `ParsedMessage.problems`:

- text in the charset a real mailbox carries, which is often not the declared one ("gb2312"
  that is GBK or GB18030, "iso-8859-1" that is UTF-8, a name Python does not know);
- RFC 2047 words in headers and file names (RFC 2231 too), joined before decoding so that a
  character split across two words survives;
- HTML sanitised with nh3, and a readable text version derived from it;
- attachments, inline images (Content-ID), forwarded messages (message/rfc822, kept as .eml);
- the marks of machines: auto-replies, lists, bulk mail and bounces (delivery status reports).

Every string leaves without NUL bytes or lone surrogates, so it can be stored in PostgreSQL.
"""

from __future__ import annotations

import binascii
import datetime
import email.parser
import email.policy
import email.utils
import html as html_entities
import mimetypes
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

import nh3

from deskline.mail import quoting

MAX_SUBJECT = 998
MAX_HEADER = 64 * 1024  # more of one header than this is not read (a 100 KB header is an attack)
MAX_IDS = 100  # References beyond this keep their first and latest ids
MAX_DEPTH = 20  # multipart nesting followed; deeper parts are skipped
MAX_FILENAME = 200


@dataclass(frozen=True)
class ParsedAttachment:
    filename: str  # safe file name (no path), never empty ("attachment.bin" when none)
    content_type: str  # e.g. "image/png"
    data: bytes
    content_id: str | None  # for inline images (cid:), without <>
    inline: bool


@dataclass(frozen=True)
class Bounce:
    recipients: list[str]  # the addresses that failed (from the DSN, else guessed from the text)
    reason: str  # the diagnostic as given (e.g. "550 5.1.1 user unknown")


@dataclass(frozen=True)
class ParsedMessage:
    message_id: str | None  # without <>, stripped; None when absent or empty
    in_reply_to: list[str]  # message ids without <>
    references: list[str]  # message ids without <>, oldest first
    from_address: str | None  # lower-cased addr-spec; None when absent/unparseable
    from_name: str  # display name, decoded ("" when none)
    reply_to: str | None
    to: list[str]  # lower-cased addresses
    cc: list[str]
    subject: str  # decoded (RFC 2047), whitespace-collapsed, at most 998 chars
    date: datetime.datetime | None  # aware, UTC
    text: str  # the body as plain text: text/plain part, else derived from the HTML
    html: str | None  # the HTML part sanitised with nh3 (no scripts/styles/remote loads), or None
    reply_text: str  # `text` without quoted history and signature (quoting.strip_quoted)
    attachments: list[ParsedAttachment]
    auto_submitted: bool  # an auto-reply, list or bulk mail, or a bounce: never answer it
    bounce: Bounce | None  # a delivery status notification / mailer-daemon bounce
    problems: list[str]  # non-fatal oddities met while parsing (wrong charset fell back, ...)
    size: int  # len(raw)


def parse_message(raw: bytes) -> ParsedMessage:
    """Never raises, whatever the bytes (NUL bytes, 100 KB headers, nesting 10 deep, no From...)."""
    try:
        return _parse(raw)
    except Exception as error:  # the last line of defence: a message is never a crash
        return _fallback(raw, error)


# --- the parser ---------------------------------------------------------------------------


class _RawHeaders(email.policy.Compat32):
    """compat32, but a header comes back as the string it was (8-bit bytes as surrogates), never
    as an `email.header.Header`: decoding is done here, with the charset fallbacks."""

    def header_fetch_parse(self, name: str, value: str) -> str:
        return value


_POLICY = _RawHeaders()


@dataclass
class _Collected:
    texts: list[str] = field(default_factory=list)
    htmls: list[str] = field(default_factory=list)
    attachments: list[ParsedAttachment] = field(default_factory=list)


def _parse(raw: bytes) -> ParsedMessage:
    problems: list[str] = []
    if b"\x00" in raw:
        problems.append("the message contains NUL bytes")
        raw_for_parser = raw.replace(b"\x00", b"")
    else:
        raw_for_parser = raw
    message = email.parser.BytesParser(policy=_POLICY).parsebytes(raw_for_parser)
    if message.defects:
        problems.append("malformed message: " + _defect_names(message.defects))

    subject = _collapse(decode_header_value(_header(message, "subject", problems), problems))
    from_name, from_address = _first_address(message, "from", problems)
    _, reply_to = _first_address(message, "reply-to", problems)

    collected = _Collected()
    _walk(message, collected, problems, depth=0)
    html = "\n".join(collected.htmls) if collected.htmls else None
    if collected.texts:
        text = "\n\n".join(collected.texts)
    elif html is not None:
        text = html_to_text(html)
    else:
        text = ""
    text = _clean(text)

    headers = {name.lower() for name in message}
    bounce = _bounce(message, from_address, subject, text, headers, problems)
    return ParsedMessage(
        message_id=_first_id(_header(message, "message-id", problems)),
        in_reply_to=_ids(_header(message, "in-reply-to", problems)),
        references=_limit_ids(_ids(_header(message, "references", problems))),
        from_address=from_address,
        from_name=from_name,
        reply_to=reply_to,
        to=_addresses(message, "to", problems),
        cc=_addresses(message, "cc", problems),
        subject=subject[:MAX_SUBJECT],
        date=_date(_header(message, "date", problems), problems),
        text=text,
        html=html,
        reply_text=quoting.strip_quoted(text),
        attachments=collected.attachments,
        auto_submitted=bounce is not None or _is_auto_submitted(message, headers, problems),
        bounce=bounce,
        problems=problems,
        size=len(raw),
    )


def _fallback(raw: bytes, error: BaseException) -> ParsedMessage:
    """What can be said of bytes that the parser could not take: their text, nothing else."""
    head, _, body = raw.partition(b"\n\n")
    text = _clean(decode_bytes(body or head, "utf-8", []))
    return ParsedMessage(
        message_id=None,
        in_reply_to=[],
        references=[],
        from_address=None,
        from_name="",
        reply_to=None,
        to=[],
        cc=[],
        subject="",
        date=None,
        text=text,
        html=None,
        reply_text=text,
        attachments=[],
        auto_submitted=False,
        bounce=None,
        problems=[f"the message could not be parsed ({type(error).__name__}); kept as text"],
        size=len(raw),
    )


def _defect_names(defects: Iterable[object]) -> str:
    return ", ".join(sorted({type(defect).__name__ for defect in defects}))


# --- the MIME tree ------------------------------------------------------------------------


def _walk(part: Message, collected: _Collected, problems: list[str], depth: int) -> None:
    try:
        content_type = part.get_content_type()
        if part.is_multipart():
            if depth >= MAX_DEPTH:
                problems.append(f"MIME parts nested deeper than {MAX_DEPTH} were skipped")
                return
            children = part.get_payload()
            if not isinstance(children, list):
                return
            if content_type == "multipart/alternative":
                _walk_alternative(children, collected, problems, depth)
                return
            if content_type.startswith("message/"):
                collected.attachments.append(_forwarded(part, problems))
                return
            for child in children:
                if isinstance(child, Message):
                    _walk(child, collected, problems, depth + 1)
            return
        if _is_body(part, content_type):
            body = _decoded_text(part, problems)
            if content_type == "text/html":
                collected.htmls.append(sanitize_html(body))
            elif body.strip() or not collected.texts:
                collected.texts.append(body)
            return
        collected.attachments.append(_attachment(part, content_type, problems))
    except Exception as error:  # one broken part never costs the rest of the message
        problems.append(f"a MIME part could not be read and was skipped ({type(error).__name__})")


def _walk_alternative(
    children: list[Any], collected: _Collected, problems: list[str], depth: int
) -> None:
    """The richest version of each kind: the last that has plain text, the last that has HTML;
    the attachments of every version (the images of a multipart/related)."""
    texts: list[str] = []
    htmls: list[str] = []
    for child in children:
        version = _Collected()
        _walk(child, version, problems, depth + 1)
        texts = version.texts or texts
        htmls = version.htmls or htmls
        collected.attachments.extend(version.attachments)
    collected.texts.extend(texts)
    collected.htmls.extend(htmls)


def _is_body(part: Message, content_type: str) -> bool:
    if content_type not in ("text/plain", "text/html"):
        return False
    disposition = (part.get("content-disposition") or "").split(";", 1)[0].strip().lower()
    if disposition == "attachment":
        return False
    return not _filename_param(part)


def _decoded_text(part: Message, problems: list[str]) -> str:
    data = _payload_bytes(part)
    charset = _param(part, "charset")
    if not charset and part.get_content_type() == "text/html":
        charset = _meta_charset(data)
    text = decode_bytes(data, charset or "us-ascii", problems)
    if _param(part, "format") == "flowed" and part.get_content_type() == "text/plain":
        text = _unflow(text, delsp=_param(part, "delsp") == "yes")
    return text


def _payload_bytes(part: Message) -> bytes:
    data = part.get_payload(decode=True)
    if isinstance(data, bytes):
        return data
    payload = part.get_payload()
    if isinstance(payload, str):
        return payload.encode("ascii", "surrogateescape")
    return b""


def _param(part: Message, name: str) -> str:
    """A Content-Type parameter, lower-cased ("" when absent)."""
    value = part.get_param(name)
    if isinstance(value, tuple):  # RFC 2231: (charset, language, value)
        value = value[2]
    return email.utils.unquote(value).strip().lower() if isinstance(value, str) else ""


def _attachment(part: Message, content_type: str, problems: list[str]) -> ParsedAttachment:
    data = _payload_bytes(part)
    content_id = _content_id(part.get("content-id"))
    disposition = (part.get("content-disposition") or "").split(";", 1)[0].strip().lower()
    inline = disposition == "inline" or (not disposition and content_id is not None)
    filename = safe_filename(_decoded_filename(part, problems), content_type)
    return ParsedAttachment(
        filename=filename,
        content_type=content_type,
        data=data,
        content_id=content_id,
        inline=inline,
    )


def _forwarded(part: Message, problems: list[str]) -> ParsedAttachment:
    """A message/rfc822 part, kept whole as an .eml attachment (never parsed further here)."""
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else None
    if isinstance(inner, Message):
        data = inner.as_bytes(policy=_POLICY)
        subject = _collapse(decode_header_value(inner.get("subject") or "", problems))
    else:
        data = _payload_bytes(part)
        subject = ""
    name = _decoded_filename(part, problems) or (subject[:80] + ".eml" if subject else "")
    return ParsedAttachment(
        filename=safe_filename(name or "message.eml", "message/rfc822"),
        content_type="message/rfc822",
        data=data,
        content_id=_content_id(part.get("content-id")),
        inline=False,
    )


def _filename_param(part: Message) -> str | tuple[str, str, str] | None:
    for name, header in (("filename", "content-disposition"), ("name", "content-type")):
        value = part.get_param(name, header=header)
        if value:
            return value  # type: ignore[return-value]
    return None


def _decoded_filename(part: Message, problems: list[str]) -> str:
    value = _filename_param(part)
    if isinstance(value, tuple):  # RFC 2231: (charset, language, percent-decoded value)
        charset, _, text = value
        return decode_bytes(text.encode("raw-unicode-escape"), charset or "utf-8", problems)
    if not value:
        return ""
    return decode_header_value(email.utils.unquote(value), problems)


def _content_id(value: str | None) -> str | None:
    if not value:
        return None
    cleaned = _clean(value).strip().strip("<>").strip()
    return cleaned[:998] or None


_UNSAFE_FILENAME = re.compile(r'[\x00-\x1f\x7f<>:"|?*]')


def safe_filename(name: str, content_type: str) -> str:
    """A file name without path, control characters or characters Windows refuses; never empty."""
    name = _clean(name).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf"))
    name = _UNSAFE_FILENAME.sub("_", name).strip().strip(". ")
    if len(name) > MAX_FILENAME:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 16:
            name = stem[: MAX_FILENAME - len(extension) - 1] + "." + extension
        else:
            name = name[:MAX_FILENAME]
    if name:
        return name
    if content_type == "message/rfc822":
        return "message.eml"
    return "attachment" + (mimetypes.guess_extension(content_type, strict=False) or ".bin")


def _unflow(text: str, *, delsp: bool) -> str:
    """RFC 3676 format=flowed: a line ending in a space continues on the next one."""
    lines: list[str] = []
    pending = ""
    pending_depth = -1
    for line in text.split("\n"):
        line = line.rstrip("\r")
        depth = len(line) - len(line.lstrip(">"))
        content = line[depth:]
        if content.startswith(" "):
            content = content[1:]  # space-stuffing
        if pending_depth >= 0 and depth != pending_depth:
            lines.append(">" * pending_depth + (" " if pending_depth else "") + pending)
            pending, pending_depth = "", -1
        flowed = content.endswith(" ") and content != "-- "
        if flowed:
            pending += content[:-1] if delsp else content
            pending_depth = depth
            continue
        pending += content
        lines.append(">" * depth + (" " if depth else "") + pending)
        pending, pending_depth = "", -1
    if pending_depth >= 0:
        lines.append(">" * pending_depth + (" " if pending_depth else "") + pending)
    return "\n".join(lines)


# --- HTML ---------------------------------------------------------------------------------

_URL_SCHEMES = {"http", "https", "mailto", "tel", "cid"}
_DROPPED_WITH_CONTENT = {"script", "style", "title", "xml", "noscript", "template"}


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    # Remote images tell the sender who read the mail and when: only the message's own (cid:).
    if tag == "img" and attribute == "src":
        return value if value[:4].lower() == "cid:" else None
    if attribute == "href" and value[:4].lower() == "cid:":
        return None
    return value


def sanitize_html(markup: str) -> str:
    """HTML safe to show inside a Deskline page: no scripts, styles, event handlers, forms or
    frames, no remote loads (images only from the message itself, cid:), no relative links."""
    return nh3.clean(
        markup,
        clean_content_tags=_DROPPED_WITH_CONTENT,
        attribute_filter=_attribute_filter,
        url_schemes=_URL_SCHEMES,
        url_relative="deny",
        link_rel="noopener noreferrer nofollow",
    )


_META_CHARSET = re.compile(rb"<meta[^>]{0,300}?charset\s*=\s*[\"']?\s*([\w.:-]{1,40})", re.I)


def _meta_charset(data: bytes) -> str:
    found = _META_CHARSET.search(data[:4096])
    return found.group(1).decode("ascii").lower() if found else ""


# In sanitised HTML (nh3 escapes ">" inside attribute values) a tag ends at the first ">".
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)([^>]*)>")
_ATTRIBUTE = re.compile(r'([a-zA-Z-]+)="([^"]*)"')
_BLOCKS = frozenset(
    [
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "table",
        "thead",
        "tbody",
        "tfoot",
        "caption",
        "pre",
        "hr",
        "address",
        "article",
        "aside",
        "footer",
        "header",
        "nav",
        "section",
        "figure",
        "figcaption",
        "center",
        "details",
        "summary",
    ]
)
_PARAGRAPHS = frozenset(
    ["p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "dl", "pre", "hr", "blockquote"]
)


class _TextWriter:
    """Lines of text, each with its quote depth (a <blockquote> is quoted with "> ")."""

    def __init__(self) -> None:
        self.lines: list[tuple[int, str]] = []
        self.current: list[str] = []
        self.depth = 0
        self.blank_wanted = False

    def write(self, text: str) -> None:
        self.current.append(text)

    def end_line(self, *, blank: bool = False, keep_empty: bool = False) -> None:
        text = "".join(self.current).strip()
        self.current = []
        if text:
            if self.blank_wanted and self.lines and self.lines[-1][1]:
                self.lines.append((self.depth, ""))
            self.lines.append((self.depth, text))
            self.blank_wanted = False
        elif keep_empty and self.lines and self.lines[-1][1]:
            self.lines.append((self.depth, ""))
        if blank:
            self.blank_wanted = True

    def result(self) -> str:
        self.end_line()
        return "\n".join(
            (">" * depth + " " if depth else "") + text if text else ">" * depth
            for depth, text in self.lines
        )


def html_to_text(markup: str) -> str:
    """A readable text version of (sanitised) HTML: paragraphs, line breaks, list items, quoted
    blocks with "> ", links as "text <url>"."""
    writer = _TextWriter()
    links: list[tuple[str, list[str]]] = []
    preformatted = 0
    position = 0
    for match in _TAG.finditer(markup):
        _write_text(writer, links, markup[position : match.start()], preformatted > 0)
        position = match.end()
        closing, name = match.group(1) == "/", match.group(2).lower()
        if name == "br":
            writer.end_line(keep_empty=True)
        elif name == "li":
            writer.end_line()
            if not closing:
                writer.write("- ")
        elif name in ("tr",):
            writer.end_line()
        elif name in ("td", "th") and not closing:
            writer.write(" ")
        elif name == "blockquote":
            writer.end_line(blank=True)
            writer.depth = max(0, writer.depth + (-1 if closing else 1))
        elif name in _BLOCKS:
            writer.end_line(blank=name in _PARAGRAPHS)
            if name == "pre":
                preformatted = max(0, preformatted + (-1 if closing else 1))
        elif name == "a":
            if closing and links:
                href, words = links.pop()
                label = "".join(words).strip()
                target = href[7:] if href.startswith("mailto:") else href
                if target and target not in label:
                    writer.write(f" <{target}>")
            elif not closing:
                attributes = dict(_ATTRIBUTE.findall(match.group(3)))
                links.append((html_entities.unescape(attributes.get("href", "")), []))
        elif name == "img" and not closing:
            alt = html_entities.unescape(dict(_ATTRIBUTE.findall(match.group(3))).get("alt", ""))
            if alt.strip():
                writer.write(f"[{_collapse(alt)}]")
    _write_text(writer, links, markup[position:], preformatted > 0)
    return writer.result()


def _write_text(
    writer: _TextWriter, links: list[tuple[str, list[str]]], raw: str, preformatted: bool
) -> None:
    if not raw:
        return
    text = html_entities.unescape(raw)
    if preformatted:
        lines = text.split("\n")
        for number, line in enumerate(lines):
            if number:
                writer.end_line(keep_empty=True)
            writer.write(line)
    else:
        text = _WHITESPACE.sub(" ", text)
        if not writer.current or "".join(writer.current).endswith((" ", "- ")):
            text = text.lstrip()
        writer.write(text)
    for _, words in links:
        words.append(text)


# --- charsets -----------------------------------------------------------------------------

# What a label means in a real mailbox: the superset its senders actually wrote.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gb_2312-80": "gb18030",
    "gb_2312": "gb18030",
    "euc-cn": "gb18030",
    "euccn": "gb18030",
    "x-euc-cn": "gb18030",
    "chinese": "gb18030",
    "csgb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "cp936": "gb18030",
    "windows-936": "gb18030",
    "ms936": "gb18030",
    "big5": "big5hkscs",
    "x-x-big5": "big5hkscs",
    "cn-big5": "big5hkscs",
    "csbig5": "big5hkscs",
    "big5-hkscs": "big5hkscs",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "ms_kanji": "cp932",
    "windows-31j": "cp932",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "euc-kr": "cp949",
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "latin-1": "cp1252",
    "iso8859-1": "cp1252",
    "iso_8859-1": "cp1252",
    "us-ascii": "ascii",
    "ascii": "ascii",
    "ansi_x3.4-1968": "ascii",
    "iso-8859-8-i": "iso-8859-8",
    "utf8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
    "x-unknown": "",
    "unknown-8bit": "",
    "x-user-defined": "",
    "default": "",
    "charset": "",
}
# When the superset refuses the bytes, these come next (Windows' Big5, the JIS variants).
_NEXT = {
    "big5hkscs": ("cp950",),
    "iso-2022-jp": ("iso2022_jp_2", "iso2022_jp_ext", "iso2022_jp_2004", "cp932"),
    "cp1252": (),
}
_SINGLE_BYTE = re.compile(r"^(cp125\d|iso-8859-\d+|koi8-[ru]|windows-125\d|cp1252|latin\d?)$")
_HIGH = re.compile(rb"[\x80-\xff]")


def _label(charset: str) -> str:
    charset = charset.strip().strip("\"'").lower()
    if charset.startswith("windows-125"):
        charset = "cp" + charset[len("windows-") :]
    return _SUPERSETS.get(charset, charset)


def decode_bytes(data: bytes, charset: str, problems: list[str]) -> str:
    """`data` as text: in the declared charset (or the superset of it real senders use), else
    UTF-8, else GB18030 when the bytes look Chinese, else Windows-1252 with replacements."""
    if not _HIGH.search(data) and b"\x1b" not in data:
        return data.decode("ascii")
    label = _label(charset)
    if label and label != "ascii":
        if _SINGLE_BYTE.match(label) and _is_utf8(data):
            problems.append(f"text declared {charset} is UTF-8")
            return data.decode("utf-8")
        for candidate in (label, *_NEXT.get(label, ())):
            try:
                return data.decode(candidate)
            except LookupError:
                problems.append(f"unknown charset {charset!r}")
                break
            except UnicodeDecodeError:
                continue
        else:
            problems.append(f"text declared {charset} is not; decoded as a fallback")
    if _is_utf8(data):
        return data.decode("utf-8")
    chinese = _as_chinese(data)
    if chinese is not None:
        if label not in ("gb18030",):
            problems.append(f"text declared {charset or 'without charset'} read as GB18030")
        return chinese
    if label and label != "ascii":
        return data.decode(label if label != "ascii" else "cp1252", errors="replace")
    problems.append(f"8-bit text declared {charset or 'without charset'} read as Windows-1252")
    return data.decode("cp1252", errors="replace")


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _as_chinese(data: bytes) -> str | None:
    """GB18030 text, when the bytes decode as it and most of their characters are hanzi or CJK
    punctuation written in two high bytes (Latin-1 accents next to letters decode too, as rare
    characters, which this refuses)."""
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    wide = [ch for ch in text if ord(ch) > 0x7F]
    common = sum(1 for ch in wide if "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef")
    return text if wide and common >= 0.8 * len(wide) else None


# --- headers ------------------------------------------------------------------------------


def _header(message: Message, name: str, problems: list[str]) -> str:
    value = message.get(name)
    if not isinstance(value, str):
        return ""
    if len(value) > MAX_HEADER:
        problems.append(f"the {name} header is longer than {MAX_HEADER} characters; cut")
        value = value[:MAX_HEADER]
    return value


# An encoded word (RFC 2047): the text part holds no "?" nor white space, so this never backtracks.
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")
_BETWEEN_WORDS = re.compile(r"\s*")


def decode_header_value(value: str, problems: list[str]) -> str:
    """A header's text: RFC 2047 words decoded (adjacent ones in one charset joined first), raw
    8-bit bytes read as UTF-8 or their likely charset, folding undone."""
    if not value:
        return ""
    value = value.replace("\r", "").replace("\n", "")
    if "=?" not in value:
        return _clean(_raw_text(value, problems))
    pieces: list[str] = []
    position = 0
    run_charset = ""
    run: list[bytes] = []

    def flush() -> None:
        if run:
            pieces.append(decode_bytes(b"".join(run), run_charset, problems))
            run.clear()

    for match in _ENCODED_WORD.finditer(value):
        between = value[position : match.start()]
        charset = match.group(1).split("*", 1)[0]  # RFC 2231 language suffix: =?utf-8*en?...
        if not (run and not between.strip() and _label(charset) == _label(run_charset)):
            flush()
            if between and not (pieces and not between.strip() and position > 0):
                pieces.append(_raw_text(between, problems))
            run_charset = charset
        run.append(_word_bytes(match.group(2), match.group(3), problems))
        position = match.end()
    flush()
    pieces.append(_raw_text(value[position:], problems))
    return _clean("".join(pieces))


def _word_bytes(encoding: str, text: str, problems: list[str]) -> bytes:
    if encoding in "qQ":
        return binascii.a2b_qp(text.encode("ascii", "surrogateescape"), header=True)
    data = text.encode("ascii", "surrogateescape")
    try:
        return binascii.a2b_base64(data + b"=" * (-len(data) % 4))
    except binascii.Error:
        problems.append("an encoded word is not valid base64")
        return data


def _raw_text(value: str, problems: list[str]) -> str:
    """A header string as the parser left it: 8-bit bytes are surrogates; read them."""
    try:
        data = value.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:
        return value
    return decode_bytes(data, "utf-8", problems) if _HIGH.search(data) else value


_WHITESPACE = re.compile(r"\s+")


def _collapse(value: str) -> str:
    return _WHITESPACE.sub(" ", value).strip()


def _clean(value: str) -> str:
    """No NUL, no lone surrogate: what PostgreSQL refuses to store."""
    if "\x00" in value:
        value = value.replace("\x00", "")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = value.encode("utf-8", "replace").decode("utf-8")
    return value


def _parsed_addresses(message: Message, name: str, problems: list[str]) -> list[tuple[str, str]]:
    values = message.get_all(name) or []
    headers = []
    for value in values:
        if isinstance(value, str):
            headers.append(value[:MAX_HEADER])
    return email.utils.getaddresses(headers)


def _address(addr: str, problems: list[str]) -> str | None:
    addr = _clean(_raw_text(addr.strip(), problems)).lower()
    if "@" not in addr or any(ch.isspace() for ch in addr) or len(addr) > 320:
        return None
    local, _, domain = addr.rpartition("@")
    return addr if local and domain else None


def _first_address(message: Message, name: str, problems: list[str]) -> tuple[str, str | None]:
    for display, addr in _parsed_addresses(message, name, problems):
        address = _address(addr, problems)
        if address:
            return _collapse(decode_header_value(display, problems)), address
    return "", None


def _addresses(message: Message, name: str, problems: list[str]) -> list[str]:
    found: list[str] = []
    for _, addr in _parsed_addresses(message, name, problems):
        address = _address(addr, problems)
        if address and address not in found:
            found.append(address)
    return found


_ANGLE_ID = re.compile(r"<([^<>\s]{1,998})>")


def _ids(value: str) -> list[str]:
    value = _clean(value)
    ids = _ANGLE_ID.findall(value)
    if not ids:
        ids = [token.strip("<>") for token in value.split() if "@" in token]
    unique: list[str] = []
    for item in ids:
        item = item.strip()
        if item and item not in unique:
            unique.append(item[:998])
    return unique


def _first_id(value: str) -> str | None:
    ids = _ANGLE_ID.findall(_clean(value))
    if ids:
        return ids[0].strip() or None
    stripped = _clean(value).strip().strip("<>").strip()
    return stripped[:998] or None


def _limit_ids(ids: list[str]) -> list[str]:
    return ids if len(ids) <= MAX_IDS else [ids[0], *ids[-(MAX_IDS - 1) :]]


def _date(value: str, problems: list[str]) -> datetime.datetime | None:
    if not value.strip():
        return None
    try:
        parsed = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        problems.append("the Date header could not be read")
        return None
    if parsed is None:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.UTC)
    try:
        return parsed.astimezone(datetime.UTC)
    except (OverflowError, ValueError):
        problems.append("the Date header could not be read")
        return None


# --- machines: auto-replies and bounces ---------------------------------------------------

_AUTO_HEADERS = (
    "x-autoreply",
    "x-autorespond",
    "x-autoresponse",
    "x-autogenerated",
    "x-auto-reply",
    "x-mail-autoreply",
    "x-autoreply-from",
    "x-fc-machinegenerated",
)


def _is_auto_submitted(message: Message, headers: set[str], problems: list[str]) -> bool:
    auto = _header(message, "auto-submitted", problems).split(";", 1)[0].strip().lower()
    if auto and auto != "no":
        return True
    for name in _AUTO_HEADERS:
        if name in headers:
            value = _header(message, name, problems).strip().lower()
            if value not in ("no", "false", "0"):
                return True
    precedence = _header(message, "precedence", problems).strip().lower()
    if precedence in ("bulk", "junk", "list", "auto_reply", "auto-reply"):
        return True
    suppress = _header(message, "x-auto-response-suppress", problems).lower()
    if any(word in suppress for word in ("all", "oof", "autoreply")):
        return True
    return "autoresponder" in _header(message, "x-post-messageclass", problems).lower()


_DAEMONS = ("mailer-daemon", "postmaster", "mail-daemon", "maildaemon", "mailerdaemon")
_BOUNCE_SUBJECT = re.compile(
    r"undeliver|undelivered mail|returned mail|returned to sender|delivery status notification"
    r"|delivery failure|delivery has failed|failure notice|mail delivery failed|could not be"
    r" delivered|nondeliverable|non-delivery|退信|未送达|无法送达|投递失败|发送失败",
    re.IGNORECASE,
)
_ADDRESS_IN_TEXT = re.compile(r"[\w.+'=-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")
_SMTP_REASON = re.compile(
    r"\b[45]\d\d[ -]\d\.\d{1,3}\.\d{1,3}\b|\b[45]\.\d{1,3}\.\d{1,3}\b|\b5\d\d "
)


def _bounce(
    message: Message,
    from_address: str | None,
    subject: str,
    text: str,
    headers: set[str],
    problems: list[str],
) -> Bounce | None:
    """A delivery failure: a delivery status report (RFC 3464), else mail from a mailer daemon
    or postmaster, or with a null return path and a bounce's subject."""
    if message.get_content_type() == "multipart/report":
        report = _delivery_status(message, problems)
        if report is not None:
            return report
    local = (from_address or "").split("@", 1)[0]
    null_sender = _header(message, "return-path", problems).strip() == "<>"
    from_daemon = local in _DAEMONS or (
        not from_address and "mailer-daemon" in _header(message, "from", problems).lower()
    )
    if not (from_daemon or (null_sender and _BOUNCE_SUBJECT.search(subject))):
        return None
    failed = _header(message, "x-failed-recipients", problems)
    recipients = [item for _, addr in email.utils.getaddresses([failed]) if (item := addr.lower())]
    lines = text.splitlines()[:200]
    if not recipients:
        for line in lines:
            for found in _ADDRESS_IN_TEXT.findall(line):
                found = found.lower()
                if found != from_address and found.split("@", 1)[0] not in _DAEMONS:
                    recipients.append(found) if found not in recipients else None
            if len(recipients) >= 20:
                break
    reason = next((line.strip() for line in lines if _SMTP_REASON.search(line)), "")
    return Bounce(recipients=recipients, reason=reason[:1000] or subject)


def _delivery_status(message: Message, problems: list[str]) -> Bounce | None:
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        payload = part.get_payload()
        if isinstance(payload, list):
            blocks = [
                {name.lower(): value for name, value in block.items()}
                for block in payload
                if isinstance(block, Message)
            ]
        else:
            blocks = _field_blocks(decode_bytes(_payload_bytes(part), "utf-8", problems))
        recipients: list[str] = []
        reasons: list[str] = []
        for block in blocks[1:] if len(blocks) > 1 else blocks:
            recipient = block.get("final-recipient") or block.get("original-recipient") or ""
            action = (block.get("action") or "").strip().lower()
            status = (block.get("status") or "").strip()
            if action not in ("failed", "") or (not action and not status.startswith("5")):
                continue
            address = recipient.split(";", 1)[-1].strip().strip("<>").lower()
            if address and address not in recipients:
                recipients.append(_clean(address))
            diagnostic = _collapse(block.get("diagnostic-code") or "")
            reasons.append(diagnostic.split(";", 1)[-1].strip() or status)
        if recipients:
            return Bounce(recipients=recipients, reason=_clean(reasons[0])[:1000])
        return None
    return None


def _field_blocks(text: str) -> list[dict[str, str]]:
    """`Name: value` fields in blank-line separated blocks (a delivery-status part as text)."""
    blocks: list[dict[str, str]] = []
    current: dict[str, str] = {}
    last = ""
    for line in text.splitlines():
        if not line.strip():
            if current:
                blocks.append(current)
                current, last = {}, ""
            continue
        if line[0] in " \t" and last:
            current[last] += " " + line.strip()
            continue
        name, colon, value = line.partition(":")
        if colon:
            last = name.strip().lower()
            current[last] = value.strip()
    if current:
        blocks.append(current)
    return blocks
