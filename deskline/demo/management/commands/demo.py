"""`deskline demo`: load the demo organisation once; running it again changes nothing."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from deskline.demo.loader import DemoConflict, load_demo


class Command(BaseCommand):
    help = (
        "Load the demo organisation: four desks, their teams, agents and customers in three "
        "offices, and about 300 tickets from the last 60 days. Safe to run more than once."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        """Load the demo, or say that it is there already."""
        try:
            summary = load_demo()
        except DemoConflict as error:
            raise CommandError(str(error)) from None
        if summary is None:
            self.stdout.write("Demo organisation already loaded")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo organisation loaded: {summary.desks} desks, {summary.teams} teams, "
                f"{summary.users} people, {summary.tickets} tickets."
            )
        )
