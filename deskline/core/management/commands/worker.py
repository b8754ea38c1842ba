"""`deskline worker`: run the background jobs and schedules (SLA warnings and breaches, ...).

Huey's consumer with Deskline's queue (SQLite by default, Redis when REDIS_URL is set); every
app's `tasks.py` is loaded. Several workers may run at once, on one machine or many.

Asked to stop (Ctrl-C, SIGTERM) it waits at most STOP_SECONDS for the jobs running, then leaves
them: a job is one transaction at a time and safe to run again (a periodic one runs again within
the minute), and what a job left unfinished is rolled back by the database when the process
exits. Huey alone waits for ever (`--shutdown-timeout` still sets another bound).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from huey.contrib.djhuey.management.commands.run_huey import Command as RunHuey

STOP_SECONDS = 3.0


class Command(RunHuey):
    help = "Run Deskline's background jobs and schedules."

    def handle(self, *args: Any, **options: Any) -> None:
        configured = dict(getattr(settings, "HUEY", {}).get("consumer", {}))
        if options.get("shutdown_timeout") is None and "shutdown_timeout" not in configured:
            options["shutdown_timeout"] = STOP_SECONDS
        super().handle(*args, **options)
