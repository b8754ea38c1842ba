"""Processes started by a test and watched through /proc: who is alive, who listens, who waits.

Every wait polls with a deadline: a test asserts that something happened within a bound, never
how fast.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from contextlib import suppress
from pathlib import Path

BIN = Path(sys.executable).parent
REPOSITORY = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/<pid>/stat after the command's name: state, parent, group, ..."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None


def is_alive(pid: int) -> bool:
    """Whether the process runs (a zombie, dead and not yet reaped, does not)."""
    fields = _stat(pid)
    return fields is not None and fields[0] not in {"Z", "X"}


def _processes() -> list[tuple[int, list[str]]]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (fields := _stat(int(entry))) is not None:
            found.append((int(entry), fields))
    return found


def in_group(group: int) -> list[int]:
    """The live processes of the process group `group`."""
    return [pid for pid, fields in _processes() if int(fields[2]) == group and is_alive(pid)]


def children_of(parent: int) -> list[int]:
    """The live processes whose parent is `parent`."""
    return [pid for pid, fields in _processes() if int(fields[1]) == parent and is_alive(pid)]


def wait_until(condition: Callable[[], bool], within: float, step: float = 0.05) -> bool:
    """Whether `condition()` came true within `within` seconds (asked every `step`)."""
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(step)
    return True


def answers(port: int, path: str = "/") -> bool:
    """Whether an HTTP server on loopback `port` answers `path` (any status)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path)
        connection.getresponse().read()
    except OSError:
        return False
    finally:
        connection.close()
    return True


def is_free(port: int) -> bool:
    """Whether nobody accepts connections on loopback `port` and a new server may bind it."""
    with socket.socket() as client:
        client.settimeout(2)
        if client.connect_ex(("127.0.0.1", port)) == 0:
            return False
    with socket.socket() as server:
        # As servers do: connections the old one closed may wait out TIME_WAIT on the port.
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            server.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def environment(var_dir: Path, **extra: str) -> dict[str, str]:
    """The environment of a Deskline process of its own: its own var/ (SQLite database, queue,
    static files), no PostgreSQL and no Redis."""
    # Nor the variables of a `make` the tests may run under (make test): a make started by a
    # test takes only what its command line says.
    left_out = {"DATABASE_URL", "REDIS_URL", "MAKEFLAGS", "MFLAGS", "MAKELEVEL"}
    values = {key: value for key, value in os.environ.items() if key not in left_out}
    values.update(
        {
            "DESKLINE_VAR_DIR": str(var_dir),
            "DESKLINE_QUEUE_FILE": str(var_dir / "queue.sqlite3"),
            "DJANGO_SETTINGS_MODULE": "deskline.settings",
            "PYTHONUNBUFFERED": "1",
        }
    )
    values.update(extra)
    return values


def start(
    command: list[str], env: Mapping[str, str], log: Path, cwd: Path = REPOSITORY
) -> subprocess.Popen[bytes]:
    """Start `command` as a terminal starts a job: in a process group of its own, whose id is
    the process's. Its output goes to `log`."""
    with open(log, "wb") as output:
        return subprocess.Popen(  # noqa: S603 - the tests' own commands
            command,
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            process_group=0,
        )


def kill_group(group: int) -> None:
    """Clean up after a test that failed: SIGKILL to every process still in the group."""
    for pid in in_group(group):
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
