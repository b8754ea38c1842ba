"""Loading the demo organisation: people, teams, desks with their forms, and ticket histories.

Everything goes through the actions the product itself uses (`desk_create`,
`request_type_create`, `ticket_create`, `ticket_update`, `ticket_comment`,
`ticket_transition`), so every ticket carries its audit trail. The actions stamp the real time;
afterwards each row is moved back to the moment its plan says, so a ticket's timeline reads
raised, then replies, then resolved. Then the SLA policies (calendars, metrics, goals) are saved
through `calendar_save` and `metric_save`, and each ticket's cycles are computed from its
back-dated trail (`sla_rebuild`). The whole load is one transaction: it happens completely or not
at all, and a loaded demo (its admin account exists) is left alone.
"""

from __future__ import annotations

import datetime
import itertools
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, connection, transaction
from django.db.models import Model

from deskline.accounts.models import Organization, Team, User
from deskline.core.time import now as current_time
from deskline.demo.catalog import DESKS, TEAMS, translations
from deskline.demo.catalog.knowledge import ARTICLES
from deskline.demo.catalog.knowledge import CATEGORIES as KNOWLEDGE_CATEGORIES
from deskline.demo.catalog.service_levels import CALENDARS, METRICS
from deskline.demo.community import load_community
from deskline.demo.people import ADMIN, ADMIN_EMAIL, EVERYONE, FEATURED_AGENT, PASSWORD, SITES
from deskline.demo.plan import Planner, TicketPlan
from deskline.desks.actions import desk_create, request_type_create
from deskline.desks.models import Desk, RequestType, ShortLink, StatusCategory
from deskline.knowledge.actions import article_create, article_flag_outdated, category_create
from deskline.knowledge.models import Article
from deskline.sla.actions import calendar_save, metric_save
from deskline.sla.models import Calendar
from deskline.tickets.actions import (
    ticket_comment,
    ticket_create,
    ticket_transition,
    ticket_update,
)
from deskline.tickets.deliveries import deliveries_held_back
from deskline.tickets.models import (
    Comment,
    EventKind,
    Notification,
    NotificationKind,
    Ticket,
    TicketEvent,
)
from deskline.tickets.service_levels import sla_rebuild

SEED = 20260315
TICKET_COUNT = 300

# A ticket's id, when it was raised, last changed and resolved (None while it is not).
TicketMoments = tuple[int, datetime.datetime, datetime.datetime, datetime.datetime | None]


class DemoConflict(Exception):
    """The database holds rows the demo would create (a desk key, a team, an e-mail address)."""


@dataclass(frozen=True)
class DemoSummary:
    """How much the demo loaded."""

    desks: int
    teams: int
    users: int
    tickets: int


def is_demo_loaded() -> bool:
    """True when the demo organisation is in the database already (its admin account is)."""
    return User.objects.filter(email=ADMIN_EMAIL).exists()


def load_demo(*, tickets: int = TICKET_COUNT) -> DemoSummary | None:
    """Load the demo organisation into the database; None when it is there already.

    Raises DemoConflict, writing nothing, when the database has other rows in the way.
    """
    try:
        # Its conversations are last month's: the workspace shows their notifications, and
        # nobody is e-mailed about them.
        with deliveries_held_back(), transaction.atomic():
            if is_demo_loaded():
                return None
            _check_nothing_in_the_way()
            return _Loader(random.Random(SEED), current_time()).load(tickets)
    except IntegrityError:
        # Another `deskline demo` committed the same rows while this one ran.
        if is_demo_loaded():
            return None
        raise


SHORT_LINKS = ("ithelp", "laptop", "hr", "legal", "facilities")


