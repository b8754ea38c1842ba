"""`deskline serve`: the production web server (granian, WSGI; see docs/adr/0002).

It collects the static files first when any is missing or out of date (granian serves them from
STATIC_ROOT and will not start without it), and its workers die with it (`core/server.py`).
"""

from __future__ import annotations

import os
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from deskline.core.server import SERVER_PID_VARIABLE, collect_static_files

# How long a worker may take to stop when asked (Ctrl-C, SIGTERM) before granian kills it. A
# stopping worker still answers on the connections it keeps alive, and a browser keeps one for
# minutes: without a bound one Ctrl-C left a worker answering for as long.
STOP_SECONDS = 3


class Command(BaseCommand):
    help = "Run the production web server."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--threads", type=int, default=1, help="Threads per worker.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workers"] < 1 or not 0 < options["port"] < 65536:
            self.stderr.write("--workers must be at least 1 and --port between 1 and 65535.")
            sys.exit(2)
        collected = collect_static_files()
        if collected:
            self.stdout.write(f"Collected {collected} static files into {settings.STATIC_ROOT}.")
        executable = os.path.join(os.path.dirname(sys.executable), "granian")
        argv = [
            executable,
            "--interface",
            "wsgi",
            "--host",
            options["host"],
            "--port",
            str(options["port"]),
            "--workers",
            str(options["workers"]),
            "--blocking-threads",
            str(options["threads"]),
            "--no-ws",
            "--workers-kill-timeout",
            str(STOP_SECONDS),
            "--static-path-mount",
            str(settings.STATIC_ROOT),
            "--static-path-route",
            "/" + settings.STATIC_URL.strip("/"),
            "deskline.wsgi:application",
        ]
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deskline.settings")
        os.environ[SERVER_PID_VARIABLE] = str(os.getpid())  # granian's main process keeps it
        self.stdout.flush()
        os.execv(executable, argv)  # noqa: S606 - replaces this process with the server
