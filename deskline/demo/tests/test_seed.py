"""`deskline seed`: bulk synthetic tickets that look like the ones the actions write."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Count, F

from deskline.accounts.models import Role, User
from deskline.demo.seeding import SEED_DOMAIN, SeedResult, seed_tickets
from deskline.desks.models import Desk
from deskline.search.backends import filter_tickets_by_text
from deskline.testing.factories import (
    ApiClient,
    make_desk,
    make_request_type,
    make_team,
    make_ticket,
    make_user,
)
from deskline.tickets.actions import ticket_comment
from deskline.tickets.models import Comment, EventKind, Ticket, TicketEvent

pytestmark = pytest.mark.django_db

TICKETS = 500


@pytest.fixture
def seeded() -> SeedResult:
    return seed_tickets(tickets=TICKETS, random_seed=7, batch_size=200)


def _schema_objects() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE tablename IN "
                "('tickets_ticket', 'tickets_comment', 'tickets_ticketevent')"
            )
        else:
            cursor.execute(
                "SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_master "
                "WHERE tbl_name IN ('tickets_ticket', 'tickets_comment', 'tickets_ticketevent')"
            )
        return {row[0] for row in cursor.fetchall()}


def _agent() -> User:
    return User.objects.get(email=f"agent101@{SEED_DOMAIN}")


def test_seed_adds_tickets_with_comments_and_events(seeded: SeedResult) -> None:
    assert seeded.tickets == TICKETS
    assert Ticket.objects.count() == TICKETS
    assert Comment.objects.count() == seeded.comments
    assert TicketEvent.objects.count() == seeded.events
    assert 1.5 * TICKETS < seeded.comments < 2.5 * TICKETS
    assert 3 * TICKETS < seeded.events < 5 * TICKETS
    created = TicketEvent.objects.filter(kind=EventKind.CREATED)
    assert created.count() == TICKETS
    assert created.values("ticket").distinct().count() == TICKETS
    commented = TicketEvent.objects.filter(kind=EventKind.COMMENTED).count()
    assert commented == seeded.comments


def test_ticket_keys_and_numbers_follow_each_desk_counter(seeded: SeedResult) -> None:
    for desk in Desk.objects.all():
        rows = list(Ticket.objects.filter(desk=desk).values_list("number", "key"))
        numbers = sorted(number for number, _key in rows)
        assert numbers == list(range(1, desk.last_ticket_number + 1))
        assert all(key == f"{desk.key}-{number}" for number, key in rows)
    assert sum(Desk.objects.values_list("last_ticket_number", flat=True)) == TICKETS


def test_status_category_is_the_status_category(seeded: SeedResult) -> None:
    assert Ticket.objects.exclude(status_category=F("status__category")).count() == 0
    categories = set(Ticket.objects.values_list("status_category", flat=True))
    assert categories == {"new", "in_progress", "waiting", "done"}
    done_without_resolution = Ticket.objects.filter(status_category="done", resolved_at=None)
    assert done_without_resolution.count() == 0


def test_seeded_agents_serve_the_desks_of_their_tickets(seeded: SeedResult) -> None:
    for ticket in Ticket.objects.exclude(assignee=None).select_related("desk", "assignee")[:100]:
        assert ticket.desk.teams.filter(members=ticket.assignee).exists()
        assert ticket.assignee is not None
        assert ticket.assignee.role == Role.AGENT


def test_a_ticket_created_afterwards_through_the_api_takes_the_next_number(
    seeded: SeedResult,
) -> None:
    desk = Desk.objects.get(key="IT")
    request_type = desk.request_types.order_by("id").first()
    assert request_type is not None
    response = ApiClient(_agent()).post(
        "/tickets",
        {"desk": "IT", "request_type": request_type.pk, "summary": "Kiosk tablet is frozen"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["key"] == f"IT-{desk.last_ticket_number + 1}"
    desk.refresh_from_db()
    assert Ticket.objects.filter(desk=desk).count() == desk.last_ticket_number
    # The comment and event ids continue after the seeded rows too.
    ticket = Ticket.objects.get(key=response.json()["key"])
    comment = ticket_comment(actor=_agent(), ticket=ticket, body="On my way.")
    assert comment.pk > max(Comment.objects.exclude(pk=comment.pk).values_list("pk", flat=True))


def test_keyword_search_finds_exactly_the_seeded_tickets_with_the_word(
    seeded: SeedResult,
) -> None:
    texts = dict(Ticket.objects.values_list("id", "description"))
    word = re.search(r"Related to (\w+)", texts[min(texts)]).group(1)  # type: ignore[union-attr]
    pattern = re.compile(rf"\b{word}", re.IGNORECASE)
    summaries = dict(Ticket.objects.values_list("id", "summary"))
    expected = {i for i in texts if pattern.search(texts[i]) or pattern.search(summaries[i])}
    found = set(filter_tickets_by_text(Ticket.objects.all(), word).values_list("id", flat=True))
    assert expected
    assert found == expected


def test_search_index_keeps_following_writes_after_seeding(seeded: SeedResult) -> None:
    desk = Desk.objects.get(key="FAC")
    ticket = make_ticket(
        desk=desk,
        reporter=_agent(),
        request_type=desk.request_types.first(),
        summary="Quokka statue blocks the loading bay",
    )
    found = filter_tickets_by_text(Ticket.objects.all(), "quokka")
    assert list(found.values_list("key", flat=True)) == [ticket.key]


def test_indexes_and_triggers_are_as_before_seeding() -> None:
    before = _schema_objects()
    seed_tickets(tickets=50, random_seed=3)
    assert _schema_objects() == before


def test_seeding_again_appends_after_existing_tickets() -> None:
    team = make_team("Old hands")
    desk = make_desk("IT", teams=[team])
    reporter = make_user()
    make_ticket(desk=desk, reporter=reporter, request_type=make_request_type(desk))
    users_before_first_seed = User.objects.count()
    first = seed_tickets(tickets=120, random_seed=1)
    users_after_first_seed = User.objects.count()
    second = seed_tickets(tickets=80, random_seed=2)
    assert User.objects.count() == users_after_first_seed > users_before_first_seed
    assert Ticket.objects.count() == 1 + first.tickets + second.tickets
    desk.refresh_from_db()
    counts = Ticket.objects.filter(desk=desk).aggregate(n=Count("id"))
    assert counts["n"] == desk.last_ticket_number
    assert Ticket.objects.get(desk=desk, number=1).summary == "Printer on the 3rd floor is jammed"
    assert Desk.objects.filter(key="IT").count() == 1


def test_seed_command_reports_what_it_added() -> None:
    out = io.StringIO()
    call_command("seed", tickets=30, random_seed=4, stdout=out)
    printed = out.getvalue()
    assert "Seeded 30 tickets" in printed
    assert Ticket.objects.count() == 30
