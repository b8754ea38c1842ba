"""parse_message: what Deskline reads of a message, whatever its charset, structure or damage."""

from __future__ import annotations

import base64
import datetime
import random
import time
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from pathlib import Path

import pytest

from deskline.mail.parsing import Bounce, ParsedAttachment, ParsedMessage, parse_message

MESSAGES = Path(__file__).parent / "messages"


def message(*headers: str, body: bytes = b"Hello\r\n") -> bytes:
    """A message of these header lines (str, ASCII) and this body (bytes, as sent)."""
    return ("\r\n".join(headers) + "\r\n\r\n").encode("ascii") + body


def text_message(body: bytes, charset: str | None, *headers: str, encoding: str = "8bit") -> bytes:
    content_type = "text/plain" + (f'; charset="{charset}"' if charset else "")
    return message(
        "From: sender@example.com",
        *headers,
        f"Content-Type: {content_type}",
        f"Content-Transfer-Encoding: {encoding}",
        body=body,
    )


def encoded_word(text: str, charset: str, codec: str | None = None) -> str:
    data = base64.b64encode(text.encode(codec or charset)).decode("ascii")
    return f"=?{charset}?B?{data}?="


# --- the well-formed message --------------------------------------------------------------


def test_a_plain_message_gives_its_addresses_ids_subject_date_and_text() -> None:
    parsed = parse_message(
        message(
            'From: "Zhang Min" <Zhang.Min@Example.COM>',
            "To: desk@example.com, Li Wei <li.wei@example.com>",
            "Cc: boss@example.com",
            "Reply-To: <replies@example.com>",
            "Subject: Printer  on\r\n floor 3",
            "Message-ID: <abc.123@example.com>",
            "In-Reply-To: <b@example.com>",
            "References: <a@example.com>\r\n <b@example.com>",
            "Date: Tue, 3 Mar 2026 10:00:00 +0800",
            body=b"The printer is jammed.\r\n",
        )
    )
    assert isinstance(parsed, ParsedMessage)
    assert parsed.message_id == "abc.123@example.com"
    assert parsed.in_reply_to == ["b@example.com"]
    assert parsed.references == ["a@example.com", "b@example.com"]
    assert parsed.from_address == "zhang.min@example.com"
    assert parsed.from_name == "Zhang Min"
    assert parsed.reply_to == "replies@example.com"
    assert parsed.to == ["desk@example.com", "li.wei@example.com"]
    assert parsed.cc == ["boss@example.com"]
    assert parsed.subject == "Printer on floor 3"
    assert parsed.date == datetime.datetime(2026, 3, 3, 2, 0, tzinfo=datetime.UTC)
    assert parsed.text == "The printer is jammed.\n"
    assert parsed.reply_text == "The printer is jammed."
    assert parsed.html is None
    assert parsed.attachments == []
    assert parsed.auto_submitted is False
    assert parsed.bounce is None
    assert parsed.problems == []


def test_the_size_is_the_length_of_the_raw_bytes() -> None:
    raw = message("From: a@example.com", body=b"x" * 1234)
    assert parse_message(raw).size == len(raw)


def test_a_date_without_zone_is_read_as_utc_and_a_bad_date_as_none() -> None:
    naive = parse_message(message("Date: Tue, 3 Mar 2026 10:00:00 -0000"))
    assert naive.date == datetime.datetime(2026, 3, 3, 10, 0, tzinfo=datetime.UTC)
    bad = parse_message(message("Date: the day after tomorrow"))
    assert bad.date is None
    assert "the Date header could not be read" in bad.problems


def test_message_ids_without_brackets_and_empty_ones() -> None:
    assert parse_message(message("Message-ID: abc@example.com")).message_id == "abc@example.com"
    assert parse_message(message("Message-ID: <>")).message_id is None
    assert parse_message(message("Message-ID:   ")).message_id is None
    references = parse_message(message("References: a@x b@x <c@x>")).references
    assert references == ["c@x"]  # bracketed ids win; bare ones only when there are none
    assert parse_message(message("References: a@x b@x")).references == ["a@x", "b@x"]


def test_a_thousand_references_keep_the_thread_root_and_the_latest() -> None:
    ids = " ".join(f"<{number}@example.com>" for number in range(1000))
    parsed = parse_message(message(f"References: {ids}"))
    assert len(parsed.references) == 100
    assert parsed.references[0] == "0@example.com"
    assert parsed.references[-1] == "999@example.com"


# --- charsets -----------------------------------------------------------------------------


