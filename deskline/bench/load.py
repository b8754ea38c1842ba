"""The load generator: wrk (C, event loop) driven by wrk_driver.lua, one row at a time."""

from __future__ import annotations

import re
import shutil
import signal
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

DRIVER = Path(__file__).with_name("wrk_driver.lua")
_RESULT = re.compile(
    r"^BENCH responses=(\d+) non2xx=(\d+) socket_errors=(\d+) seconds=([\d.]+) "
    r"p50_us=(\d+) p95_us=(\d+)$",
    re.MULTILINE,
)


@dataclass(frozen=True)
class RowResult:
    """What one row measured: completed responses, their rate and latency, and the errors."""

    responses: int
    seconds: float
    p50_ms: float
    p95_ms: float
    errors: int
    sample_error: str

    @property
    def per_second(self) -> float:
        return self.responses / self.seconds if self.seconds > 0 else 0.0


def ensure_wrk() -> str:
    """The path of wrk, installed from Debian with apt-get when it is missing."""
    found = shutil.which("wrk")
    if found:
        return found
    print("wrk is missing: installing it with apt-get", file=sys.stderr)
    install = ["apt-get", "install", "-y", "-qq", "wrk"]
    if subprocess.run(install, check=False).returncode != 0:  # noqa: S603 - fixed argv
        subprocess.run(["apt-get", "update", "-qq"], check=True)  # noqa: S607 - Debian tool
        subprocess.run(install, check=True)  # noqa: S603 - fixed argv
    found = shutil.which("wrk")
    if not found:
        raise RuntimeError("wrk could not be installed; install it with `apt-get install wrk`.")
    return found


def run_row(
    *,
    url: str,
    mode: str,
    argument: str,
    token: str,
    requests: int,
    seconds: int,
    concurrency: int,
) -> RowResult:
    """Drive one kind of request at `concurrency` until `requests` responses or `seconds`."""
    argv = [
        ensure_wrk(),
        "-t1",
        f"-c{concurrency}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(DRIVER),
        url,
        "--",
        mode,
        str(requests),
        token,
        argument,
    ]
    process = subprocess.Popen(  # noqa: S603 - argv built above, no shell
        argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    stderr_lines: list[str] = []

    def watch_stderr() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            stderr_lines.append(line)
            if line.startswith("BENCH-STOPPED"):
                # The request bound is reached: wrk would otherwise sleep out -d.
                process.send_signal(signal.SIGINT)

    watcher = threading.Thread(target=watch_stderr, daemon=True)
    watcher.start()
    stdout, _ = process.communicate(timeout=seconds + 60)
    watcher.join(timeout=5)
    match = _RESULT.search(stdout)
    if match is None:
        raise RuntimeError(f"wrk gave no result:\n{stdout}\n{''.join(stderr_lines)}")
    responses, non2xx, socket_errors = (int(match.group(i)) for i in (1, 2, 3))
    sample = next(
        (
            line[len("BENCH-ERROR ") :]
            for line in stdout.splitlines()
            if line.startswith("BENCH-ERROR")
        ),
        "",
    )
    return RowResult(
        responses=responses,
        seconds=float(match.group(4)),
        p50_ms=int(match.group(5)) / 1000,
        p95_ms=int(match.group(6)) / 1000,
        errors=non2xx + socket_errors,
        sample_error=sample.strip(),
    )
