"""The agent workspace's queues: which tickets each holds, and how many, read through indexes.

Every queue is a filter on `status_category` plus assignee or desk, so that both its list and
its count walk one of the ticket indexes: the partial indexes of open tickets by desk, by
assignee, and unassigned by desk, or (desk, status_category, ...), each ending in the key of
one sort (id, updated_at, priority_rank or sla_due_at).
Counts stop at COUNT_CAP: a queue of 40,000 tickets shows "999+", and counting it stays a bounded
index walk however many tickets there are.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import AGENT_ROLES, Organization, Team, User
from deskline.core.errors import NotFound
from deskline.core.time import now
from deskline.desks.models import Desk, RequestType, Status, StatusCategory
from deskline.desks.selectors import served_desk_ids
from deskline.tickets.models import IS_OPEN, Ticket

RECENTLY_RESOLVED_DAYS = 7
COUNT_CAP = 999
DESK_QUEUE_PREFIX = "desk-"


@dataclass(frozen=True)
class Queue:
    """One queue of the sidebar: `slug` names it in addresses, `label` for people."""

    slug: str
    label: str | Promise
    desk_id: int | None = None

    @property
    def is_desk_queue(self) -> bool:
        return self.desk_id is not None


@dataclass(frozen=True)
class QueueCount:
    queue: Queue
    count: int

    @property
    def is_capped(self) -> bool:
        return self.count > COUNT_CAP

    @property
    def shown(self) -> str:
        return f"{COUNT_CAP}+" if self.is_capped else str(self.count)


def _team_ids(user: User) -> list[int]:
    cached: list[int] | None = getattr(user, "_workspace_team_ids", None)
    if cached is None:
        cached = list(
            Team.members.through.objects.filter(user_id=user.pk).values_list("team_id", flat=True)
        )
        user._workspace_team_ids = cached  # type: ignore[attr-defined]  # per-request memo
    return cached


def served_desks(user: User) -> list[Desk]:
    """The desks `user` works on as an agent, in sidebar order (one query, memoised)."""
    cached: list[Desk] | None = getattr(user, "_workspace_desks", None)
    if cached is None:
        cached = list(
            Desk.objects.filter(id__in=served_desk_ids(user)).only(
                "id", "key", "name", "translations", "position"
            )
        )
        user._workspace_desks = cached  # type: ignore[attr-defined]  # per-request memo
    return cached


def queues_for(user: User) -> list[Queue]:
    """The queues of `user`'s sidebar: personal ones first, then one per served desk."""
    queues = [
        Queue("mine", _("My open")),
        Queue("unassigned", _("Unassigned")),
        Queue("waiting", _("Waiting for customer")),
        Queue("resolved", _("Recently resolved")),
    ]
    for desk in served_desks(user):
        queues.append(
            Queue(
                f"{DESK_QUEUE_PREFIX}{desk.key.lower()}",
                _("All open: %(desk)s") % {"desk": desk.translated("name")},
                desk_id=desk.pk,
            )
        )
    return queues


def find_queue(user: User, slug: str) -> Queue:
    """The queue called `slug` in `user`'s sidebar; NotFound for any other."""
    for queue in queues_for(user):
        if queue.slug == slug:
            return queue
    raise NotFound(_("There is no such queue."), code="queue_not_found")


def queue_tickets(user: User, queue: Queue) -> QuerySet[Ticket]:
    """The tickets of `queue`, unordered, as a queryset whose filters match a ticket index."""
    return _tickets_of(user, queue, desk_ids=sorted(served_desk_ids(user)))


def queue_ranges(user: User, queue: Queue, *, sort: str) -> list[QuerySet[Ticket]]:
    """The tickets of `queue` as querysets, one per index range, that together hold the queue.

    Each range fixes the leading columns of an index whose next columns are the sort's key, so
    that a sorted page of it is an index walk that stops after one page: the desk and "mine"
    queues are one range; queues over several desks are one range per desk, whose pages the
    caller merges.
    """
    if queue.desk_id is not None or queue.slug == "mine":
        return [queue_tickets(user, queue)]
    if queue.slug == "unassigned" and (team_ids := _team_ids(user)):
        # One range per desk and team, and per desk for no team: each walks the unassigned
        # index of (desk, team) in the sort's order, never over other teams' tickets.
        return [
            _unassigned(desk_id, team_id)
            for desk_id in sorted(served_desk_ids(user))
            for team_id in [*team_ids, None]
        ]
    ranges = [
        _tickets_of(user, queue, desk_ids=[desk_id]) for desk_id in sorted(served_desk_ids(user))
    ]
    if queue.slug == "resolved" and sort == "updated":
        # Resolving a ticket stamps its updated_at, so no ticket resolved since `since` was last
        # updated before it: with this bound the walk down updated_at stops at the week's start.
        since = now() - datetime.timedelta(days=RECENTLY_RESOLVED_DAYS)
        ranges = [tickets.filter(updated_at__gte=since) for tickets in ranges]
    return ranges