def test_gb2312_labelled_text_with_gbk_characters_reads_correctly() -> None:
    """镕, 祎 and 喆 are in GBK, not in GB2312: senders label GBK (and GB18030) "gb2312"."""
    parsed = parse_message((MESSAGES / "gb2312_with_gbk_characters.eml").read_bytes())
    assert parsed.from_name == "朱镕基"
    assert parsed.from_address == "zhu.rongji@example.cn"
    assert parsed.subject == "关于王祎和李喆的打印机问题"
    assert parsed.text.startswith("王祎的打印机又卡纸了，李喆说是墨盒的问题。请尽快处理。\n")
    assert parsed.reply_text == "王祎的打印机又卡纸了，李喆说是墨盒的问题。请尽快处理。\n\n朱镕基"
    assert parsed.problems == []


def test_gb2312_labelled_text_with_a_gb18030_four_byte_character() -> None:
    text = "扩展汉字𠀀与欧元€"
    parsed = parse_message(text_message(text.encode("gb18030"), "gb2312"))
    assert parsed.text == text
    assert parsed.problems == []


@pytest.mark.parametrize(
    ("text", "charset", "codec"),
    [
        ("你好，世界", "utf-8", "utf-8"),
        ("香港的士「㗎」", "big5", "big5hkscs"),
        ("繁體中文測試", "big5", "big5"),
        ("日本語のテキストです", "iso-2022-jp", "iso-2022-jp"),
        ("日本語のテキストです", "shift_jis", "shift_jis"),
        ("日本語のテキストです", "euc-jp", "euc-jp"),
        ("한국어 텍스트", "ks_c_5601-1987", "cp949"),
        ("Zażółć gęślą jaźń", "iso-8859-2", "iso-8859-2"),
        ("Ærøskøbing café", "iso-8859-1", "iso-8859-1"),
        ("Prix : 10 € — «OK»", "iso-8859-1", "cp1252"),
        ("Привет, мир", "koi8-r", "koi8-r"),
        ("Привет, мир", "windows-1251", "cp1251"),
        ("Ελληνικά", "windows-1253", "cp1253"),
        ("Ελληνικά", "iso-8859-7", "iso-8859-7"),
        ("Türkçe ğüş", "windows-1254", "cp1254"),
        ("עברית", "windows-1255", "cp1255"),
    ],
)
def test_text_in_each_charset_a_mailbox_carries(text: str, charset: str, codec: str) -> None:
    parsed = parse_message(text_message(text.encode(codec) + b"\r\n", charset))
    assert parsed.text == text + "\n"
    assert parsed.problems == []


def test_iso_2022_jp_as_windows_writes_it_with_circled_numbers() -> None:
    """Outlook writes NEC's special characters (①, Ⅲ, ㈱) in ISO-2022-JP's JIS X 0208 set."""
    text = "会議は①と②、Ⅲ号室　㈱デスク"
    jis = b"".join(
        b"\x1b$B" + bytes.fromhex(code) + b"\x1b(B"
        for code in ("3271", "3544", "244f", "2d21", "2448", "2d22", "2122", "2d37", "3966")
    )
    jis += b"\x1b$B" + bytes.fromhex("3c3c2121") + b"\x1b(B"  # 室, ideographic space
    jis += b"\x1b$B" + bytes.fromhex("2d6a25472539252f") + b"\x1b(B"  # ㈱デスク
    parsed = parse_message(text_message(jis, "iso-2022-jp", encoding="7bit"))
    assert parsed.text == text
    assert parsed.problems == []


def test_utf8_labelled_as_latin1_is_read_as_utf8() -> None:
    parsed = parse_message(text_message("Grüße aus München".encode(), "iso-8859-1"))
    assert parsed.text == "Grüße aus München"
    assert parsed.problems == ["text declared iso-8859-1 is UTF-8"]


def test_gbk_labelled_utf8_is_read_as_gb18030() -> None:
    parsed = parse_message(text_message("打印机卡纸了".encode("gbk"), "utf-8"))
    assert parsed.text == "打印机卡纸了"
    assert "text declared utf-8 does not decode as it" in parsed.problems
    assert "text declared utf-8 read as GB18030" in parsed.problems


def test_utf8_labelled_gb2312_is_read_as_utf8() -> None:
    parsed = parse_message(text_message("打印机卡纸了".encode(), "gb2312"))
    assert parsed.text == "打印机卡纸了"
    assert parsed.problems == ["text declared gb2312 is UTF-8"]


def test_an_unknown_charset_falls_back_to_utf8_then_windows_1252() -> None:
    as_utf8 = parse_message(text_message("naïve".encode(), "x-klingon"))
    assert as_utf8.text == "naïve"
    assert as_utf8.problems == ["unknown charset 'x-klingon'"]
    as_latin = parse_message(text_message("naïve".encode("latin-1"), "x-klingon"))
    assert as_latin.text == "naïve"
    assert "unknown charset 'x-klingon'" in as_latin.problems


