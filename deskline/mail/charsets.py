"""Text from the bytes and headers of real mail, whose charset labels are often wrong. Pure.

- `decode_bytes`: the declared charset, or the superset of it that senders really use ("gb2312"
  is GBK or GB18030, "big5" Big5-HKSCS, "iso-8859-1" Windows-1252, "iso-2022-jp" often Windows'
  code page 50220), else UTF-8, else GB18030 when the bytes look Chinese, else Windows-1252;
- `decode_header_value`: RFC 2047 encoded words (adjacent ones of one charset joined before
  decoding, so that a character split across two words survives) and raw 8-bit headers;
- `clean_text`: no NUL and no lone surrogate, which PostgreSQL refuses to store.

Each oddity met is appended to the caller's `problems` (English, for the admins).
"""

from __future__ import annotations

import binascii
import codecs
import functools
import itertools
import re

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
_WINDOWS_JIS = "cp50220"  # decoded by _windows_jis: Python has no codec for it
# When the superset refuses the bytes, these come next (Windows' Big5, the JIS variants).
_NEXT = {
    "big5hkscs": ("cp950",),
    "iso2022_jp": ("iso2022_jp_2", "iso2022_jp_ext", "iso2022_jp_2004", _WINDOWS_JIS),
    "euc_jp": ("euc_jis_2004", "cp932"),
    "cp932": ("shift_jis_2004",),
}
_SINGLE_BYTE_PREFIXES = ("cp12", "cp8", "iso8859", "koi8", "mac-", "tis", "latin")
_MULTI_BYTE = frozenset(
    ("gb18030", "big5hkscs", "cp950", "cp932", "euc_jp", "cp949", "euc_kr", "shift_jis", "gbk")
)
_HIGH = re.compile(rb"[\x80-\xff]")


def _label(charset: str) -> str:
    charset = charset.strip().strip("\"'").strip().lower()
    return _SUPERSETS.get(charset, charset)


@functools.lru_cache(maxsize=256)
def _codec(label: str) -> str | None:
    """Python's name of the text codec for a label; None for a label it does not know (or for
    a codec that is not a text encoding, such as "zlib")."""
    if not label or len(label) > 40:
        return None
    try:
        info = codecs.lookup(label)
    except (LookupError, ValueError):
        return None
    return info.name if getattr(info, "_is_text_encoding", True) else None


def decode_bytes(data: bytes, charset: str, problems: list[str]) -> str:
    """`data` as text: in the declared charset (or the superset of it that real senders use),
    else UTF-8, else GB18030 when the bytes look Chinese, else Windows-1252 with replacements.
    Never raises."""
    high = _HIGH.search(data) is not None
    if not high and b"\x1b" not in data:
        return data.decode("ascii")
    label = _label(charset)
    codec = _codec(label) if label else None
    if label and codec is None:
        problems.append(f"unknown charset {charset[:40]!r}")
    if codec is not None and codec != "ascii":
        if high and (codec.startswith(_SINGLE_BYTE_PREFIXES) or codec in _MULTI_BYTE):
            # UTF-8 that a client labelled with its locale's charset: valid UTF-8 of some length
            # is (almost) never text in another charset.
            utf8 = _utf8(data)
            if utf8 is not None and (codec not in _MULTI_BYTE or _has_cjk(utf8)):
                problems.append(f"text declared {charset} is UTF-8")
                return utf8
        for candidate in (codec, *_NEXT.get(codec, ())):
            if candidate == "utf-8":
                candidate = "utf-8-sig"  # a byte-order mark is no text
            try:
                return _windows_jis(data) if candidate == _WINDOWS_JIS else data.decode(candidate)
            except UnicodeDecodeError:
                continue
        problems.append(f"text declared {charset} does not decode as it")
        if not high:  # 7-bit ISO-2022 text would pass as UTF-8, escape sequences and all
            return data.decode(codec, errors="replace")
    elif not high:  # ISO-2022-JP without its label
        for candidate in ("iso2022_jp_2", "iso2022_jp_ext"):
            try:
                return data.decode(candidate)
            except UnicodeDecodeError:
                continue
    utf8 = _utf8(data)
    if utf8 is not None:
        return utf8
    chinese = _as_chinese(data)
    if chinese is not None:
        if codec != "gb18030":
            problems.append(f"text declared {charset or 'without charset'} read as GB18030")
        return chinese
    if codec is not None and codec != "ascii":
        return data.decode(codec, errors="replace")
    problems.append(f"8-bit text declared {charset or 'without charset'} read as Windows-1252")
    return data.decode("cp1252", errors="replace")