def _check_nothing_in_the_way() -> None:
    desks = Desk.objects.filter(key__in=[d.key for d in DESKS])
    teams = Team.objects.filter(name__in=[t.name for t in TEAMS])
    organizations = Organization.objects.filter(name__in=[s.organization for s in SITES])
    users = User.objects.filter(email__in=[p.email for p in EVERYONE])
    links = ShortLink.objects.filter(slug__in=SHORT_LINKS)
    calendars = Calendar.objects.filter(name__in=[c.name for c in CALENDARS])
    conflicts = [
        *(f"desk {key}" for key in desks.values_list("key", flat=True)),
        *(f"team {name}" for name in teams.values_list("name", flat=True)),
        *(f"organization {name}" for name in organizations.values_list("name", flat=True)),
        *(f"user {email}" for email in users.values_list("email", flat=True)),
        *(f"short link /go/{slug}" for slug in links.values_list("slug", flat=True)),
        *(f"calendar {name}" for name in calendars.values_list("name", flat=True)),
    ]
    if conflicts:
        raise DemoConflict(
            "The demo organisation needs an empty database, but these exist already: "
            + ", ".join(sorted(conflicts))
        )


class _Loader:
    """One load of the demo: builds the catalogue and people, then replays the plans."""

    def __init__(self, rng: random.Random, started_at: datetime.datetime) -> None:
        self.rng = rng
        self.started_at = started_at
        self.users: dict[str, User] = {}
        self.teams: dict[str, Team] = {}
        self.desks: dict[str, Desk] = {}
        self.request_types: dict[tuple[str, str], RequestType] = {}
        # What `_back_date` needs once every ticket is replayed.
        self.replayed: dict[int, TicketPlan] = {}
        self.comment_moments: dict[int, datetime.datetime] = {}
        self.ticket_moments: list[TicketMoments] = []

    def load(self, ticket_count: int) -> DemoSummary:
        self._people()
        self._desks()
        plans = Planner(self.rng, self.started_at).plan(ticket_count)
        for plan in plans:
            self._replay(plan)
        self._back_date()
        self._service_levels()
        self._rebuild_cycles()
        self._knowledge()
        load_community(users=self.users, desks=self.desks, started_at=self.started_at)
        return DemoSummary(
            desks=len(self.desks), teams=len(self.teams), users=len(self.users), tickets=len(plans)
        )

    def _people(self) -> None:
        long_ago = self.started_at - datetime.timedelta(days=400)
        organizations = {
            site.organization: Organization.objects.create(
                name=site.organization, time_zone=site.time_zone, created_at=long_ago
            )
            for site in SITES
        }
        # One hash for everyone: hashing the same password fifty times would take seconds.
        password = make_password(PASSWORD)
        User.objects.bulk_create(
            User(
                email=person.email,
                display_name=person.display_name,
                role=person.role,
                organization=None if person is ADMIN else organizations[person.site.organization],
                locale=person.site.locale,
                time_zone=person.site.time_zone,
                is_superuser=person is ADMIN,
                password=password,
                date_joined=long_ago,
            )
            for person in EVERYONE
        )
        by_email = {
            user.email: user for user in User.objects.filter(email__in=[p.email for p in EVERYONE])
        }
        self.users = {person.login: by_email[person.email] for person in EVERYONE}
        for spec in TEAMS:
            team = Team.objects.create(name=spec.name, description=spec.description)
            team.members.set([self.users[p.login] for p in EVERYONE if p.team == spec.name])
            self.teams[spec.name] = team

    def _desks(self) -> None:
        for position, spec in enumerate(DESKS):
            desk = desk_create(
                key=spec.key,
                name=spec.name,
                description=spec.description,
                teams=[self.teams[name] for name in spec.teams],
                translations=translations(spec.name_zh, spec.description_zh),
                position=position,
            )
            self.desks[spec.key] = desk
            for request_type in spec.request_types:
                self.request_types[spec.key, request_type.name] = request_type_create(
                    desk=desk,
                    name=request_type.name,
                    description=request_type.description,
                    kind=request_type.kind,
                    default_team=self.teams[spec.teams[0]],
                    fields=[field.as_action_spec() for field in request_type.fields],
                    translations=translations(request_type.name_zh, request_type.description_zh),
                )
        # The addresses a new employee learns on day one.
        ShortLink.objects.bulk_create(
            [
                ShortLink(slug="ithelp", desk=self.desks["IT"]),
                ShortLink(
                    slug="laptop",
                    desk=self.desks["IT"],
                    request_type=self.request_types["IT", "New laptop"],
                ),
                ShortLink(slug="hr", desk=self.desks["HR"]),
                ShortLink(slug="legal", desk=self.desks["LEGAL"]),
                ShortLink(slug="facilities", desk=self.desks["FAC"]),
            ]
        )
        Desk.objects.filter(pk__in=[d.pk for d in self.desks.values()]).update(
            created_at=self.started_at - datetime.timedelta(days=180)
        )
        # With their forms prefetched, raising a ticket does not load the form again each time.
        for loaded in RequestType.objects.select_related("desk").prefetch_related("fields"):
            self.request_types[loaded.desk.key, loaded.name] = loaded

    def _service_levels(self) -> None:
        """The offices' calendars and every desk's metrics, written by the site admin."""
        admin = self.users[ADMIN.login]
        for calendar in CALENDARS:
            calendar_save(
                actor=admin,
                data={**calendar.as_action_data(), "translations": calendar.translations()},
            )
        for desk_key, metrics in METRICS.items():
            for metric in metrics:
                metric_save(
                    actor=admin,
                    desk=self.desks[desk_key],
                    data=metric.as_action_data(),
                    goals=metric.as_action_goals(),
                )

    def _knowledge(self) -> None:
        """The knowledge base: categories by the site admin, articles by the desks' agents,
        through the knowledge actions (versions, translations, the search index)."""
        admin = self.users[ADMIN.login]
        categories = {
            spec.key: category_create(
                actor=admin,
                desk=self.desks[spec.desk] if spec.desk else None,
                name=spec.name,
                description=spec.description,
                position=position,
                translations={"zh-hans": {"name": spec.name_zh}},
            )
            for position, spec in enumerate(KNOWLEDGE_CATEGORIES)
        }
        written: dict[str, Article] = {}
        for spec in ARTICLES:
            author = self.users[spec.author]
            article = article_create(
                actor=author,
                title=spec.title,
                body=spec.body,
                language=spec.language,
                desk=self.desks[spec.desk] if spec.desk else None,
                category=categories[spec.category],
                status=spec.status,
                translation_of=written[spec.translates] if spec.translates else None,
            )
            if spec.outdated:
                article_flag_outdated(
                    actor=self.users[FEATURED_AGENT], article=article, reason=spec.outdated
                )
            written[spec.key] = article

    def _replay(self, plan: TicketPlan) -> None:
        """Raise the ticket and play its steps through the actions, noting when each happened."""
        desk = self.desks[plan.desk]
        ticket = ticket_create(
            actor=self.users[plan.actor],
            desk=desk,
            request_type=self.request_types[plan.desk, plan.request_type],
            summary=plan.summary,
            description=plan.description,
            reporter=self.users[plan.reporter],
            priority=plan.priority,
            fields=plan.fields,
            channel=plan.channel,
            is_shared_with_organization=plan.is_shared_with_organization,
        )
        comment_times: dict[int, datetime.datetime] = {}
        resolved_at: datetime.datetime | None = None
        for step in plan.steps:
            at = plan.step_time(step)
            actor = self.users[step.actor]
            if step.action == "update":
                changes = dict(step.changes)
                if "assignee" in changes:
                    changes["assignee"] = self.users[changes["assignee"]]
                if "team" in changes:
                    changes["team"] = self.teams[changes["team"]]
                ticket = ticket_update(actor=actor, ticket=ticket, changes=changes)
                ticket.desk = desk  # the actions read it; spare them loading it again
            elif step.action == "comment":
                comment = ticket_comment(
                    actor=actor, ticket=ticket, body=step.body, is_public=step.is_public
                )
                comment_times[comment.pk] = at
            else:
                was_done = ticket.status_category == StatusCategory.DONE
                ticket = ticket_transition(actor=actor, ticket=ticket, status=step.status)
                ticket.desk = desk
                if ticket.status_category != StatusCategory.DONE:
                    resolved_at = None
                elif not was_done:
                    resolved_at = at
        self.replayed[ticket.pk] = plan
        self.comment_moments.update(comment_times)
        self.ticket_moments.append(
            (
                ticket.pk,
                plan.created_at,
                plan.step_time(plan.steps[-1]) if plan.steps else plan.created_at,
                resolved_at,
            )
        )

    def _back_date(self) -> None:
        """Give every ticket, comment and event the moment its plan says it happened.

        A ticket's events come in the order of its steps: one for the creation, one for a
        comment or a transition, and one per changed field for an update (none when nothing
        changed), so walking both in order pairs each event with its step.
        """
        event_moments: list[tuple[int, datetime.datetime]] = []
        events = TicketEvent.objects.filter(ticket_id__in=list(self.replayed))
        rows = events.order_by("ticket_id", "id").values_list("ticket_id", "id", "kind")
        for ticket_id, ticket_events in itertools.groupby(rows, key=lambda row: row[0]):
            plan = self.replayed[ticket_id]
            moments = [(EventKind.CREATED, plan.created_at)]
            for step in plan.steps:
                moments.append((STEP_EVENT_KINDS[step.action], plan.step_time(step)))
                if step.reopens:  # the reply's own transition, at the same moment
                    moments.append((EventKind.TRANSITIONED, plan.step_time(step)))
            index, previous_kind = -1, ""
            for _ticket_id, event_id, kind in ticket_events:
                if not (kind == EventKind.CHANGED and previous_kind == EventKind.CHANGED):
                    index += 1
                    while moments[index][0] != kind:  # an update that changed nothing
                        index += 1
                event_moments.append((event_id, moments[index][1]))
                previous_kind = kind
        _set_by_id(TicketEvent, ["created_at"], event_moments)
        _set_by_id(Comment, ["created_at"], self.comment_moments.items())
        _set_by_id(Ticket, ["created_at", "updated_at", "resolved_at"], self.ticket_moments)
        self._back_date_replies()

    def _back_date_replies(self) -> None:
        """Date the agents' notifications of customer replies at their replies, read when
        something happened to the ticket after the reply (somebody took it up) and unread when
        the reply is the last thing that happened; and their assignments, read."""
        last_moment = {
            ticket_id: last for ticket_id, _created, last, _resolved in self.ticket_moments
        }
        rows = []
        for notification_id, ticket_id, data in Notification.objects.filter(
            ticket_id__in=list(self.replayed), kind=NotificationKind.CUSTOMER_REPLIED
        ).values_list("id", "ticket_id", "data"):
            replied_at = self.comment_moments.get(data.get("comment_id"))
            if replied_at is None:
                continue
            last = last_moment[ticket_id]
            rows.append((notification_id, replied_at, last if last > replied_at else None))
        # The assignments of last month were seen long ago: dated at the ticket's start, read.
        created_moment = {ticket_id: created for ticket_id, created, _l, _r in self.ticket_moments}
        for notification_id, ticket_id in Notification.objects.filter(
            ticket_id__in=list(self.replayed), kind=NotificationKind.ASSIGNED
        ).values_list("id", "ticket_id"):
            rows.append((notification_id, created_moment[ticket_id], last_moment[ticket_id]))
        _set_by_id(Notification, ["created_at", "read_at"], rows)

    def _rebuild_cycles(self) -> None:
        """Recompute every ticket's SLA cycles from its back-dated audit trail: the actions
        measured them at the real time of the load. Past warnings and breaches count as
        announced, so the agents find no flood of notifications about last month."""
        for ticket in Ticket.objects.filter(pk__in=list(self.replayed)).select_related("status"):
            sla_rebuild(ticket, announce_past=False)


STEP_EVENT_KINDS = {
    "update": EventKind.CHANGED,
    "comment": EventKind.COMMENTED,
    "transition": EventKind.TRANSITIONED,
}


def _set_by_id(model: type[Model], columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Set the datetime `columns` of many rows, each row given as (id, *values).

    One prepared UPDATE run for every row: the ORM would need a statement per row, or one
    CASE with a branch per row, and builds either far more slowly than the database runs it.
    """
    quote = connection.ops.quote_name
    adapt = connection.ops.adapt_datetimefield_value
    assignments = ", ".join(f"{quote(column)} = %s" for column in columns)
    sql = f"UPDATE {quote(model._meta.db_table)} SET {assignments} WHERE id = %s"
    params = [[*(adapt(value) for value in values), pk] for pk, *values in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
