"""`deskline serve`: the production web server (granian, WSGI; see docs/adr/0002)."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser


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
            "--static-path-mount",
            str(settings.STATIC_ROOT),
            "--static-path-route",
            "/" + settings.STATIC_URL.strip("/"),
            "deskline.wsgi:application",
        ]
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deskline.settings")
        os.execv(executable, argv)  # noqa: S606 - replaces this process with the server
