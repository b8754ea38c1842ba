"""`deskline mail ingest --desk KEY FILE...`: .eml and mbox files through the mailbox pipeline,
one line per message on stdout, progress and a summary on stderr."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from deskline.mail.models import InboundMessage
from deskline.mail.models.inbound import MessageStatus
from deskline.mail.tests.mailbuilder import bounce, mail, make_mailbox
from deskline.testing.faults import event_writes_failing
from deskline.testing.scenario import Helpdesk, build_helpdesk
from deskline.tickets.models import Comment, Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def helpdesk() -> Helpdesk:
    helpdesk = build_helpdesk()
    make_mailbox(helpdesk)
    return helpdesk


def mbox(path: Path, *messages: bytes) -> Path:
    """An mbox file as mail programs export one ("From " lines, ">From" in bodies)."""
    with path.open("wb") as file:
        for raw in messages:
            file.write(b"From alice@acme.example Tue Mar  3 10:00:00 2026\n")
            body = raw.replace(b"\r\n", b"\n").replace(b"\nFrom ", b"\n>From ")
            file.write(body if body.endswith(b"\n") else body + b"\n")
            file.write(b"\n")
    return path


def ingest(*args: str) -> tuple[list[str], str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("mail", "ingest", *args, stdout=out, stderr=err)
    return out.getvalue().splitlines(), err.getvalue()


def test_an_mbox_prints_a_line_per_message_and_the_summary(helpdesk, tmp_path):
    path = mbox(
        tmp_path / "export.mbox",
        mail(),
        mail(subject="Re: [IT-1] Printer", message_id="<m2@acme.example>", body="Fixed.\n"),
        mail(message_id="<ooo@acme.example>", headers={"Auto-Submitted": "auto-replied"}),
        bounce(),
        mail(sender="", message_id="<nobody@acme.example>"),
    )

    lines, err = ingest("--desk", "it", str(path))

    assert lines == [
        "m1@acme.example ticket IT-1",
        "m2@acme.example comment IT-1",
        "ooo@acme.example ignored auto_submitted: An automatic reply, mailing list or bulk mail.",
        "dsn1@mx.example ignored bounce: A delivery failure report (bounce); the failing "
        "addresses are marked. gone@acme.example",
        "nobody@acme.example ignored no_sender: The message has no sender address.",
    ]
    assert err.splitlines()[-1] == ("5 messages: 1 tickets, 1 comments, 3 ignored, 0 failed")
    assert Comment.objects.get().body == "Fixed."


def test_eml_files_and_a_second_run_which_creates_nothing(helpdesk, tmp_path):
    first = tmp_path / "one.eml"
    first.write_bytes(mail())
    second = tmp_path / "two.eml"
    second.write_bytes(mail(message_id=None, subject="No id"))

    lines, _err = ingest("--desk", "IT", str(first), str(second))
    again, err = ingest("--desk", "IT", str(first), str(second))

    key = InboundMessage.objects.get(message_id="").dedupe_key
    assert key.startswith("sha256:")
    assert lines == ["m1@acme.example ticket IT-1", f"{key} ticket IT-2"]
    assert again == lines
    assert Ticket.objects.count() == 2
    assert err.splitlines()[-1] == "2 messages: 2 tickets, 0 comments, 0 ignored, 0 failed"


def test_a_failure_is_printed_and_counted_and_the_rest_goes_on(helpdesk, tmp_path):
    path = mbox(tmp_path / "a.mbox", mail(), mail(message_id="<m9@acme.example>"))

    with event_writes_failing():
        lines, err = ingest("--desk", "IT", str(path))

    assert lines[0].startswith("m1@acme.example failed processing_error: Processing failed.")
    assert "disk full" in lines[0]
    assert len(lines) == 2
    assert err.splitlines()[-1] == "2 messages: 0 tickets, 0 comments, 0 ignored, 2 failed"
    assert set(InboundMessage.objects.values_list("status", flat=True)) == {MessageStatus.FAILED}

    out = io.StringIO()
    call_command("mail", "retry", "--failed", stdout=out, stderr=io.StringIO())
    assert out.getvalue().splitlines() == [
        "m1@acme.example ticket IT-1",
        "m9@acme.example ticket IT-2",
    ]


def test_an_unreadable_file_fails_the_command_after_the_others(helpdesk, tmp_path):
    good = tmp_path / "good.eml"
    good.write_bytes(mail())
    missing = tmp_path / "missing.eml"

    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 file\\(s\\) could not be read"):
        call_command("mail", "ingest", "--desk", "IT", str(missing), str(good), stdout=out,
                     stderr=err)  # fmt: skip

    assert out.getvalue().splitlines() == ["m1@acme.example ticket IT-1"]
    assert f"Cannot read {missing}" in err.getvalue()


def test_a_desk_without_a_mailbox_is_refused(helpdesk, tmp_path):
    path = tmp_path / "one.eml"
    path.write_bytes(mail())

    with pytest.raises(CommandError, match="The desk HR has no active mailbox"):
        ingest("--desk", "HR", str(path))
    assert InboundMessage.objects.count() == 0


def test_progress_is_shown_for_a_big_mbox(helpdesk, tmp_path, monkeypatch):
    from deskline.mail.management.commands import mail as command

    monkeypatch.setattr(command, "PROGRESS_EVERY_SECONDS", 0.0)
    path = mbox(tmp_path / "big.mbox", *(mail(message_id=f"<b{n}@acme.example>") for n in range(3)))

    _lines, err = ingest("--desk", "IT", str(path))

    assert f"{path}: 1 of 3 messages" in err
    assert f"{path}: 3 of 3 messages" in err
