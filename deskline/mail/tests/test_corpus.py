"""Every message of a corpus written by others (CPython's e-mail tests, django-mailbox's and
mail-parser's test messages, fetched by `corpus.fetch`) parses without an exception."""

from __future__ import annotations

import time

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
    slowest = (0.0, "")
    for name, raw in messages:
        started = time.process_time()
        parsed = parse_message(raw)
        spent = time.process_time() - started
        slowest = max(slowest, (spent, name))
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
    # Not a benchmark (make bench measures): a guard against a parse that never ends.
    assert slowest[0] < 5, slowest


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
