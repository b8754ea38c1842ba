"""`deskline worker`: run the background jobs and schedules (SLA warnings and breaches, ...).

Huey's consumer with Deskline's queue (SQLite by default, Redis when REDIS_URL is set); every
app's `tasks.py` is loaded. Several workers may run at once, on one machine or many.
"""

from __future__ import annotations

from huey.contrib.djhuey.management.commands.run_huey import Command as RunHuey


class Command(RunHuey):
    help = "Run Deskline's background jobs and schedules."