def test_a_codec_that_is_not_a_text_encoding_is_an_unknown_charset() -> None:
    parsed = parse_message(text_message("naïve".encode(), "zlib"))
    assert parsed.text == "naïve"
    assert parsed.problems == ["unknown charset 'zlib'"]


def test_8bit_text_without_charset() -> None:
    assert parse_message(text_message("été".encode(), None)).text == "été"
    chinese = parse_message(text_message("没有声明字符集".encode("gbk"), None))
    assert chinese.text == "没有声明字符集"
    latin = parse_message(text_message("élève à l'école".encode("latin-1"), None))
    assert latin.text == "élève à l'école"
    assert latin.problems == ["8-bit text declared without charset read as Windows-1252"]


def test_bytes_that_fit_no_charset_are_replaced_not_fatal() -> None:
    parsed = parse_message(text_message(b"ok \xff\xfe\x80 ok", "utf-8"))
    assert parsed.text.startswith("ok ") and parsed.text.endswith(" ok")
    assert "text declared utf-8 does not decode as it" in parsed.problems


def test_quoted_printable_and_base64_bodies() -> None:
    qp = parse_message(
        text_message(b"caf=C3=A9 =E2=82=AC=\r\n10", "utf-8", encoding="quoted-printable")
    )
    assert qp.text == "café €10"
    b64 = parse_message(
        text_message(base64.b64encode("中文正文".encode("gbk")), "gb2312", encoding="base64")
    )
    assert b64.text == "中文正文"


def test_format_flowed_lines_are_joined() -> None:
    raw = message(
        "From: a@example.com",
        "Content-Type: text/plain; charset=utf-8; format=flowed; delsp=no",
        body=(
            b"A long line that \r\ncontinues here.\r\n\r\n"
            b"> quoted that \r\n> goes on\r\n-- \r\nSig\r\n"
        ),
    )
    parsed = parse_message(raw)
    assert parsed.text == "A long line that continues here.\n\n> quoted that goes on\n-- \nSig\n"
    assert parsed.reply_text == "A long line that continues here."


# --- encoded words ------------------------------------------------------------------------


def test_encoded_words_b_and_q_adjacent_joined() -> None:
    subject = "=?utf-8?q?Caf=C3=A9?= =?utf-8?b?IOKCrDEw?=  and =?iso-8859-1?q?=E9t=E9?="
    assert parse_message(message(f"Subject: {subject}")).subject == "Café €10 and été"


def test_a_character_split_across_two_encoded_words_survives() -> None:
    data = "打印机".encode()
    first = base64.b64encode(data[:4]).decode()
    second = base64.b64encode(data[4:]).decode()
    subject = f"=?utf-8?B?{first}?=\r\n =?utf-8?B?{second}?="
    parsed = parse_message(message(f"Subject: {subject}"))
    assert parsed.subject == "打印机"
    assert parsed.problems == []


def test_a_wrongly_labelled_gb2312_encoded_word() -> None:
    subject = encoded_word("喆的电脑蓝屏", "gb2312", "gbk")
    assert parse_message(message(f"Subject: {subject}")).subject == "喆的电脑蓝屏"
    utf8 = encoded_word("喆的电脑蓝屏", "gb2312", "utf-8")
    assert parse_message(message(f"Subject: {utf8}")).subject == "喆的电脑蓝屏"


def test_encoded_words_in_every_charset_and_with_a_language() -> None:
    assert parse_message(message(f"Subject: {encoded_word('測試', 'big5')}")).subject == "測試"
    japanese = encoded_word("日本語", "iso-2022-jp")
    assert parse_message(message(f"Subject: {japanese}")).subject == "日本語"
    assert parse_message(message("Subject: =?utf-8*en?q?Hello?=")).subject == "Hello"
    assert parse_message(message("Subject: =?koi8-r?q?=F0=D2=C9=D7=C5=D4?=")).subject == "Привет"


def test_raw_8bit_headers_in_utf8_or_gbk() -> None:
    raw = "From: 李伟 <li@example.com>\r\nSubject: 显示器坏了\r\n\r\nx".encode()
    parsed = parse_message(raw)
    assert (parsed.from_name, parsed.subject) == ("李伟", "显示器坏了")
    gbk = "Subject: 显示器坏了\r\n\r\nx".encode("gbk")
    assert parse_message(gbk).subject == "显示器坏了"


def test_a_broken_encoded_word_is_kept_as_text() -> None:
    parsed = parse_message(message("Subject: =?utf-8?b?not*base64?= =?nope?x?y?= end"))
    assert parsed.subject.endswith("=?nope?x?y?= end")


def test_the_subject_is_cut_at_998_characters() -> None:
    parsed = parse_message(message("Subject: " + "word " * 400))
    assert len(parsed.subject) == 998


