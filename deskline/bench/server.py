"""The server under test: started like production, waited for, watched for memory, stopped."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path

BIN = Path(sys.executable).parent
# name -> (what it is, the command that runs Deskline with it; {port} and {workers} filled in)
SERVERS: dict[str, tuple[str, list[str]]] = {
    "granian": ("granian, WSGI (deskline serve)",
                [str(BIN / "deskline"), "serve", "--port", "{port}", "--workers", "{workers}"]),
    "gunicorn": ("gunicorn, sync workers",
                 [str(BIN / "gunicorn"), "--workers", "{workers}", "--bind", "127.0.0.1:{port}",
                  "--log-level", "warning", "deskline.wsgi:application"]),
    "uvicorn": ("uvicorn, ASGI",
                [str(BIN / "uvicorn"), "--workers", "{workers}", "--port", "{port}",
                 "--host", "127.0.0.1", "--no-access-log", "--log-level", "warning",
                 "deskline.asgi:application"]),
}  # fmt: skip


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def is_installed(name: str) -> bool:
    return Path(SERVERS[name][1][0]).exists()


def _tree(root: int) -> list[int]:
    """The process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    found, pending = [], [root]
    while pending:
        pid = pending.pop()
        found.append(pid)
        pending.extend(children.get(pid, []))
    return found


def rss_bytes(root: int) -> int:
    """The sum of VmRSS over the process tree (shared pages count once per process)."""
    total = 0
    for pid in _tree(root):
        try:
            with open(f"/proc/{pid}/status") as status:
                for line in status:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1]) * 1024
                        break
        except OSError:
            continue
    return total


class Server:
    """One running server; `peak_rss` is sampled every 200 ms while it runs."""

    def __init__(self, name: str, *, env: Mapping[str, str], workers: int, log_path: Path) -> None:
        self.name = name
        self.label = SERVERS[name][0]
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        argv = [part.format(port=self.port, workers=workers) for part in SERVERS[name][1]]
        self.log_path = log_path
        self.log = log_path.open("w")
        self.process = subprocess.Popen(  # noqa: S603 - argv from the table above
            argv, env=dict(env), stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.peak_rss = 0
        self.processes = 0
        self._sampling = True
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()

    def _sample(self) -> None:
        while self._sampling:
            total = rss_bytes(self.process.pid)
            if total > self.peak_rss:
                self.peak_rss = total
                self.processes = len(_tree(self.process.pid))
            time.sleep(0.2)

    def wait_until_ready(self, token: str, timeout: float = 60) -> None:
        """Poll GET /api/v1/desks until it answers 200."""
        deadline = time.monotonic() + timeout
        request = urllib.request.Request(  # noqa: S310 - loopback http
            self.url + "/api/v1/desks", headers={"Authorization": f"Bearer {token}"}
        )
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.label} exited with {self.process.returncode}: "
                    f"{self.log_path.read_text()[-2000:]}"
                )
            try:
                with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.label} did not answer within {timeout:.0f} s")

    def stop(self) -> None:
        """Stop the server's whole process group (only what this bench started)."""
        self._sampling = False
        self._sampler.join(timeout=2)
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self.log.close()
