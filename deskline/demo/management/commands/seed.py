"""`deskline seed --tickets N [--articles M]`: bulk synthetic data for benchmarks."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from deskline.demo.seed_articles import seed_articles
from deskline.demo.seeding import seed_tickets


class Command(BaseCommand):
    help = (
        "Append N synthetic tickets (with comments and audit events) and M knowledge base "
        "articles for benchmarks, creating the seed desks, teams, agents and customers first "
        "when they are missing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tickets", type=int, default=0, help="How many tickets to add.")
        parser.add_argument(
            "--articles",
            type=int,
            default=0,
            help="How many knowledge base articles to add (English and Chinese, mostly "
            "published and searchable).",
        )
        parser.add_argument("--random-seed", type=int, default=None, help="Repeatable data.")
        parser.add_argument("--batch-size", type=int, default=50_000, help="Tickets per batch.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["tickets"] < 0 or options["articles"] < 0:
            raise CommandError("--tickets and --articles must be zero or more.")
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        if not options["tickets"] and not options["articles"]:
            raise CommandError("Give --tickets N, --articles M or both.")
        # Zero tickets still makes the seed configuration the articles belong to.
        result = seed_tickets(
            tickets=options["tickets"],
            progress=self.stdout.write,
            random_seed=options["random_seed"],
            batch_size=options["batch_size"],
        )
        if options["tickets"]:
            self.stdout.write(
                f"Seeded {result.tickets:,} tickets, {result.comments:,} comments and "
                f"{result.events:,} events in {result.seconds:.1f} s."
            )
        if options["articles"]:
            articles = seed_articles(
                articles=options["articles"],
                progress=self.stdout.write,
                random_seed=options["random_seed"],
            )
            self.stdout.write(
                f"Seeded {articles.articles:,} articles ({articles.published:,} published) "
                f"in {articles.seconds:.1f} s."
            )
