"""Every message of a corpus written by others (CPython's e-mail tests, django-mailbox's and
mail-parser's test messages, talon's replies: `corpus.fetch`) goes through the whole mail-in
pipeline: stored, then processed or set aside with a reason, never failed."""

from __future__ import annotations

from collections import Counter

import pytest

from deskline.mail.inbound import receive
from deskline.mail.models.inbound import MessageStatus
from deskline.mail.tests import corpus
from deskline.mail.tests.mailbuilder import make_mailbox
from deskline.testing.scenario import build_helpdesk

pytestmark = pytest.mark.django_db


def test_every_message_of_the_corpus_is_received_without_a_failure():
    mailbox = make_mailbox(build_helpdesk(), sender_rate_limit=0)
    outcomes: Counter[str] = Counter()
    failures = []

    for path in corpus.messages():
        message = receive(path.read_bytes(), mailbox=mailbox, source="file")
        outcomes[message.status] += 1
        if message.status not in (
            MessageStatus.PROCESSED,
            MessageStatus.IGNORED,
            MessageStatus.REFUSED,
        ):
            failures.append((path.name, message.status, message.reason))
        if message.status != MessageStatus.PROCESSED:
            assert message.reason_code, path.name

    assert failures == []
    assert outcomes[MessageStatus.PROCESSED] >= 50, outcomes
