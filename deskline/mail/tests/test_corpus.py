"""Every message of a corpus written by others (CPython's e-mail tests, django-mailbox's and
mail-parser's test messages, fetched by `corpus.fetch`) parses without an exception."""

from __future__ import annotations

import pytest

from deskline.mail.parsing import ParsedMessage, parse_message
from deskline.mail.tests import corpus

# CPython 3.11 has 47 msg_*.txt, django-mailbox 4.10.1 21 messages, mail-parser 4.8.0 23, talon
# 1.4.4 12 replies: a fetch that lost a source fails here instead of passing on what is left.
MINIMUM_MESSAGES = 100


@pytest.fixture(scope="module")
def messages() -> list[tuple[str, bytes]]:
    paths = corpus.messages()
    return [(str(path.relative_to(corpus.DIRECTORY)), path.read_bytes()) for path in paths]


def test_the_corpus_holds_every_source(messages: list[tuple[str, bytes]]) -> None:
    names = [name for name, _ in messages]
    assert len(names) >= MINIMUM_MESSAGES
    sources = (("cpython/", 47), ("django-mailbox/", 21), ("mail-parser/", 23), ("talon/", 12))
    for source, least in sources:
        assert sum(name.startswith(source) for name in names) >= least, source


def test_every_message_of_the_corpus_parses(messages: list[tuple[str, bytes]]) -> None:
    for name, raw in messages:
        parsed = parse_message(raw)
        assert isinstance(parsed, ParsedMessage), name
        assert parsed.size == len(raw)
        assert not any(
            problem.startswith("the message could not be parsed") for problem in parsed.problems
        ), (name, parsed.problems)
        for value in (parsed.subject, parsed.text, parsed.reply_text, parsed.html or ""):
            assert "\x00" not in value, name
            value.encode("utf-8")  # no lone surrogate: PostgreSQL could not store it
        for attachment in parsed.attachments:
            assert attachment.filename and "/" not in attachment.filename, name


def test_the_replies_of_a_dozen_mail_clients_lose_their_quote(
    messages: list[tuple[str, bytes]],
) -> None:
    """talon's standard replies (AOL, Android, Apple Mail, Gmail, Hotmail, iPhone, Outlook,
    Sparrow, Thunderbird below its quote, Yahoo, ...) each answer "Hello" to a quoted "Hi"."""
    replies = {name: parse_message(raw) for name, raw in messages if name.startswith("talon/")}
    assert len(replies) >= 12
    assert {name: parsed.reply_text for name, parsed in replies.items()} == dict.fromkeys(
        replies, "Hello"
    )


def test_the_html_replies_of_nine_mail_clients_lose_their_quote() -> None:
    """talon's HTML replies (Gmail, Hotmail, mail.ru, Outlook 2003, 2007 and 2010, Thunderbird,
    Windows Mail, Yandex), each an HTML-only message here: the text derived from the HTML
    keeps the answer and drops the quote (headers block, attribution or blockquote)."""
    paths = corpus.html_replies()
    assert len(paths) == 9
    replies = {}
    for path in paths:
        raw = b"From: a@example.com\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        parsed = parse_message(raw + path.read_bytes())
        replies[path.name] = " ".join(parsed.reply_text.split())
    assert replies == dict.fromkeys(replies, "Hi. I am fine. Thanks, Alex")


def test_what_the_corpus_libraries_own_tests_expect(messages: list[tuple[str, bytes]]) -> None:
    """The values django-mailbox's tests assert for its messages (KOI8-R and UTF-8 file names,
    a single-byte Cyrillic body), and the Chinese of mail-parser's GB2312-labelled message."""
    parsed = {name: parse_message(raw) for name, raw in messages}
    koi8r = parsed["django-mailbox/message_with_koi8r_filename_attachments.eml"]
    assert [item.filename for item in koi8r.attachments][:2] == [
        "Пакет предложений HSE Career Fair 8 апреля 2016.pdf",
        "Ведомости.pdf",
    ]
    utf8 = parsed["django-mailbox/message_with_utf8_attachment.eml"]
    assert [item.filename for item in utf8.attachments] == [
        "piłkochwyty.jpg",
        "odpowiedź Burmistrza.jpg",
    ]
    cyrillic = parsed["django-mailbox/message_with_single_byte_encoding.eml"]
    assert cyrillic.text.strip() == "Это сообщение имеет неправильную кодировка."
    chinese = parsed["mail-parser/mail_test_12"]
    assert chinese.subject == "代开各地增值税发票"
    assert chinese.text.startswith("你好！我公司可代开各类增值税发票")