def _windows_jis(data: bytes) -> str:
    """ISO-2022-JP as Windows writes it (code page 50220): JIS X 0208 with the NEC and IBM
    extensions (circled numbers, roman numerals...), read through Shift_JIS as code page 932."""
    out = bytearray()
    mode = "ascii"
    position = 0
    while position < len(data):
        byte = data[position]
        if byte == 0x1B:
            sequence = data[position + 1 : position + 3]
            modes = {b"$B": "jis", b"$@": "jis", b"(B": "ascii", b"(J": "ascii", b"(I": "kana"}
            if sequence not in modes:
                raise UnicodeDecodeError("cp50220", data, position, position + 3, "escape")
            mode = modes[sequence]
            position += 3
        elif mode == "jis" and 0x21 <= byte <= 0x7E and position + 1 < len(data):
            second = data[position + 1]
            lead = (byte + 1) // 2 + (0x70 if byte <= 0x5E else 0xB0)
            odd = byte % 2
            trail = second + ((0x1F if second <= 0x5F else 0x20) if odd else 0x7E)
            out += bytes((lead, trail))
            position += 2
        else:
            out.append(byte | 0x80 if mode == "kana" and 0x21 <= byte <= 0x5F else byte)
            position += 1
    return out.decode("cp932")


def _utf8(data: bytes) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


_CJK = re.compile("[\u2e80-\u9fff\uac00-\ud7af]")
_WIDE = re.compile("[^\x00-\x7f]")
_SAMPLE = 4000  # non-ASCII characters looked at to judge a text's language


def _has_cjk(text: str) -> bool:
    return _CJK.search(text) is not None


def _as_chinese(data: bytes) -> str | None:
    """GB18030 text, when the bytes decode as it and most of their characters are common ones
    (GB2312's, both bytes high): Latin-1 accents next to letters decode too, as rare characters
    ("naïve" as "na飗e"), which this refuses."""
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    wide = [found.group() for found in itertools.islice(_WIDE.finditer(text), _SAMPLE)]
    common = 0
    for ch in wide:
        encoded = ch.encode("gb18030")
        common += len(encoded) == 2 and encoded[0] >= 0xA1 and encoded[1] >= 0xA1
    return text if wide and common >= 0.8 * len(wide) else None


# An encoded word (RFC 2047): the text part holds no "?" nor white space, so this never backtracks.
_ENCODED_WORD = re.compile(r"=\?([^?\s]+)\?([bBqQ])\?([^?\s]*)\?=")


def decode_header_value(value: str, problems: list[str]) -> str:
    """A header's text: RFC 2047 words decoded (adjacent ones in one charset joined first), raw
    8-bit bytes read as UTF-8 or their likely charset, folding undone."""
    if not value:
        return ""
    value = value.replace("\r", "").replace("\n", "")
    if "=?" not in value:
        return clean_text(decode_raw_header(value, problems))
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
                pieces.append(decode_raw_header(between, problems))
            run_charset = charset
        run.append(_word_bytes(match.group(2), match.group(3), problems))
        position = match.end()
    flush()
    pieces.append(decode_raw_header(value[position:], problems))
    return clean_text("".join(pieces))


def _word_bytes(encoding: str, text: str, problems: list[str]) -> bytes:
    if encoding in "qQ":
        return binascii.a2b_qp(text.encode("ascii", "surrogateescape"), header=True)
    data = text.encode("ascii", "surrogateescape")
    try:
        return binascii.a2b_base64(data + b"=" * (-len(data) % 4))
    except binascii.Error:
        problems.append("an encoded word is not valid base64")
        return data


def decode_raw_header(value: str, problems: list[str]) -> str:
    """A header string as the parser left it: 8-bit bytes are surrogates; read them."""
    try:
        data = value.encode("ascii", "surrogateescape")
    except UnicodeEncodeError:
        return value
    return decode_bytes(data, "", problems) if _HIGH.search(data) else value


_WHITESPACE = re.compile(r"\s+")


def collapse_whitespace(value: str) -> str:
    return _WHITESPACE.sub(" ", value).strip()


def clean_text(value: str) -> str:
    """No NUL, no lone surrogate: what PostgreSQL refuses to store."""
    if "\x00" in value:
        value = value.replace("\x00", "")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        value = value.encode("utf-8", "replace").decode("utf-8")
    return value
