"""The processes of `make run` and `deskline serve` stop when told, and only then.

Each test starts real processes on a var/ of its own (a SQLite database nobody migrated: these
are about processes, not pages) and watches them through /proc. They run in the SQLite run of
the suite only: nothing in them depends on the database.
"""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from deskline.testing.processes import (
    BIN,
    REPOSITORY,
    answers,
    children_of,
    environment,
    free_port,
    in_group,
    is_alive,
    is_free,
    kill_group,
    start,
    wait_until,
)

STATIC_FILE = "/static/vendor/htmx/htmx.min.js"
STARTED_WITHIN = 90  # seconds for Django and granian to start on a busy machine
STOPPED_WITHIN = 15  # seconds: granian gives a worker 3 to stop, the worker its jobs 3


@pytest.fixture(autouse=True)
def _once() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the process tests run once, in the SQLite run of the suite")
    if not sys.platform.startswith("linux"):
        pytest.skip("the processes are watched through Linux's /proc")


@pytest.fixture
def groups() -> Iterator[list[int]]:
    """Process groups a test started; whatever is left of them is killed afterwards."""
    started: list[int] = []
    yield started
    for group in started:
        kill_group(group)


def _log(path: Path) -> str:
    return path.read_text(errors="replace") if path.exists() else ""


def _kept_alive(port: int) -> http.client.HTTPConnection:
    """A browser's connection: one request answered, the connection left open."""
    kept = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    kept.request("GET", STATIC_FILE)
    response = kept.getresponse()
    response.read()
    assert response.status == 200
    return kept


def test_one_ctrl_c_stops_the_server_and_the_worker_of_make_run(tmp_path, groups):
    # Given make run's server and worker, a browser's kept-alive connection to the server, and
    # the worker's consumer running
    port = free_port()
    log = tmp_path / "run.log"
    make = start(
        ["make", "--no-print-directory", "-s", "serve-with-worker", f"PORT={port}", f"BIN={BIN}"],
        environment(tmp_path / "var"),
        log,
    )
    groups.append(make.pid)
    assert wait_until(lambda: answers(port, STATIC_FILE), STARTED_WITHIN), _log(log)
    assert wait_until(lambda: "Huey consumer started" in _log(log), STARTED_WITHIN), _log(log)
    kept = _kept_alive(port)
    processes = in_group(make.pid)
    # make, its shell, the worker, granian and its two workers
    assert len(processes) >= 6, _log(log)

    # When the terminal sends SIGINT to the whole group, as one Ctrl-C does
    os.killpg(make.pid, signal.SIGINT)

    # Then every one of them is gone within seconds, and the port is free
    def all_gone() -> bool:
        make.poll()  # reap make, the test's own child
        return not any(is_alive(pid) for pid in processes)

    stopped = wait_until(all_gone, STOPPED_WITHIN)
    kept.close()
    left = [pid for pid in processes if is_alive(pid)]
    assert stopped, f"still running after {STOPPED_WITHIN} s: {left}\n{_log(log)}"
    assert is_free(port)


STUCK_JOB = """
import threading
import django
django.setup()
from huey.contrib.djhuey import HUEY

@HUEY.task()
def stuck():
    print("job started", flush=True)
    threading.Event().wait()  # never ends on its own

stuck()
from django.core.management import call_command
call_command("worker", "--no-periodic")
"""


def test_the_worker_stops_within_seconds_while_a_job_runs(tmp_path, groups):
    # Given `deskline worker` running a job that does not end
    log = tmp_path / "worker.log"
    var_dir = tmp_path / "var"
    var_dir.mkdir()
    worker = start([sys.executable, "-c", STUCK_JOB], environment(var_dir), log)
    groups.append(worker.pid)
    assert wait_until(lambda: "job started" in _log(log), STARTED_WITHIN), _log(log)

    # When it is asked to stop, as by Ctrl-C
    os.kill(worker.pid, signal.SIGINT)

    # Then it leaves the job and exits within seconds
    assert wait_until(lambda: worker.poll() is not None, STOPPED_WITHIN), _log(log)
    assert "Shutdown timeout of 3.0s elapsed" in _log(log), _log(log)


def _serve(tmp_path: Path, port: int, groups: list[int]) -> tuple[subprocess.Popen[bytes], Path]:
    log = tmp_path / "serve.log"
    server = start(
        [str(BIN / "deskline"), "serve", "--port", str(port), "--workers", "2"],
        environment(tmp_path / "var"),
        log,
    )
    groups.append(server.pid)
    assert wait_until(lambda: answers(port, STATIC_FILE), STARTED_WITHIN), _log(log)
    return server, log


def test_serve_collects_the_static_files_of_a_fresh_installation(tmp_path, groups):
    # Given a var/ without static files (no `deskline collectstatic` was run)
    port = free_port()

    # When `deskline serve` starts, it serves them
    server, log = _serve(tmp_path, port, groups)

    assert "static files into" in _log(log)
    assert (tmp_path / "var" / "static" / "deskline" / "app.css").is_file()
    server.send_signal(signal.SIGTERM)
    assert wait_until(lambda: server.poll() is not None, STOPPED_WITHIN), _log(log)


def test_the_servers_workers_exit_when_it_is_killed(tmp_path, groups):
    # Given `deskline serve` with two workers
    port = free_port()
    server, log = _serve(tmp_path, port, groups)
    assert wait_until(lambda: len(children_of(server.pid)) == 2, STARTED_WITHIN), _log(log)
    workers = children_of(server.pid)

    # When its main process is killed outright
    server.kill()
    server.wait(timeout=30)

    # Then its workers exit too, and a new server may take the port
    assert wait_until(lambda: not any(is_alive(pid) for pid in workers), STOPPED_WITHIN), (
        f"workers still running: {[pid for pid in workers if is_alive(pid)]}"
    )
    assert wait_until(lambda: is_free(port), STOPPED_WITHIN)


def test_the_serve_target_is_the_one_make_run_starts():
    makefile = (REPOSITORY / "Makefile").read_text()
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert run.rstrip().endswith("@$(MAKE) --no-print-directory serve-with-worker"), run
