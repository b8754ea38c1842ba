"""The desks' configuration as one in-memory catalogue per process (see `core.config`).

Desks, request types with their ordered forms and default teams, statuses, teams and who is in
them: built in a handful of queries after any of it changes, then read from memory. The objects
are shared by every request in the process: read them, never change or save them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch

from deskline.accounts.models import Team
from deskline.core.config import cached
from deskline.desks.models import Desk, RequestField, RequestType, Status, StatusCategory

# The categories a customer's reply may move a waiting request to: back into the agents' hands.
_WORKED_ON = frozenset({StatusCategory.NEW, StatusCategory.IN_PROGRESS})


@dataclass(frozen=True)
class Catalog:
    desks: dict[int, Desk]
    desk_ids_by_key: dict[str, int]
    request_types: dict[int, RequestType]
    # Active request types of each desk, in their order.
    active_request_type_ids: dict[int, list[int]]
    statuses: dict[int, Status]
    initial_status_ids: dict[int, int]
    status_ids_by_key: dict[str, list[int]]
    teams: dict[int, Team]
    team_ids_by_name: dict[str, int]
    desk_ids_by_team: dict[int, frozenset[int]]
    team_ids_by_member: dict[int, frozenset[int]]
    _served: dict[int, frozenset[int]] = field(default_factory=dict)

    def desk_of_key(self, key: str) -> Desk | None:
        desk_id = self.desk_ids_by_key.get(key)
        return self.desks[desk_id] if desk_id is not None else None

    def served_desk_ids(self, user_id: int) -> frozenset[int]:
        """The desks that the teams of agent `user_id` serve."""
        served = self._served.get(user_id)
        if served is None:
            served = frozenset(
                desk_id
                for team_id in self.team_ids_by_member.get(user_id, ())
                for desk_id in self.desk_ids_by_team.get(team_id, ())
            )
            self._served[user_id] = served
        return served

    def active_request_type(self, desk_id: int, wanted: int | str) -> RequestType | None:
        """The desk's active request type with this id (int) or name (str)."""
        for request_type_id in self.active_request_type_ids.get(desk_id, ()):
            request_type = self.request_types[request_type_id]
            found = request_type.pk if isinstance(wanted, int) else request_type.name
            if found == wanted:
                return request_type
        return None

    def status_of(self, desk_key: str, status_key: str) -> Status | None:
        """The status with key `status_key` of the desk with key `desk_key`."""
        desk_id = self.desk_ids_by_key.get(desk_key)
        for status_id in self.status_ids_by_key.get(status_key, ()):
            status = self.statuses[status_id]
            if status.desk_id == desk_id:
                return status
        return None

    def initial_status(self, desk_id: int) -> Status | None:
        status_id = self.initial_status_ids.get(desk_id)
        return self.statuses[status_id] if status_id is not None else None

    def desk_statuses(self, desk_id: int) -> list[Status]:
        """The desk's statuses in their order."""
        return [status for status in self.statuses.values() if status.desk_id == desk_id]

    def first_status_of_category(self, desk_id: int, category: str) -> Status | None:
        """The desk's first status (in order) of `category`, or None when it has none."""
        return next((s for s in self.desk_statuses(desk_id) if s.category == category), None)

    def customer_reply_status(self, desk_id: int) -> Status | None:
        """Where a customer's reply moves the desk's requests that wait for them: the status the
        desk chose (while it is one of the desk's, of category new or in progress), else its
        first status of category in progress; None when the desk does not move them."""
        desk = self.desks.get(desk_id)
        if desk is None or not desk.reopen_on_customer_reply:
            return None
        chosen = self.statuses.get(desk.customer_reply_status_id or 0)
        if chosen is not None and chosen.desk_id == desk_id and chosen.category in _WORKED_ON:
            return chosen
        return self.first_status_of_category(desk_id, StatusCategory.IN_PROGRESS)


def _build() -> Catalog:
    desks = {desk.pk: desk for desk in Desk.objects.order_by("position", "key")}
    request_types = {
        request_type.pk: request_type
        for request_type in RequestType.objects.select_related("default_team")
        .prefetch_related(
            Prefetch("fields", queryset=RequestField.objects.order_by("position", "id"))
        )
        .order_by("desk_id", "position", "id")
    }
    active: dict[int, list[int]] = defaultdict(list)
    for request_type in request_types.values():
        if request_type.is_active:
            active[request_type.desk_id].append(request_type.pk)
    statuses = {
        status.pk: status for status in Status.objects.order_by("desk_id", "position", "id")
    }
    by_key: dict[str, list[int]] = defaultdict(list)
    for status in statuses.values():
        by_key[status.key].append(status.pk)
    teams = {team.pk: team for team in Team.objects.order_by("name", "id")}
    desk_ids_by_team: dict[int, set[int]] = defaultdict(set)
    for desk_id, team_id in Desk.teams.through.objects.values_list("desk_id", "team_id"):
        desk_ids_by_team[team_id].add(desk_id)
    team_ids_by_member: dict[int, set[int]] = defaultdict(set)
    for team_id, user_id in Team.members.through.objects.values_list("team_id", "user_id"):
        team_ids_by_member[user_id].add(team_id)
    return Catalog(
        desks=desks,
        desk_ids_by_key={desk.key: desk.pk for desk in desks.values()},
        request_types=request_types,
        active_request_type_ids=dict(active),
        statuses=statuses,
        initial_status_ids={s.desk_id: s.pk for s in statuses.values() if s.is_initial},
        status_ids_by_key=dict(by_key),
        teams=teams,
        team_ids_by_name={team.name: team.pk for team in teams.values()},
        desk_ids_by_team={k: frozenset(v) for k, v in desk_ids_by_team.items()},
        team_ids_by_member={k: frozenset(v) for k, v in team_ids_by_member.items()},
    )


def catalog() -> Catalog:
    """This process's catalogue of the desks' configuration, rebuilt after any change."""
    return cached("desks.catalog", _build)