def test_encoded_display_names_and_addresses() -> None:
    name = encoded_word("王祎", "gb2312", "gbk")
    parsed = parse_message(
        message(
            f"From: {name} <Wang.Yi@Example.CN>",
            f'To: "{encoded_word("服务台", "utf-8")}" <DESK@example.cn>, undisclosed-recipients:;',
        )
    )
    assert (parsed.from_name, parsed.from_address) == ("王祎", "wang.yi@example.cn")
    assert parsed.to == ["desk@example.cn"]


# --- HTML ---------------------------------------------------------------------------------

HTML = """<html><head><title>Newsletter</title><style>p { color: red }</style>
<script>alert("head")</script></head>
<body onload="steal()">
<p style="color:red" onclick="steal()">Hello <b>Li</b>,&nbsp;the printer on floor 3 is
jammed.</p>
<p>Steps:<br>one<br>two</p>
<ul><li>first item</li><li>second item</li></ul>
<p>See <a href="https://help.example.com/printers?floor=3&amp;x=1">the guide</a> or
<a href="mailto:desk@example.com">desk@example.com</a>.</p>
<img src="https://tracker.example.net/open.gif" width="1" height="1" alt="">
<img src="cid:logo@example.com" alt="Logo">
<a href="javascript:alert(1)">click</a>
<form action="https://evil.example.net"><input name="password"></form>
<iframe src="https://evil.example.net"></iframe>
<script>alert("body")</script>
<blockquote>On Monday the desk wrote:<br>Please restart it.</blockquote>
</body></html>"""


def html_message(html: str = HTML, charset: str = "utf-8") -> bytes:
    return message(
        "From: a@example.com",
        f"Content-Type: text/html; charset={charset}",
        "Content-Transfer-Encoding: 8bit",
        body=html.encode(charset),
    )


def test_html_only_mail_is_sanitised() -> None:
    parsed = parse_message(html_message())
    assert parsed.html is not None
    for unwanted in (
        "<script",
        "alert",
        "<style",
        "color",
        "onload",
        "onclick",
        "steal",
        "tracker.example.net",
        "javascript:",
        "<form",
        "<input",
        "<iframe",
        "evil.example.net",
        "Newsletter",
    ):
        assert unwanted not in parsed.html, unwanted
    assert '<img src="cid:logo@example.com" alt="Logo">' in parsed.html
    assert 'href="https://help.example.com/printers?floor=3&amp;x=1"' in parsed.html


def test_html_only_mail_has_a_readable_text_version() -> None:
    parsed = parse_message(html_message())
    assert parsed.text == (
        "Hello Li, the printer on floor 3 is jammed.\n"
        "\n"
        "Steps:\n"
        "one\n"
        "two\n"
        "\n"
        "- first item\n"
        "- second item\n"
        "\n"
        "See the guide <https://help.example.com/printers?floor=3&x=1> or desk@example.com.\n"
        "\n"
        "[Logo] click\n"
        "\n"
        "> On Monday the desk wrote:\n"
        "> Please restart it."
    )
    assert parsed.reply_text == (
        "Hello Li, the printer on floor 3 is jammed.\n\nSteps:\none\ntwo\n\n- first item\n"
        "- second item\n\nSee the guide <https://help.example.com/printers?floor=3&x=1> or "
        "desk@example.com.\n\n[Logo] click"
    )


def test_html_charset_from_its_meta_tag_when_the_part_has_none() -> None:
    html = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk">'
    html += "</head><body><p>显示器坏了</p></body></html>"
    raw = message("From: a@example.com", "Content-Type: text/html", body=html.encode("gbk"))
    parsed = parse_message(raw)
    assert parsed.text == "显示器坏了"
    assert parsed.problems == []


def test_alternative_takes_the_plain_text_and_the_html() -> None:
    mail = MIMEMultipart("alternative")
    mail["From"] = "a@example.com"
    mail.attach(MIMEText("Plain version", "plain", "utf-8"))
    mail.attach(MIMEText("<p>HTML <b>version</b></p>", "html", "utf-8"))
    parsed = parse_message(mail.as_bytes())
    assert parsed.text == "Plain version"
    assert parsed.html == "<p>HTML <b>version</b></p>"


def test_an_empty_plain_version_gives_way_to_the_html() -> None:
    mail = MIMEMultipart("alternative")
    mail.attach(MIMEText("\n\n", "plain", "utf-8"))
    mail.attach(MIMEText("<p>Only the HTML says it.</p>", "html", "utf-8"))
    assert parse_message(mail.as_bytes()).text == "Only the HTML says it."


