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
Charsets and header words are decoded in `charsets`, HTML is sanitised and read in `htmltext`,
quotes are stripped in `quoting`: all three as pure as this module.
"""

from __future__ import annotations

import dataclasses
import datetime
import email.parser
import email.policy
import email.utils
import mimetypes
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.message import Message
from typing import Any

from deskline.mail import quoting
from deskline.mail.charsets import (
    clean_text,
    collapse_whitespace,
    decode_bytes,
    decode_header_value,
    decode_raw_header,
)
from deskline.mail.htmltext import html_to_text, meta_charset, sanitize_html

MAX_SUBJECT = 998
MAX_HEADER = 64 * 1024  # more of one header than this is not read (a 100 KB header is an attack)
MAX_IDS = 100  # References beyond this keep their first and latest ids
MAX_DEPTH = 20  # multipart nesting followed; deeper parts are skipped
MAX_FILENAME = 200
MAX_PROBLEMS = 50
MAX_PARAMETERS = 4096  # a Content-Type or Content-Disposition is read up to this length
_PARAMETER_HEADERS = ("content-type", "content-disposition")


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
        return _parse(raw, headers_only=False)
    except Exception as error:  # e.g. RecursionError: message/rfc822 nested a thousand deep
        structure_error = error
    try:
        parsed = _parse(raw, headers_only=True)
    except Exception as error:  # the last line of defence: a message is never a crash
        return _fallback(raw, error)
    problem = (
        f"the message's structure could not be parsed ({type(structure_error).__name__}); "
        "its body was kept as text"
    )
    return dataclasses.replace(parsed, problems=[problem, *parsed.problems])


# --- the parser ---------------------------------------------------------------------------


class _RawHeaders(email.policy.Compat32):
    """compat32, but a header comes back as the string it was (8-bit bytes as surrogates), never
    as an `email.header.Header`: decoding is done here, with the charset fallbacks."""

    def header_fetch_parse(self, name: str, value: str) -> str:
        # The standard library reads parameters in quadratic time (`email.message._parseparam`
        # counts quotes before every ";"): a 100 KB Content-Type would take seconds. No real
        # one is this long (an RFC 2231 Chinese file name is well under 2 KB).
        if len(value) > MAX_PARAMETERS and name.lower() in _PARAMETER_HEADERS:
            return value[:MAX_PARAMETERS]
        return value


_POLICY = _RawHeaders()


@dataclass
class _Collected:
    texts: list[str] = field(default_factory=list)
    htmls: list[str] = field(default_factory=list)
    attachments: list[ParsedAttachment] = field(default_factory=list)


def _parse(raw: bytes, *, headers_only: bool) -> ParsedMessage:
    """The message; with `headers_only`, its headers and its whole body as text."""
    problems: list[str] = []
    if b"\x00" in raw:
        problems.append("the message contains NUL bytes")
        raw_for_parser = raw.replace(b"\x00", b"")
    else:
        raw_for_parser = raw
    parser = email.parser.BytesParser(policy=_POLICY)
    message = parser.parsebytes(raw_for_parser, headersonly=headers_only)

    subject = collapse_whitespace(
        decode_header_value(_header(message, "subject", problems), problems)
    )
    from_name, from_address = _first_address(message, "from", problems)
    _, reply_to = _first_address(message, "reply-to", problems)

    collected = _Collected()
    if headers_only:
        body = message.get_payload()
        if isinstance(body, str):
            raw_body = body.encode("ascii", "surrogateescape")
            collected.texts.append(decode_bytes(raw_body, _param(message, "charset"), problems))
    else:
        _walk(message, collected, problems, depth=0)
    html = "\n".join(collected.htmls) if collected.htmls else None
    if any(text.strip() for text in collected.texts):
        text = "\n\n".join(collected.texts)
    elif html is not None:
        text = html_to_text(html)
    else:
        text = "\n\n".join(collected.texts)
    text = clean_text(text.replace("\r\n", "\n"))

    headers = {name.lower() for name in message}
    to, cc = _addresses(message, "to", problems), _addresses(message, "cc", problems)
    own = {*to, *cc, from_address or ""}
    bounce = _bounce(message, from_address, subject, text, own, problems)
    return ParsedMessage(
        message_id=_first_id(_header(message, "message-id", problems)),
        in_reply_to=_ids(_header(message, "in-reply-to", problems)),
        references=_limit_ids(_ids(_header(message, "references", problems))),
        from_address=from_address,
        from_name=from_name,
        reply_to=reply_to,
        to=to,
        cc=cc,
        subject=subject[:MAX_SUBJECT],
        date=_date(_header(message, "date", problems), problems),
        text=text,
        html=html,
        reply_text=quoting.strip_quoted(text),
        attachments=collected.attachments,
        auto_submitted=bounce is not None
        or message.get_content_type() == "multipart/report"
        or (from_address or "").split("@", 1)[0] in _DAEMONS
        or _is_auto_submitted(message, headers, problems),
        bounce=bounce,
        problems=list(dict.fromkeys(problems))[:MAX_PROBLEMS],
        size=len(raw),
    )


def _fallback(raw: bytes, error: BaseException) -> ParsedMessage:
    """What can be said of bytes that the parser could not take: their text, nothing else."""
    text = clean_text(decode_bytes(raw, "", []).replace("\r\n", "\n"))
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
        if part.defects:
            problems.append("malformed MIME: " + _defect_names(part.defects))
        for name, value in part.raw_items():
            if len(value) > MAX_PARAMETERS and name.lower() in _PARAMETER_HEADERS:
                problems.append(f"a {name} header longer than {MAX_PARAMETERS} was cut")
        content_type = part.get_content_type()
        payload = part.get_payload() if part.is_multipart() else None
        if content_type in ("message/rfc822", "message/global"):
            collected.attachments.append(_forwarded(part, problems))
        elif isinstance(payload, list):
            if depth >= MAX_DEPTH:
                problems.append(f"MIME parts nested deeper than {MAX_DEPTH} were skipped")
            elif content_type == "multipart/alternative":
                _walk_alternative(payload, collected, problems, depth)
            elif part.get_content_maintype() == "multipart":
                for child in payload:
                    if isinstance(child, Message):
                        _walk(child, collected, problems, depth + 1)
            else:  # message/delivery-status and the like: blocks of fields
                collected.attachments.append(_fields_attachment(part, content_type, payload))
        elif part.get_content_maintype() == "multipart":
            _walk_unbounded(part, collected, problems, depth)
        elif _is_body(part, content_type):
            body = _decoded_text(part, problems)
            if content_type == "text/html":
                collected.htmls.append(sanitize_html(body))
            elif body.strip() or not collected.texts:
                collected.texts.append(body)
        else:
            collected.attachments.append(_attachment(part, content_type, problems))
    except Exception as error:  # one broken part never costs the rest of the message
        problems.append(f"a MIME part could not be read and was skipped ({type(error).__name__})")


_DELIMITER = re.compile(r"^--([^\s]{1,200})[ \t\r]*$", re.MULTILINE)


def _walk_unbounded(part: Message, collected: _Collected, problems: list[str], depth: int) -> None:
    """A multipart whose boundary is missing or wrong: read it by its first delimiter line, else
    keep its text as the body."""
    body = _payload_bytes(part).decode("ascii", "surrogateescape")
    delimiter = _DELIMITER.search(body, 0, 64 * 1024)
    if delimiter is not None and depth < MAX_DEPTH:
        boundary = delimiter.group(1).removesuffix("--")
        header = f'Content-Type: {part.get_content_type()}; boundary="{boundary}"\n\n'
        rebuilt = email.parser.Parser(policy=_POLICY).parsestr(header + body)
        if isinstance(rebuilt.get_payload(), list):
            problems.append("a multipart without its boundary was read by its delimiter lines")
            _walk(rebuilt, collected, problems, depth + 1)
            return
    problems.append("a multipart without parts was read as text")
    collected.texts.append(decode_bytes(_payload_bytes(part), "", problems))


def _fields_attachment(part: Message, content_type: str, blocks: list[Any]) -> ParsedAttachment:
    data = b"\n".join(
        block.as_bytes(policy=_POLICY) for block in blocks if isinstance(block, Message)
    )
    return ParsedAttachment(
        filename=content_type.split("/", 1)[1] + ".txt",
        content_type=content_type,
        data=data,
        content_id=_content_id(part.get("content-id")),
        inline=False,
    )


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
        # An empty version (a placeholder part) never hides a real one.
        texts = version.texts if any(text.strip() for text in version.texts) else texts
        htmls = version.htmls if any(html.strip() for html in version.htmls) else htmls
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
        charset = meta_charset(data)
    text = decode_bytes(data, charset, problems)
    if _param(part, "format") == "flowed" and part.get_content_type() == "text/plain":
        text = _unflow(text, delsp=_param(part, "delsp") == "yes")
    return text


def _payload_bytes(part: Message) -> bytes:
    data = part.get_payload(decode=True)
    if isinstance(data, bytes):
        return data
    payload = part.get_payload()
    if isinstance(payload, str):
        return payload.encode("utf-8", "surrogateescape")
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
        subject = collapse_whitespace(decode_header_value(inner.get("subject") or "", problems))
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
    cleaned = clean_text(value).strip().strip("<>").strip()
    return cleaned[:998] or None


_UNSAFE_FILENAME = re.compile(r'[\x00-\x1f\x7f<>:"|?*]')


def safe_filename(name: str, content_type: str) -> str:
    """A file name without path, control characters or characters Windows refuses; never empty."""
    name = clean_text(name).replace("\\", "/").rsplit("/", 1)[-1]
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
    guessed = mimetypes.guess_extension(content_type, strict=False)
    fallback = ".txt" if content_type.startswith("text/") else ".bin"
    return "attachment" + (guessed or fallback)


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


# --- headers ------------------------------------------------------------------------------


def _header(message: Message, name: str, problems: list[str]) -> str:
    value = message.get(name)
    if not isinstance(value, str):
        return ""
    if len(value) > MAX_HEADER:
        problems.append(f"the {name} header is longer than {MAX_HEADER} characters; cut")
        value = value[:MAX_HEADER]
    return value


def _parsed_addresses(message: Message, name: str, problems: list[str]) -> list[tuple[str, str]]:
    values = message.get_all(name) or []
    headers = []
    for value in values:
        if isinstance(value, str):
            headers.append(value[:MAX_HEADER])
    return email.utils.getaddresses(headers)


def _address(addr: str, problems: list[str]) -> str | None:
    addr = clean_text(decode_raw_header(addr.strip(), problems)).lower()
    if "@" not in addr or any(ch.isspace() for ch in addr) or len(addr) > 320:
        return None
    local, _, domain = addr.rpartition("@")
    return addr if local and domain else None


def _first_address(message: Message, name: str, problems: list[str]) -> tuple[str, str | None]:
    for display, addr in _parsed_addresses(message, name, problems):
        address = _address(addr, problems)
        if address:
            return collapse_whitespace(decode_header_value(display, problems)), address
    return "", None


def _addresses(message: Message, name: str, problems: list[str]) -> list[str]:
    found: dict[str, None] = {}
    for _, addr in _parsed_addresses(message, name, problems):
        address = _address(addr, problems)
        if address:
            found.setdefault(address)
    return list(found)


_ANGLE_ID = re.compile(r"<([^<>\s]{1,998})>")


def _ids(value: str) -> list[str]:
    value = clean_text(value)
    ids = _ANGLE_ID.findall(value)
    if not ids:
        ids = [token.strip("<>") for token in value.split() if "@" in token]
    unique: dict[str, None] = {}
    for item in ids:
        item = item.strip()[:998]
        if item:
            unique.setdefault(item)
    return list(unique)


def _first_id(value: str) -> str | None:
    ids = _ANGLE_ID.findall(clean_text(value))
    if ids:
        return ids[0].strip() or None
    stripped = clean_text(value).strip().strip("<>").strip()
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
    own: set[str],
    problems: list[str],
) -> Bounce | None:
    """A delivery failure: a delivery status report (RFC 3464), else mail from a mailer daemon
    or postmaster, or with a null return path and a bounce's subject. `own`: the bounce's own
    addresses (From, To, Cc: the desk that sent the failed mail), never a failed recipient."""
    if message.get_content_type() == "multipart/report":
        has_status, report = _delivery_status(message, problems)
        if has_status:
            return report
    local = (from_address or "").split("@", 1)[0]
    null_sender = _header(message, "return-path", problems).strip() == "<>"
    from_daemon = local in _DAEMONS or (
        not from_address and "mailer-daemon" in _header(message, "from", problems).lower()
    )
    if not (from_daemon or (null_sender and _BOUNCE_SUBJECT.search(subject))):
        return None
    lines = _report_lines(text)
    found: dict[str, None] = {}
    for _, addr in email.utils.getaddresses([_header(message, "x-failed-recipients", problems)]):
        if address := _address(addr, problems):
            found.setdefault(address)
    # Postfix and qmail: "<user@example.com>: host ... said: 550 ..."; else the addresses on
    # lines that tell a failure; else any address of the report.
    for pattern, wanted in ((_FAILED_ADDRESS, None), (_ADDRESS_IN_TEXT, _FAILURE_WORDS)):
        for line in lines:
            if found or (wanted is not None and not wanted.search(line)):
                continue
            for candidate in pattern.findall(line):
                candidate = candidate.lower()
                if candidate not in own and candidate.split("@", 1)[0] not in _DAEMONS:
                    found.setdefault(candidate)
    if not found:
        for line in lines:
            for candidate in _ADDRESS_IN_TEXT.findall(line):
                candidate = candidate.lower()
                if candidate not in own and candidate.split("@", 1)[0] not in _DAEMONS:
                    found.setdefault(candidate)
    reason = next((line.strip() for line in lines if _SMTP_REASON.search(line)), "")
    return Bounce(recipients=list(found)[:50], reason=clean_text(reason[:1000] or subject))


_FAILED_ADDRESS = re.compile(r"<([^<>\s@]{1,64}@[^<>\s@]{1,255})>\s*:")
_FAILURE_WORDS = re.compile(
    r"fail|undeliver|unknown|reject|not exist|n't be delivered|not be delivered|denied|invalid"
    r"|no such|unavailable|not found|无法|失败|退信|不存在|未送达|\b5\d\d\b",
    re.IGNORECASE,
)
_ORIGINAL_STARTS = re.compile(
    r"^(?:received|return-path|message-id|from|to|subject|date|content-type|dkim-signature)"
    r"\s*:|^-{2,}.{0,40}(?:original|copy|below|message|原始|原邮件)",
    re.IGNORECASE,
)


def _report_lines(text: str) -> list[str]:
    """The lines of a bounce's own report: up to where the returned message begins."""
    lines: list[str] = []
    for line in text.splitlines()[:300]:
        line = line[:1000]
        if _ORIGINAL_STARTS.match(line.strip()):
            break
        lines.append(line)
    return lines


