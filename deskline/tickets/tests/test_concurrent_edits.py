"""Two agents at once: optimistic versions let exactly one edit of a version win, and counters
never lose an increment."""

from collections.abc import Callable

import pytest

from deskline.accounts.models import Role
from deskline.core.errors import Conflict
from deskline.testing.concurrency import run_together
from deskline.testing.factories import make_desk, make_request_type, make_team, make_user
from deskline.tickets.actions import ticket_comment, ticket_create, ticket_update
from deskline.tickets.models import Ticket, TicketEvent

THREADS = 8


def _run_together(work: Callable[[int], object]) -> tuple[list[object], list[BaseException]]:
    return run_together(work, THREADS)


@pytest.fixture
def ticket_and_agents(transactional_db) -> tuple[Ticket, list]:
    team = make_team("Frontline")
    desk = make_desk("IT", teams=[team])
    request_type = make_request_type(desk, fields=[])
    agents = [make_user(role=Role.AGENT, teams=[team]) for _ in range(THREADS)]
    ticket = ticket_create(
        actor=make_user(), desk=desk, request_type=request_type, summary="Shared screen"
    )
    return ticket, agents


def test_only_one_edit_of_the_same_version_wins(ticket_and_agents):
    ticket, agents = ticket_and_agents

    def edit(index: int) -> str:
        fresh = Ticket.objects.select_related("desk").get(pk=ticket.pk)
        ticket_update(
            actor=agents[index],
            ticket=fresh,
            changes={"summary": f"Edited by agent {index}"},
            expected_version=1,
        )
        return fresh.key

    results, errors = _run_together(edit)

    assert len(results) == 1, [repr(e)[:300] for e in errors]
    assert len(errors) == THREADS - 1
    assert all(isinstance(e, Conflict) and e.code == "version_conflict" for e in errors)
    stored = Ticket.objects.get(pk=ticket.pk)
    assert stored.version == 2
    changes = list(TicketEvent.objects.filter(ticket=ticket, kind="changed"))
    assert len(changes) == 1, changes
    assert (changes[0].old_value, changes[0].new_value) == ("Shared screen", stored.summary)


def test_simultaneous_comments_each_bump_the_version(ticket_and_agents):
    ticket, agents = ticket_and_agents

    def comment(index: int) -> int:
        fresh = Ticket.objects.select_related("desk").get(pk=ticket.pk)
        return ticket_comment(actor=agents[index], ticket=fresh, body=f"Note {index}").pk

    results, errors = _run_together(comment)

    assert errors == []
    assert len(set(results)) == THREADS
    assert Ticket.objects.get(pk=ticket.pk).version == 1 + THREADS
    assert TicketEvent.objects.filter(ticket=ticket, kind="commented").count() == THREADS
