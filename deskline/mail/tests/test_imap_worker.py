"""`deskline worker` polls the IMAP mailboxes every minute: the schedule, and the real consumer
fetching a message from Dovecot into a ticket on a scratch database of its own."""

from __future__ import annotations

import datetime
import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

from deskline.mail.tasks import mail_fetch
from deskline.testing.mailserver import MailServer

PYTHON = sys.executable


def test_the_mail_fetch_job_runs_every_minute() -> None:
    assert mail_fetch.name == "mail_fetch"
    moments = [
        datetime.datetime(2026, 3, day, hour, minute)
        for day in range(2, 9)
        for hour in (0, 9, 23)
        for minute in (0, 1, 29, 59)
    ]
    task = mail_fetch.s()
    assert [m for m in moments if not task.validate_datetime(m)] == []


SET_UP = """
import django; django.setup()
from deskline.mail.models import Mailbox
from deskline.testing.factories import make_desk, make_request_type
desk = make_desk("IT")
make_request_type(desk, name="Question", fields=[])
Mailbox.objects.create(desk=desk, name="IT", address="{address}", kind="imap",
    imap_host="127.0.0.1", imap_port={port}, imap_security="none", imap_username="{address}",
    imap_secret="{password}")
"""

READ_BACK = """
import django; django.setup()
from deskline.mail.models import Mailbox
from deskline.tickets.models import Ticket
mailbox = Mailbox.objects.get()
print(mailbox.last_fetch_ok, mailbox.imap_last_uid, [t.summary for t in Ticket.objects.all()])
"""


def test_deskline_worker_fetches_mail_into_tickets(mail_server: MailServer, tmp_path: Path) -> None:
    user, password = f"worker-{time.monotonic_ns()}", "Worker-pass-1"
    address = mail_server.add_user(user, password)
    mail_server.send(
        b"From: Alice <alice@acme.example>\r\nTo: " + address.encode() + b"\r\n"
        b"Subject: Keyboard missing keys\r\nMessage-ID: <worker-1@acme.example>\r\n\r\n"
        b"The Q and the W are gone.\r\n",
        sender="alice@acme.example",
        recipients=[address],
    )
    mail_server.wait_for_delivery(user, 1)
    env = {
        **os.environ,
        "REDIS_URL": "",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deskline.sqlite3'}",
        "DESKLINE_QUEUE_FILE": str(tmp_path / f"queue-{uuid.uuid4().hex}.sqlite3"),
        "DESKLINE_MEDIA_ROOT": str(tmp_path / "media"),
        "DJANGO_SETTINGS_MODULE": "deskline.settings",
    }
    subprocess.run(
        [PYTHON, "-m", "deskline.manage", "migrate", "--noinput", "-v", "0"],
        env=env,
        check=True,
        timeout=300,
    )
    set_up = SET_UP.format(address=address, port=mail_server.imap_port, password=password)
    subprocess.run([PYTHON, "-c", set_up], env=env, check=True, timeout=120)
    # Enqueue the job as the scheduler does at the top of a minute, so the test need not wait.
    enqueue = "import django; django.setup()\nfrom deskline.mail.tasks import mail_fetch\n"
    subprocess.run([PYTHON, "-c", enqueue + "mail_fetch()"], env=env, check=True, timeout=120)
    worker = subprocess.Popen(
        [PYTHON, "-m", "deskline.manage", "worker", "--huey-verbose", "--no-periodic"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 90
        assert worker.stdout is not None
        while time.monotonic() < deadline:
            line = worker.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "executed in" in line or "Traceback" in line:
                break
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    output = "".join(lines)
    assert re.search(r"deskline\.mail\.tasks\.mail_fetch: [-0-9a-f]+ executed in", output), output
    assert "Traceback" not in output, output
    read = subprocess.run(
        [PYTHON, "-c", READ_BACK], env=env, check=True, timeout=120, capture_output=True, text=True
    )
    assert read.stdout.strip() == "True 1 ['Keyboard missing keys']"