def _delivery_status(message: Message, problems: list[str]) -> tuple[bool, Bounce | None]:
    """(whether the report has a delivery status, the failure it reports: None when every
    recipient was delivered, relayed or only delayed)."""
    for part in message.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        payload = part.get_payload()
        if isinstance(payload, list):
            blocks = [
                {name.lower(): collapse_whitespace(str(value)) for name, value in block.items()}
                for block in payload
                if isinstance(block, Message)
            ]
        else:
            blocks = _field_blocks(decode_bytes(_payload_bytes(part), "utf-8", problems))
        recipients: dict[str, None] = {}
        reasons: list[str] = []
        for block in blocks:
            recipient = block.get("final-recipient") or block.get("original-recipient") or ""
            if not recipient:
                continue
            action = block.get("action", "").lower()
            status = block.get("status", "")
            if action != "failed" and (action or not status.startswith("5")):
                continue
            address = clean_text(recipient.split(";", 1)[-1].strip().strip("<>").lower())
            if address:
                recipients.setdefault(address)
            diagnostic = block.get("diagnostic-code", "").split(";", 1)[-1].strip()
            reasons.append(diagnostic or status)
        if not recipients:
            return True, None
        return True, Bounce(recipients=list(recipients)[:50], reason=clean_text(reasons[0])[:1000])
    return False, None


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
