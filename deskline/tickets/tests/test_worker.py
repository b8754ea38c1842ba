"""`deskline worker`: Huey on a SQLite file by default, on Redis when REDIS_URL is set, running
the SLA job every minute."""

from __future__ import annotations

import datetime
import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

from deskline.tickets.tasks import sla_alerts

PYTHON = sys.executable


def _run(code: str, **env: str) -> str:
    result = subprocess.run(
        [PYTHON, "-c", code],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "deskline.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return result.stdout.strip()


QUEUE_ROUND_TRIP = """
import django; django.setup()
from huey.contrib.djhuey import HUEY
@HUEY.task()
def add(a, b):
    return a + b
result = add(2, 3)
task = HUEY.dequeue()
HUEY.execute(task)
print(type(HUEY).__name__, HUEY.storage.__class__.__name__, result.get())
"""


def test_the_queue_is_a_sqlite_file_without_redis(tmp_path: Path):
    queue_file = tmp_path / "queue.sqlite3"
    out = _run(QUEUE_ROUND_TRIP, REDIS_URL="", DESKLINE_QUEUE_FILE=str(queue_file))
    assert out == "SqliteHuey SqliteStorage 5"
    assert queue_file.exists()


def test_the_queue_is_redis_when_redis_url_is_set():
    # A database of its own on the machine's Redis, emptied afterwards.
    database = 7
    out = _run(QUEUE_ROUND_TRIP + "HUEY.flush()\n", REDIS_URL=f"redis://127.0.0.1:6379/{database}")
    assert out == "RedisHuey RedisStorage 5"


def test_the_sla_job_runs_every_minute():
    assert sla_alerts.name == "sla_alerts"
    # Every minute of every hour of every day of the week (2-8 March 2026, Monday to Sunday).
    moments = [
        datetime.datetime(2026, 3, day, hour, minute)
        for day in range(2, 9)
        for hour in (0, 9, 23)
        for minute in (0, 1, 29, 59)
    ]
    task = sla_alerts.s()
    assert [m for m in moments if not task.validate_datetime(m)] == []


def test_deskline_worker_runs_the_sla_job_on_its_own_database(tmp_path: Path):
    """The real consumer, as `make run` starts it, on a migrated scratch database: it takes the
    SLA job from the queue and runs it without an error."""
    env = {
        **os.environ,
        "REDIS_URL": "",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'deskline.sqlite3'}",
        "DESKLINE_QUEUE_FILE": str(tmp_path / f"queue-{uuid.uuid4().hex}.sqlite3"),
        "DJANGO_SETTINGS_MODULE": "deskline.settings",
    }
    subprocess.run(
        [PYTHON, "-m", "deskline.manage", "migrate", "--noinput", "-v", "0"],
        env=env,
        check=True,
        timeout=300,
    )
    # Enqueue the job as the scheduler does at the top of a minute, so the test need not wait.
    enqueue = "import django; django.setup()\nfrom deskline.tickets.tasks import sla_alerts\n"
    subprocess.run([PYTHON, "-c", enqueue + "sla_alerts()"], env=env, check=True, timeout=120)
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
    assert "+ deskline.tickets.tasks.sla_alerts" in output, output
    assert re.search(r"deskline\.tickets\.tasks\.sla_alerts: [-0-9a-f]+ executed in", output), (
        output
    )
    assert "Traceback" not in output, output