def _unassigned(desk_id: int, team_id: int | None) -> QuerySet[Ticket]:
    team = Q(team_id=team_id) if team_id is not None else Q(team__isnull=True)
    return Ticket.objects.order_by().filter(IS_OPEN, team, desk_id=desk_id, assignee__isnull=True)


def _tickets_of(user: User, queue: Queue, *, desk_ids: list[int]) -> QuerySet[Ticket]:
    tickets = Ticket.objects.order_by()
    if queue.desk_id is not None:
        return tickets.filter(IS_OPEN, desk_id=queue.desk_id)
    if queue.slug == "mine":
        # No desk filter: tickets are assigned only to agents of their desk, and adding one made
        # SQLite walk the desk index instead of the assignee's partial index of open tickets.
        return tickets.filter(IS_OPEN, assignee_id=user.pk)
    desks = Q(desk_id=desk_ids[0]) if len(desk_ids) == 1 else Q(desk_id__in=desk_ids)
    if queue.slug == "unassigned":
        # New requests often have no team yet: they belong to whoever serves their desk.
        team_ids = _team_ids(user)
        mine = Q(team__isnull=True)
        if team_ids:
            mine |= Q(team_id__in=team_ids)
        else:
            mine = Q()  # a site admin in no team sees every unassigned request
        return tickets.filter(IS_OPEN, desks, mine, assignee__isnull=True)
    if queue.slug == "waiting":
        return tickets.filter(desks, status_category=StatusCategory.WAITING)
    if queue.slug == "resolved":
        since = now() - datetime.timedelta(days=RECENTLY_RESOLVED_DAYS)
        return tickets.filter(desks, status_category=StatusCategory.DONE, resolved_at__gte=since)
    raise NotFound(_("There is no such queue."), code="queue_not_found")


def queue_counts(user: User) -> list[QueueCount]:
    """How many tickets each of `user`'s queues holds, up to COUNT_CAP; one query per queue."""
    counts = []
    for queue in queues_for(user):
        # COUNT over "first COUNT_CAP + 1 ids": a bounded walk of the index, never a full scan.
        count = queue_tickets(user, queue).values("id")[: COUNT_CAP + 1].count()
        counts.append(QueueCount(queue, count))
    return counts


@dataclass(frozen=True)
class FilterOptions:
    """The choices of a queue's filter bar, from the desks `user` serves."""

    statuses: list[tuple[str, str]]
    teams: list[str]
    agents: list[tuple[str, str]]
    request_types: list[tuple[int, str]]


def queue_filter_options(user: User) -> FilterOptions:
    """Statuses, teams, agents and request types of the desks `user` serves; four queries."""
    desk_ids = sorted(served_desk_ids(user))
    desk_keys = {desk.pk: desk.key for desk in served_desks(user)}
    statuses: dict[str, str] = {}
    for status in Status.objects.filter(desk_id__in=desk_ids).order_by("position", "id"):
        statuses.setdefault(status.key, status.translated("name"))
    teams = list(
        Team.objects.filter(desks__id__in=desk_ids)
        .order_by("name")
        .values_list("name", flat=True)
        .distinct()
    )
    agents = list(
        User.objects.filter(
            teams__desks__id__in=desk_ids, is_active=True, role__in=sorted(AGENT_ROLES)
        )
        .order_by("display_name", "email")
        .values_list("email", "display_name")
        .distinct()
    )
    request_types = [
        (
            request_type.pk,
            _("%(desk)s: %(name)s")
            % {
                "desk": desk_keys.get(request_type.desk_id, ""),
                "name": request_type.translated("name"),
            },
        )
        for request_type in served_request_types(user)
    ]
    return FilterOptions(
        statuses=list(statuses.items()),
        teams=teams,
        agents=agents,
        request_types=request_types,
    )


def served_request_types(user: User) -> list[RequestType]:
    """The request types of the desks `user` serves, by desk and position (one query)."""
    return list(
        RequestType.objects.filter(desk_id__in=sorted(served_desk_ids(user))).order_by(
            "desk_id", "position", "id"
        )
    )


def organization_named(name: str) -> Organization | None:
    """The organization called exactly `name` (one query); None when there is none."""
    return Organization.objects.filter(name=name).only("id", "name").first()


def desk_agents(desk: Desk) -> list[User]:
    """The active agents who may be assigned the desk's tickets, by name (one query)."""
    return list(
        User.objects.filter(teams__desks=desk, is_active=True, role__in=sorted(AGENT_ROLES))
        .order_by("display_name", "email")
        .distinct()
    )


def desk_teams(desk: Desk) -> list[Team]:
    """The teams that serve the desk, by name (one query)."""
    return list(Team.objects.filter(desks=desk).order_by("name"))