def test_an_empty_placeholder_version_never_hides_the_real_one() -> None:
    inner = MIMEMultipart("alternative")
    inner.attach(MIMEText("The real text.", "plain", "utf-8"))
    inner.attach(MIMEText("", "plain", "utf-8"))
    outer = MIMEMultipart("alternative")
    outer.attach(MIMEText("Older version.", "plain", "utf-8"))
    outer.attach(inner)
    assert parse_message(outer.as_bytes()).text == "The real text."


# --- attachments --------------------------------------------------------------------------

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
)


def test_inline_image_of_a_related_html_part() -> None:
    raw = message(
        "From: a@example.com",
        'Content-Type: multipart/related; boundary="rel"',
        body=(
            b"--rel\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
            b'<p>Screen:</p><img src="cid:shot.1@example.com">\r\n'
            b"--rel\r\nContent-Type: image/png\r\nContent-ID: <shot.1@example.com>\r\n"
            b"Content-Transfer-Encoding: base64\r\n\r\n"
            + base64.b64encode(PNG)
            + b"\r\n--rel--\r\n"
        ),
    )
    parsed = parse_message(raw)
    assert parsed.attachments == [
        ParsedAttachment(
            filename="attachment.png",
            content_type="image/png",
            data=PNG,
            content_id="shot.1@example.com",
            inline=True,
        )
    ]
    assert parsed.html == '<p>Screen:</p><img src="cid:shot.1@example.com">'
    assert parsed.text == "Screen:"


def test_attachments_with_rfc2047_and_rfc2231_names() -> None:
    mail = MIMEMultipart("mixed")
    mail["From"] = "a@example.com"
    mail.attach(MIMEText("See attached.", "plain", "utf-8"))
    report = MIMEApplication(b"%PDF-1.4 report", "pdf")
    report.add_header("Content-Disposition", "attachment", filename=("utf-8", "", "报告.pdf"))
    mail.attach(report)
    gbk_name = MIMEApplication(b"gbk", "octet-stream")
    gbk_name.add_header("Content-Disposition", "attachment; filename*=gb2312''%E9F.txt")
    mail.attach(gbk_name)
    encoded = MIMEApplication(b"PK\x03\x04", "zip")
    name = encoded_word("日志.zip", "gb2312", "gbk")
    encoded.add_header("Content-Disposition", f'attachment; filename="{name}"')
    mail.attach(encoded)
    by_type = MIMEApplication(b"\x00\x01", "x-custom")
    mail.attach(by_type)
    parsed = parse_message(mail.as_bytes())
    assert parsed.text == "See attached."
    assert [
        (item.filename, item.content_type, item.data, item.inline) for item in parsed.attachments
    ] == [
        ("报告.pdf", "application/pdf", b"%PDF-1.4 report", False),
        ("镕.txt", "application/octet-stream", b"gbk", False),
        ("日志.zip", "application/zip", b"PK\x03\x04", False),
        ("attachment.bin", "application/x-custom", b"\x00\x01", False),
    ]


@pytest.mark.parametrize(
    ("name", "safe"),
    [
        ("..\\..\\Windows\\evil.exe", "evil.exe"),
        ("/etc/passwd", "passwd"),
        ("photo\u202egnp.js", "photognp.js"),
        ('a<b>:c"d|e?f*.txt', "a_b__c_d_e_f_.txt"),
        ("report.pdf. . ", "report.pdf"),
        ("..", "attachment.pdf"),
        ("x" * 300 + ".pdf", "x" * 196 + ".pdf"),
    ],
)
def test_attachment_names_are_made_safe(name: str, safe: str) -> None:
    part = MIMEApplication(b"data", "pdf")
    part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", name))
    mail = MIMEMultipart("mixed")
    mail.attach(part)
    assert [item.filename for item in parse_message(mail.as_bytes()).attachments] == [safe]


def test_text_attachments_are_attachments_and_inline_texts_join_the_body() -> None:
    mail = MIMEMultipart("mixed")
    mail.attach(MIMEText("First part.", "plain", "utf-8"))
    log = MIMEText("error log", "plain", "utf-8")
    log.add_header("Content-Disposition", "attachment", filename="error.log")
    mail.attach(log)
    mail.attach(MIMEText("Second part.", "plain", "utf-8"))
    calendar = MIMEText("BEGIN:VCALENDAR", "calendar", "utf-8")
    mail.attach(calendar)
    parsed = parse_message(mail.as_bytes())
    assert parsed.text == "First part.\n\nSecond part."
    assert [(item.filename, item.content_type) for item in parsed.attachments] == [
        ("error.log", "text/plain"),
        ("attachment.ics", "text/calendar"),
    ]


