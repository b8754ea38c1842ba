"""Background jobs of tickets, run by `deskline worker`."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from deskline.tickets.actions import unclaimed_uploads_remove
from deskline.tickets.sla_alerts import sla_alerts_send


@db_periodic_task(crontab(minute="*"), name="sla_alerts")
def sla_alerts() -> None:
    """Every minute: announce the SLA warnings and breaches that have come due."""
    sla_alerts_send()


@db_periodic_task(crontab(minute="*/10"), name="unclaimed_uploads")
def unclaimed_uploads() -> None:
    """Every ten minutes: remove the uploads no ticket claimed within a day (rows and files)."""
    unclaimed_uploads_remove()
