"""The agent workspace's queues: which tickets each holds, and how many, read through indexes.

Every queue is a filter on `status_category` plus one of assignee, team or desk, so that both its
list and its count walk one of the ticket indexes ((assignee|team|desk), status_category, id).
Counts stop at COUNT_CAP: a queue of 40,000 tickets shows "999+", and counting it stays a bounded
index walk however many tickets there are.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import AGENT_ROLES, Team, User
from deskline.core.errors import NotFound
from deskline.core.time import now
from deskline.desks.models import Desk, RequestType, Status, StatusCategory
from deskline.desks.selectors import served_desk_ids
from deskline.tickets.models import Ticket

OPEN_CATEGORIES = (StatusCategory.NEW, StatusCategory.IN_PROGRESS, StatusCategory.WAITING)
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
    desk_ids = sorted(served_desk_ids(user))
    tickets = Ticket.objects.order_by()
    if queue.desk_id is not None:
        return tickets.filter(desk_id=queue.desk_id, status_category__in=OPEN_CATEGORIES)
    if queue.slug == "mine":
        # No desk filter: tickets are assigned only to agents of their desk, and adding one made
        # SQLite walk the desk index instead of the covering (assignee, category, id) one.
        return tickets.filter(assignee_id=user.pk, status_category__in=OPEN_CATEGORIES)
    if queue.slug == "unassigned":
        # New requests often have no team yet: they belong to whoever serves their desk.
        team_ids = _team_ids(user)
        mine = Q(team__isnull=True)
        if team_ids:
            mine |= Q(team_id__in=team_ids)
        else:
            mine = Q()  # a site admin in no team sees every unassigned request
        return tickets.filter(
            mine, assignee__isnull=True, status_category__in=OPEN_CATEGORIES, desk_id__in=desk_ids
        )
    if queue.slug == "waiting":
        return tickets.filter(desk_id__in=desk_ids, status_category=StatusCategory.WAITING)
    if queue.slug == "resolved":
        since = now() - datetime.timedelta(days=RECENTLY_RESOLVED_DAYS)
        return tickets.filter(
            desk_id__in=desk_ids, status_category=StatusCategory.DONE, resolved_at__gte=since
        )
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
            f"{desk_keys.get(request_type.desk_id, '')}: {request_type.translated('name')}",
        )
        for request_type in RequestType.objects.filter(desk_id__in=desk_ids).order_by(
            "desk_id", "position", "id"
        )
    ]
    return FilterOptions(
        statuses=list(statuses.items()),
        teams=teams,
        agents=agents,
        request_types=request_types,
    )


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