def forwarded(levels: int) -> bytes:
    inner = b"From: origin@example.com\r\nSubject: level %d\r\n\r\nthe original text\r\n" % levels
    for level in range(levels - 1, -1, -1):
        inner = (
            (
                b"From: forwarder%d@example.com\r\nSubject: level %d\r\n"
                b"Message-ID: <level.%d@example.com>\r\n"
                b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n'
                b"--b%d\r\nContent-Type: text/plain\r\n\r\nForwarding level %d.\r\n"
                b"--b%d\r\nContent-Type: message/rfc822\r\n\r\n" % ((level,) * 7)
            )
            + inner
            + b"\r\n--b%d--\r\n" % level
        )
    return inner


def test_a_forwarded_message_becomes_an_eml_attachment() -> None:
    parsed = parse_message(forwarded(1))
    assert parsed.text == "Forwarding level 0."
    [attachment] = parsed.attachments
    assert (attachment.filename, attachment.content_type) == ("level 1.eml", "message/rfc822")
    inner = parse_message(attachment.data)
    assert (inner.from_address, inner.subject) == ("origin@example.com", "level 1")
    assert inner.text == "the original text\n"


def test_forwarded_messages_nested_ten_deep_become_one_attachment_each_level() -> None:
    parsed = parse_message(forwarded(10))
    assert parsed.subject == "level 0"
    level, depth = parsed, 0
    while level.attachments:
        [attachment] = level.attachments
        level, depth = parse_message(attachment.data), depth + 1
        assert level.subject == f"level {depth}"
    assert depth == 10
    assert level.text == "the original text\n"


def test_a_thousand_nested_messages_keep_the_headers_and_the_body_as_text() -> None:
    parsed = parse_message(forwarded(1000))
    assert (parsed.message_id, parsed.subject) == ("level.0@example.com", "level 0")
    assert parsed.from_address == "forwarder0@example.com"
    assert parsed.problems[0] == (
        "the message's structure could not be parsed (RecursionError); its body was kept as text"
    )
    assert "Forwarding level 0." in parsed.text


def test_multipart_nested_deeper_than_the_limit_is_skipped() -> None:
    body = b"Content-Type: text/plain\r\n\r\ndeep text\r\n"
    for level in range(30):
        body = (
            b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (level, level)
            + body
            + b"\r\n--b%d--\r\n" % level
        )
    parsed = parse_message(b"From: a@example.com\r\n" + body)
    assert parsed.text == ""
    assert "MIME parts nested deeper than 20 were skipped" in parsed.problems


# --- machines -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        "Auto-Submitted: auto-replied",
        "Auto-Submitted: auto-generated; owner-email=x@example.com",
        "X-Autoreply: yes",
        "X-Autorespond: Out of office",
        "Precedence: bulk",
        "Precedence: junk",
        "Precedence: list",
        "X-Auto-Response-Suppress: All",
        "X-Auto-Response-Suppress: DR, OOF, AutoReply",
    ],
)
def test_auto_replies_lists_and_bulk_mail_are_auto_submitted(header: str) -> None:
    parsed = parse_message(message("From: a@example.com", header))
    assert parsed.auto_submitted is True
    assert parsed.bounce is None


@pytest.mark.parametrize(
    "header",
    ["Auto-Submitted: no", "Precedence: first-class", "List-Id: <it.example.com>", "X-Other: 1"],
)
def test_mail_a_person_wrote_is_not_auto_submitted(header: str) -> None:
    assert parse_message(message("From: a@example.com", header)).auto_submitted is False


def test_a_delivery_status_notification_is_a_bounce() -> None:
    parsed = parse_message((MESSAGES / "postfix_delivery_status.eml").read_bytes())
    assert parsed.bounce == Bounce(
        recipients=["wang.yi@example.org"],
        reason=(
            "550 5.1.1 <wang.yi@example.org>: Recipient address rejected: User unknown in "
            "virtual mailbox table"
        ),
    )
    assert parsed.auto_submitted is True
    assert [item.filename for item in parsed.attachments] == [
        "delivery-status.txt",
        "attachment.txt",
    ]


def test_a_delayed_delivery_report_is_no_bounce_but_auto_submitted() -> None:
    raw = (MESSAGES / "postfix_delivery_status.eml").read_bytes()
    raw = raw.replace(b"Action: failed", b"Action: delayed").replace(
        b"Status: 5.1.1", b"Status: 4.4.1"
    )
    parsed = parse_message(raw.replace(b"Auto-Submitted: auto-replied\r\n", b""))
    assert parsed.bounce is None
    assert parsed.auto_submitted is True


