"""parse_message: what Deskline reads of a message, whatever its charset, structure or damage."""

from __future__ import annotations

import datetime

from deskline.mail.parsing import ParsedMessage, parse_message


def message(*headers: str, body: bytes = b"Hello\n", content_type: str = "") -> bytes:
    lines = list(headers)
    if content_type:
        lines.append(f"Content-Type: {content_type}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


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
    assert parsed.text.strip() == "The printer is jammed."
    assert parsed.reply_text == "The printer is jammed."
    assert parsed.html is None
    assert parsed.attachments == []
    assert parsed.auto_submitted is False
    assert parsed.bounce is None
    assert parsed.problems == []
