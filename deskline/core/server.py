"""What `deskline serve` needs around granian: static files collected, and workers that do not
outlive the server.

granian's main process forks the worker processes that answer requests. When it stops as asked
(Ctrl-C, SIGTERM) it stops them, but killed outright (`kill -9`, the OOM killer) it leaves them
running: they keep answering on the port, and a new server binds beside them (granian listens
with SO_REUSEPORT). granian 2.8 has no option for this, so each worker asks the kernel, as it
loads the application, to be killed when its parent dies (Linux's `PR_SET_PDEATHSIG`). Killed,
not stopped: a stop is graceful and waits for kept-alive connections, which a browser holds for
minutes, and with the main process gone nobody else would end them. Each database transaction
in flight is rolled back by the database. (The kernel sends the signal when the *thread* that
forked the worker ends; granian 2.8 forks them from its main thread, which lives as long as the
server. A granian that forked from a passing thread would show here as workers killed early.)
"""

from __future__ import annotations

import ctypes
import logging
import os
import signal
import sys
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.management import call_command
from django.core.management.base import CommandError

logger = logging.getLogger(__name__)

# Set by `deskline serve` to its own process id, which granian's main process keeps (exec).
SERVER_PID_VARIABLE = "DESKLINE_SERVER_PID"
_PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>


def stale_static_files() -> list[str]:
    """The static files missing from STATIC_ROOT or older there than their source."""
    root = Path(settings.STATIC_ROOT)
    stale: list[str] = []
    for finder in get_finders():
        for path, storage in finder.list([]):
            prefix = getattr(storage, "prefix", None) or ""
            name = f"{prefix}/{path}" if prefix else path
            source = Path(storage.path(path))
            target = root / name
            try:
                if target.stat().st_mtime >= source.stat().st_mtime:
                    continue
            except OSError:  # missing, or something else in its place
                pass
            stale.append(name)
    return stale


def collect_static_files() -> int:
    """Copy into STATIC_ROOT what is missing or out of date there (none: a walk of the sources
    and a `stat` of each copy); how many files needed it. CommandError saying what to run
    when they cannot be copied."""
    stale = stale_static_files()
    if not stale:
        return 0
    try:
        call_command("collectstatic", interactive=False, verbosity=0)
    except OSError as error:
        raise CommandError(
            f"{len(stale)} static files are missing from {settings.STATIC_ROOT} or out of date "
            f"there, and they could not be copied ({error}). Run `deskline collectstatic "
            "--noinput` as a user who may write there, or set DESKLINE_VAR_DIR."
        ) from error
    return len(stale)


def is_server_worker() -> bool:
    """Whether this process is a worker of `deskline serve` (granian's, started by it)."""
    server = os.environ.get(SERVER_PID_VARIABLE, "")
    return server.isdigit() and int(server) != os.getpid()


def exit_with_the_server() -> None:
    """In a worker of `deskline serve`: be killed when the server's main process dies."""
    server = os.environ.get(SERVER_PID_VARIABLE, "")
    if not server.isdigit() or int(server) == os.getpid() or not sys.platform.startswith("linux"):
        return  # not a worker of `deskline serve` (or not on Linux, where nothing is done)
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        logger.warning("prctl(PR_SET_PDEATHSIG) failed: %s", os.strerror(ctypes.get_errno()))
        return
    if os.getppid() != int(server):  # the server died before the kernel was asked
        os.kill(os.getpid(), signal.SIGKILL)