def test_a_plain_mailer_daemon_bounce_names_the_failed_recipient() -> None:
    raw = message(
        "From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.cn>",
        "To: desk@example.cn",
        "Subject: Mail delivery failed: returning message to sender",
        "Content-Type: text/plain; charset=utf-8",
        body=(
            b"This message was created automatically by mail delivery software.\r\n\r\n"
            b"A message that you sent could not be delivered to one or more of its\r\n"
            b"recipients. This is a permanent error. The following address(es) failed:\r\n\r\n"
            b"  li.zhe@example.org\r\n"
            b"    host mx.example.org [192.0.2.7]\r\n"
            b"    SMTP error from remote mail server after RCPT TO:<li.zhe@example.org>:\r\n"
            b"    550 5.1.1 No such user here\r\n\r\n"
            b"------ This is a copy of the message, including all the headers. ------\r\n\r\n"
            b"From: IT Desk <desk@example.cn>\r\nTo: li.zhe@example.org\r\n"
        ),
    )
    parsed = parse_message(raw)
    assert parsed.bounce == Bounce(
        recipients=["li.zhe@example.org"], reason="550 5.1.1 No such user here"
    )
    assert parsed.auto_submitted is True


def test_a_chinese_bounce_from_a_null_sender() -> None:
    raw = message(
        "Return-Path: <>",
        "From: =?utf-8?b?57O757uf6YCA5L+h?= <system@mail.example.cn>",
        "To: desk@example.cn",
        f"Subject: {encoded_word('系统退信', 'gb2312', 'gbk')}",
        "Content-Type: text/plain; charset=gb2312",
        body=(
            "很抱歉，您发送的邮件被退回。\r\n收件人 wang.yi@example.org 不存在 (550 5.1.1)\r\n"
        ).encode("gbk"),
    )
    parsed = parse_message(raw)
    assert parsed.bounce == Bounce(
        recipients=["wang.yi@example.org"], reason="收件人 wang.yi@example.org 不存在 (550 5.1.1)"
    )


def test_a_person_forwarding_a_bounce_is_no_bounce() -> None:
    raw = message(
        "From: Zhang Min <zhang.min@example.cn>",
        "To: desk@example.cn",
        "Subject: Fwd: Undelivered Mail Returned to Sender",
        body=b"Why does my mail to wang.yi@example.org bounce?\r\n",
    )
    parsed = parse_message(raw)
    assert parsed.bounce is None
    assert parsed.auto_submitted is False


# --- bad input ----------------------------------------------------------------------------


def test_no_from_and_no_message_id() -> None:
    parsed = parse_message(message("Subject: anonymous", body=b"who am I"))
    assert (parsed.from_address, parsed.from_name, parsed.message_id) == (None, "", None)
    assert parsed.text == "who am I"
    unparseable = parse_message(message("From: not an address", "Subject: x"))
    assert unparseable.from_address is None


def test_nul_bytes_never_reach_the_text() -> None:
    raw = message("From: a@example.com", "Subject: nul\x00here", body=b"body\x00with nul\r\n")
    parsed = parse_message(raw)
    assert (parsed.subject, parsed.text) == ("nulhere", "bodywith nul\n")
    assert "the message contains NUL bytes" in parsed.problems


def test_a_100_kb_header_is_read_in_bounded_time() -> None:
    for name, value in (
        ("Subject", "=?utf-8?q?a" * 10_000),
        ("Subject", "word " * 20_000),
        ("To", ", ".join(f"user{number}@example.com" for number in range(5_000))),
        ("References", " ".join(f"<{number}@example.com>" for number in range(5_000))),
        ("Content-Type", 'text/plain; name="' + ";a" * 50_000),
        ("Content-Disposition", 'attachment; filename="' + ";a" * 50_000),
        ("X-Spam", "x" * 100_000),
    ):
        raw = message("From: a@example.com", f"{name}: {value}", body=b"still here\r\n")
        parsed = parse_message(raw)
        assert parsed.from_address == "a@example.com", name
        assert "still here" in parsed.text or parsed.attachments, name
        assert len(parsed.subject) <= 998


def test_the_quadratic_parameter_header_is_cut_and_said() -> None:
    started = time.process_time()
    parsed = parse_message(message('Content-Type: text/plain; name="' + ";a" * 50_000, body=b"x"))
    # The standard library alone takes about ten seconds on this header.
    assert time.process_time() - started < 2
    assert "a Content-Type header longer than 4096 was cut" in parsed.problems


def test_a_30_mb_attachment_is_kept_whole() -> None:
    data = random.Random(13).randbytes(30 * 1024 * 1024)
    mail = MIMEMultipart("mixed")
    mail["From"] = "a@example.com"
    mail.attach(MIMEText("Big file attached.", "plain", "utf-8"))
    part = MIMEApplication(data, "octet-stream")
    part.add_header("Content-Disposition", "attachment", filename="disk.img")
    mail.attach(part)
    parsed = parse_message(mail.as_bytes())
    assert parsed.text == "Big file attached."
    [attachment] = parsed.attachments
    assert attachment.filename == "disk.img"
    assert attachment.data == data


def test_truncated_mime_keeps_what_arrived() -> None:
    mail = MIMEMultipart("mixed")
    mail["From"] = "a@example.com"
    mail["Subject"] = "cut short"
    mail.attach(MIMEText("The text arrived.", "plain", "utf-8"))
    mail.attach(MIMEApplication(PNG * 50, "octet-stream"))
    raw = mail.as_bytes()
    parsed = parse_message(raw[: len(raw) - 200])
    assert parsed.subject == "cut short"
    assert parsed.text == "The text arrived."
    assert len(parsed.attachments) == 1
    assert any("malformed MIME" in problem for problem in parsed.problems)


def test_a_multipart_without_its_boundary_parameter_is_read_by_its_delimiters() -> None:
    body = (
        b"--abc\r\nContent-Type: text/plain\r\n\r\nThe real text.\r\n"
        b"--abc\r\nContent-Type: application/pdf\r\n\r\n%PDF\r\n--abc--\r\n"
    )
    for content_type in ("multipart/mixed", 'multipart/mixed; boundary="other"'):
        parsed = parse_message(
            message("From: a@example.com", f"Content-Type: {content_type}", body=body)
        )
        assert parsed.text == "The real text.", content_type
        assert [item.content_type for item in parsed.attachments] == ["application/pdf"]
        assert "a multipart without its boundary was read by its delimiter lines" in parsed.problems


def test_a_multipart_without_any_part_is_read_as_text() -> None:
    parsed = parse_message(message("Content-Type: multipart/mixed", body=b"just words\r\n"))
    assert parsed.text == "just words\n"
    assert "a multipart without parts was read as text" in parsed.problems


@pytest.mark.parametrize("seed", range(20))
def test_random_bytes_never_raise(seed: int) -> None:
    generator = random.Random(seed)
    raw = generator.randbytes(generator.randrange(0, 20_000))
    parsed = parse_message(raw)
    assert parsed.size == len(raw)
    for value in (parsed.subject, parsed.text, parsed.reply_text, parsed.from_name):
        assert "\x00" not in value
        value.encode("utf-8")


@pytest.mark.parametrize("seed", range(20))
def test_damaged_real_messages_never_raise(seed: int) -> None:
    """A well-formed message with bytes flipped, cut and repeated at random."""
    generator = random.Random(seed)
    raw = bytearray((MESSAGES / "postfix_delivery_status.eml").read_bytes())
    for _ in range(generator.randrange(1, 40)):
        position = generator.randrange(len(raw))
        action = generator.randrange(3)
        if action == 0:
            raw[position] = generator.randrange(256)
        elif action == 1:
            del raw[position : position + generator.randrange(1, 50)]
        else:
            raw[position:position] = raw[position : position + generator.randrange(1, 200)]
    parsed = parse_message(bytes(raw))
    assert isinstance(parsed, ParsedMessage)
    parsed.text.encode("utf-8")


def test_empty_bytes_and_headers_only() -> None:
    empty = parse_message(b"")
    assert (empty.text, empty.subject, empty.size) == ("", "", 0)
    headers_only = parse_message(b"Subject: only headers")
    assert headers_only.subject == "only headers"


def test_every_string_is_free_of_surrogates() -> None:
    raw = b"From: \xff\xfe <a@example.com>\r\nSubject: \xc3\x28 bad\r\n\r\n\xed\xa0\x80 text"
    parsed = parse_message(raw)
    for value in (parsed.from_name, parsed.subject, parsed.text):
        value.encode("utf-8")
    assert parsed.subject.endswith("bad")


def test_a_utf8_byte_order_mark_is_no_text() -> None:
    assert parse_message(text_message("\ufeffHello".encode(), "utf-8")).text == "Hello"
    assert parse_message(text_message("\ufeff你好".encode(), None)).text == "你好"


def test_html_spaces_around_inline_tags_do_not_double() -> None:
    parsed = parse_message(html_message("<p>Hello <b> Li </b> and <i>Wang</i> .</p>"))
    assert parsed.text == "Hello Li and Wang ."


def test_a_forwarded_message_keeps_its_8bit_bytes() -> None:
    inner = "From: li@example.cn\r\nSubject: 旧邮件\r\n\r\n王祎的原文\r\n".encode("gbk")
    raw = message(
        "From: a@example.com",
        'Content-Type: multipart/mixed; boundary="b"',
        body=b"--b\r\nContent-Type: message/rfc822\r\n\r\n" + inner + b"\r\n--b--\r\n",
    )
    [attachment] = parse_message(raw).attachments
    assert attachment.filename == "旧邮件.eml"
    forwarded_message = parse_message(attachment.data)
    assert (forwarded_message.subject, forwarded_message.text) == ("旧邮件", "王祎的原文\n")
