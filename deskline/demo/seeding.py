"""Bulk synthetic data for benchmarks: desks, people and many tickets with comments and events.

`seed_tickets(tickets=N)` appends N tickets. Missing configuration (teams, agents, customers, desks,
request types) is made through the ORM and the desk actions; tickets, comments and audit events
are generated from precomputed pools and written with raw SQL in big batches (`executemany` on
SQLite, COPY on PostgreSQL) in one transaction. Ticket numbers are reserved per desk with
`UPDATE ... RETURNING`, ids are explicit and the sequences moved past them, `status_category`
is the chosen status's, and the keyword index is complete at the end: secondary indexes (the GIN
one included) are rebuilt once, and SQLite's FTS5 insert trigger is set aside during the load,
the new rows indexed in one statement and the trigger put back exactly as it was.
"""

from __future__ import annotations

import datetime
import itertools
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from deskline.accounts.models import Organization, Role, Team, User
from deskline.desks.actions import desk_create, request_type_create
from deskline.desks.models import Desk, RequestType, RequestTypeKind, StatusCategory
from deskline.sla.models import NO_DEADLINE
from deskline.tickets.models import PRIORITY_RANKS

Progress = Callable[[str], None]

SEED_DOMAIN = "seed.deskline.example"
AGENTS_PER_TEAM = 6
CUSTOMERS = 2_000
TABLES = ("tickets_ticket", "tickets_comment", "tickets_ticketevent")

# (name, description)
TEAMS = (
    ("Service Desk", "First-line support for everything IT."),
    ("Workplace IT", "Laptops, printers, meeting rooms and the software on them."),
    ("Network and Security", "Network, VPN, accounts and access."),
    ("People Operations", "Contracts, payroll questions, leave and onboarding."),
    ("Facilities Crew", "Buildings, rooms, badges and repairs."),
    ("Finance Operations", "Invoices, expenses, purchase orders and payments."),
)
ORGANIZATIONS = (
    "Shanghai office", "Beijing office", "Shenzhen plant", "London office", "Berlin office",
    "Paris office", "New York office", "Singapore office", "Sydney office", "Sales EMEA",
    "Sales APAC", "Research lab", "Warehouse North", "Warehouse South", "Head office",
)  # fmt: skip

# key, name, teams, share of the tickets, subjects, problems, request types (name, kind, team)
DESKS: tuple[tuple[str, str, tuple[str, ...], int, str, str, tuple[tuple[str, str, str], ...]], ...]
DESKS = (
    ("IT", "IT Help", ("Service Desk", "Workplace IT", "Network and Security"), 50,
     "laptop|printer|monitor|keyboard|docking station|VPN|Outlook|Teams|wireless network|"
     "password|smartphone|webcam|headset|shared drive|intranet site|build server|database|"
     "backup job|mailbox|calendar|browser|antivirus|firewall rule|certificate|projector",
     "is not working|keeps disconnecting|is very slow|shows an error after the update|"
     "will not turn on|cannot connect|stopped syncing|needs to be replaced|"
     "asks for the password again and again|crashes on start|is locked|is missing|"
     "needs more storage|flickers|freezes every few minutes",
     (("Laptop or desktop problem", RequestTypeKind.INCIDENT, "Workplace IT"),
      ("New hardware", RequestTypeKind.SERVICE_REQUEST, "Workplace IT"),
      ("Access request", RequestTypeKind.SERVICE_REQUEST, "Network and Security"),
      ("Network outage", RequestTypeKind.INCIDENT, "Network and Security"),
      ("Something is broken", RequestTypeKind.INCIDENT, "Service Desk"),
      ("Recurring problem", RequestTypeKind.PROBLEM, "Service Desk"),
      ("Change to a server", RequestTypeKind.CHANGE, "Network and Security"))),
    ("HR", "People", ("People Operations",), 15,
     "payslip|holiday balance|parental leave|onboarding plan|reference letter|contract|"
     "expense policy|training budget|relocation|health insurance|pension plan|probation review|"
     "sick leave|overtime|bonus payment",
     "is incorrect|needs updating|has not arrived|is missing|needs approval|is unclear|"
     "was rejected|needs a signature",
     (("Question about pay", RequestTypeKind.SERVICE_REQUEST, "People Operations"),
      ("Leave request", RequestTypeKind.SERVICE_REQUEST, "People Operations"),
      ("Onboarding", RequestTypeKind.SERVICE_REQUEST, "People Operations"))),
    ("FAC", "Facilities", ("Facilities Crew",), 20,
     "air conditioning|meeting room|desk chair|parking permit|access badge|kitchen|lift|"
     "lighting|heating|window blind|coffee machine|office key|locker|standing desk|toilet",
     "is broken|is too cold|is too warm|needs cleaning|is leaking|makes a loud noise|"
     "is not working|needs repair|is blocked|smells of smoke",
     (("Repair", RequestTypeKind.INCIDENT, "Facilities Crew"),
      ("Room or desk request", RequestTypeKind.SERVICE_REQUEST, "Facilities Crew"),
      ("Access badge", RequestTypeKind.SERVICE_REQUEST, "Facilities Crew"))),
    ("FIN", "Finance", ("Finance Operations",), 15,
     "invoice|purchase order|expense claim|company card|supplier payment|budget report|"
     "cost centre|travel advance|refund|receipt|quarterly forecast",
     "is overdue|was rejected|needs approval|is missing|is duplicated|has the wrong amount|"
     "was paid twice|is blocked in the system",
     (("Invoice question", RequestTypeKind.SERVICE_REQUEST, "Finance Operations"),
      ("Expense claim", RequestTypeKind.SERVICE_REQUEST, "Finance Operations"),
      ("Purchase order", RequestTypeKind.SERVICE_REQUEST, "Finance Operations"))),
)  # fmt: skip


def _phrases(text: str) -> tuple[str, ...]:
    return tuple(text.split("|"))


WHEN = _phrases("this morning|yesterday|last week|Monday|the last update|the office move|"
                "the power cut|the migration|the weekend|the new release")  # fmt: skip
PLACES = _phrases("the Shanghai office|the London office|building B|meeting room 4|"
                  "the third floor|reception|the warehouse|my home office|the Berlin office|"
                  "the lab|the canteen|the training centre")  # fmt: skip
WHO = _phrases("me|our whole team|the finance team|two new starters|the night shift|"
               "several colleagues|the sales team|my manager|the visitors|"
               "everyone on this floor")  # fmt: skip
TRIED = _phrases("restarting it|logging out and in again|a different cable|another browser|"
                 "clearing the cache|the troubleshooting guide|asking a colleague|"
                 "waiting an hour")  # fmt: skip
PLEASE = _phrases("have a look|send someone|call me back|fix it today|replace it|approve it|"
                  "update the record|check the logs|tell me what to do next")  # fmt: skip
BLOCKS = _phrases("the month end close|customer calls|the release|payroll|our daily meeting|"
                  "the audit|the product launch|the training session|a customer visit")  # fmt: skip
REPLY_OPENERS = _phrases("Thanks for the details.|I had a look.|Quick update:|Following up.|"
                         "Good news.|Sorry for the wait.|Thank you.|One more thing.")  # fmt: skip
REPLY_MIDDLES = _phrases(
    "I have restarted the service on our side.|A technician will come by tomorrow.|"
    "Could you send a screenshot of the error?|It works again after the fix.|"
    "I still see the same problem.|We ordered a replacement.|The vendor confirmed the issue.|"
    "Please try again now.|I added the right permissions.|This needs approval from your manager."
)
REPLY_CLOSERS = _phrases("Let me know if it happens again.|Kind regards.|I will keep you posted.|"
                         "You can close this request.|Thanks again.|")  # fmt: skip
# Names that make keyword search selective: drawn with Zipf weights, so the last are rare.
RARE_WORDS = _phrases(
    "windows|macos|linux|android|iphone|chrome|firefox|edge|office|excel|word|powerpoint|"
    "thinkpad|latitude|elitebook|macbook|surface|optiplex|kerberos|ldap|dhcp|proxy|bitlocker|"
    "intune|okta|citrix|sap|workday|salesforce|jenkins|gitlab|kubernetes|postgres|oracle|"
    "exchange|azure|vmware|splunk|grafana|cisco|juniper|sophos|dropbox|slack|zoom|webex|"
    "confluence|jira|sharepoint|onedrive|yubikey|duo|lastpass|keepass|wireshark|putty|"
    "filezilla|notepad|acrobat|photoshop|autocad|solidworks|matlab|tableau|powerbi|looker|"
    "snowflake|bigquery|redshift|terraform|ansible|puppet|chef|nagios|zabbix|prometheus|"
    "pagerduty|opsgenie|servicenow|freshdesk|zendesk|hubspot|marketo|netsuite|coupa|concur|"
    "navision|kronos|taleo|greenhouse|lattice|gusto|bamboohr|docusign|veeam|meraki|fortinet|"
    "crowdstrike|zscaler|mimecast|proofpoint|barracuda"
)
# Rare enough to be selective (about 0.3 to 0.5 % of tickets each), common enough to find.
SEARCH_TERMS = ("mimecast", "proofpoint", "crowdstrike", "zscaler", "fortinet", "meraki")

PRIORITIES = (("critical", 3), ("high", 15), ("medium", 60), ("low", 22))
CHANNELS = (("portal", 60), ("email", 30), ("api", 5), ("agent", 5))
CATEGORY_WEIGHTS: dict[str, int] = {StatusCategory.NEW: 15, StatusCategory.IN_PROGRESS: 12,
                                    StatusCategory.WAITING: 8, StatusCategory.DONE: 65}  # fmt: skip
COMMENT_COUNTS = ((0, 10), (1, 25), (2, 35), (3, 20), (4, 10))  # about 2 a ticket
YEAR = 365 * 86400

TICKET_COLUMNS = (
    "id", "number", "key", "summary", "description", "description_html",
    "is_shared_with_organization", "priority", "status_category", "fields", "channel",
    "created_at", "updated_at", "resolved_at", "version", "assignee_id", "desk_id",
    "organization_id", "reporter_id", "request_type_id", "status_id", "team_id", "priority_rank",
    "sla_due_at",
)  # fmt: skip
COMMENT_COLUMNS = ("id", "body", "body_html", "is_public", "created_at", "author_id", "ticket_id")
EVENT_COLUMNS = ("id", "kind", "field", "old_value", "new_value", "is_public", "created_at",
                 "actor_id", "ticket_id")  # fmt: skip
COLUMNS = (TICKET_COLUMNS, COMMENT_COLUMNS, EVENT_COLUMNS)


@dataclass(frozen=True)
class SeedResult:
    """What one seeding run added, and how long it took."""

    tickets: int
    comments: int
    events: int
    seconds: float


@dataclass
class _DeskPlan:
    id: int
    key: str
    first_number: int
    subjects: list[str]
    problems: list[str]
    request_types: list[tuple[int, int | None]]
    team_ids: list[int]
    agent_ids: list[int]
    statuses: list[tuple[int, str, str]]
    status_weights: list[int]
    initial_key: str


@dataclass
class _Plan:
    desks: list[_DeskPlan]
    desk_weights: list[int]
    customers: list[tuple[int, int | None]]


# --- configuration, through the ORM and the desk actions --------------------------------------


def _ensure_people() -> tuple[dict[str, Team], dict[str, list[int]], list[tuple[int, int | None]]]:
    teams = {name: Team.objects.get_or_create(name=name, defaults={"description": text})[0]
             for name, text in TEAMS}  # fmt: skip
    organizations = [Organization.objects.get_or_create(name=name)[0] for name in ORGANIZATIONS]
    wanted: list[User] = []
    for team_index in range(len(TEAMS)):
        for number in range(1, AGENTS_PER_TEAM + 1):
            wanted.append(_seed_user(f"agent{team_index + 1}{number:02d}", Role.AGENT, None))
    for number in range(1, CUSTOMERS + 1):
        organization = organizations[number % len(organizations)] if number % 5 else None
        wanted.append(_seed_user(f"customer{number:04d}", Role.CUSTOMER, organization))
    User.objects.bulk_create(wanted, ignore_conflicts=True, batch_size=500)
    by_email = dict(
        User.objects.filter(email__endswith="@" + SEED_DOMAIN).values_list("email", "id")
    )
    agents: dict[str, list[int]] = {}
    for team_index, (team_name, _text) in enumerate(TEAMS):
        ids = [by_email[f"agent{team_index + 1}{n:02d}@{SEED_DOMAIN}"]
               for n in range(1, AGENTS_PER_TEAM + 1)]  # fmt: skip
        teams[team_name].members.add(*ids)
        agents[team_name] = ids
    customers: list[tuple[int, int | None]] = list(
        User.objects.filter(email__endswith="@" + SEED_DOMAIN, role=Role.CUSTOMER)
        .order_by("id")
        .values_list("id", "organization_id")
    )
    return teams, agents, customers


def _seed_user(name: str, role: str, organization: Organization | None) -> User:
    user = User(
        email=f"{name}@{SEED_DOMAIN}",
        display_name=name.capitalize(),
        role=role,
        organization=organization,
    )
    user.set_unusable_password()
    return user


def _ensure_configuration() -> _Plan:
    teams, agents, customers = _ensure_people()
    desks: list[_DeskPlan] = []
    weights: list[int] = []
    for key, name, team_names, weight, subjects, problems, request_types in DESKS:
        desk_teams = [teams[team_name] for team_name in team_names]
        desk = Desk.objects.filter(key=key).first()
        if desk is None:
            desk = desk_create(key=key, name=name, teams=desk_teams, position=len(desks))
        else:
            # An existing desk (the demo's IT, say) gets the seed teams, so assignees serve it.
            desk.teams.add(*desk_teams)
        existing = set(RequestType.objects.filter(desk=desk).values_list("name", flat=True))
        for type_name, kind, team_name in request_types:
            if type_name not in existing:
                request_type_create(
                    desk=desk, name=type_name, kind=kind, default_team=teams[team_name]
                )
        type_names = [type_name for type_name, _kind, _team in request_types]
        statuses = list(desk.statuses.order_by("position", "id"))
        initial = next((s for s in statuses if s.is_initial), statuses[0])
        per_category: dict[str, int] = {}
        for status in statuses:
            per_category[status.category] = per_category.get(status.category, 0) + 1
        # Spread each category's share over its statuses, in hundredths.
        status_weights = [CATEGORY_WEIGHTS[s.category] * 100 // per_category[s.category]
                          for s in statuses]  # fmt: skip
        desks.append(
            _DeskPlan(
                id=desk.pk,
                key=desk.key,
                first_number=0,
                subjects=subjects.split("|"),
                problems=problems.split("|"),
                request_types=list(
                    RequestType.objects.filter(desk=desk, name__in=type_names)
                    .order_by("position", "id")
                    .values_list("id", "default_team_id")
                ),
                team_ids=[team.pk for team in desk_teams],
                agent_ids=[i for team_name in team_names for i in agents[team_name]],
                statuses=[(s.pk, s.key, s.category) for s in statuses],
                status_weights=status_weights,
                initial_key=initial.key,
            )
        )
        weights.append(weight)
    return _Plan(desks=desks, desk_weights=weights, customers=customers)


# --- row generation ---------------------------------------------------------------------------

_TIMES_OF_DAY = [
    f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)
]
_EPOCH_ORDINAL = datetime.date(1970, 1, 1).toordinal()


class _Stamp:
    """Epoch seconds as the database's datetime text (UTC), about a microsecond each."""

    def __init__(self, suffix: str) -> None:
        self.suffix = suffix
        self.days: dict[int, str] = {}

    def __call__(self, moment: int) -> str:
        day, second = divmod(moment, 86400)
        text = self.days.get(day)
        if text is None:
            text = self.days[day] = datetime.date.fromordinal(_EPOCH_ORDINAL + day).isoformat()
        return text + " " + _TIMES_OF_DAY[second] + self.suffix


def _sentence_pool(rng: random.Random, desk: _DeskPlan, size: int) -> list[str]:
    def sentence() -> str:
        subject, problem, place = (rng.choice(desk.subjects), rng.choice(desk.problems),
                                   rng.choice(PLACES))  # fmt: skip
        return rng.choice((
            f"Since {rng.choice(WHEN)} the {subject} {problem}.",
            f"It happens in {place} and affects {rng.choice(WHO)}.",
            f"I already tried {rng.choice(TRIED)} but it did not help.",
            f"Could you please {rng.choice(PLEASE)}?",
            f"This blocks {rng.choice(BLOCKS)} for {rng.choice(WHO)}.",
            f"The {subject} in {place} {problem} too.",
        ))  # fmt: skip

    return [sentence() for _ in range(size)]


def _summary_pool(rng: random.Random, desk: _DeskPlan, size: int) -> list[str]:
    def summary() -> str:
        text = f"{rng.choice(desk.subjects)} {rng.choice(desk.problems)}"
        text += rng.choice(("", f" in {rng.choice(PLACES)}", f" since {rng.choice(WHEN)}"))
        return text[0].upper() + text[1:]

    return [summary() for _ in range(size)]


def _comment_pool(rng: random.Random, size: int) -> list[tuple[str, str]]:
    pool = []
    for _ in range(size):
        parts = (rng.choice(REPLY_OPENERS), rng.choice(REPLY_MIDDLES), rng.choice(REPLY_CLOSERS))
        body = " ".join(part for part in parts if part)
        pool.append((body, f"<p>{body}</p>\n"))
    return pool


class _RowMaker:
    """Makes ticket, comment and event rows in batches from precomputed pools."""

    def __init__(
        self, plan: _Plan, rng: random.Random, stamp: _Stamp, ids: tuple[int, int, int], total: int
    ) -> None:
        self.plan = plan
        self.total = total
        self.rng = rng
        self.stamp = stamp
        # Seeded tickets have no SLA cycles, so no deadline.
        self.no_deadline = stamp(int(NO_DEADLINE.timestamp()))
        self.ticket_id, self.comment_id, self.event_id = ids
        self.now = int(time.time())
        self.next_number = {desk.id: desk.first_number for desk in plan.desks}
        self.summaries = {d.id: _summary_pool(rng, d, 3_000) for d in plan.desks}
        self.sentences = {d.id: _sentence_pool(rng, d, 3_000) for d in plan.desks}
        self.comments = _comment_pool(rng, 2_000)
        weights = [1.0 / (rank + 1) for rank in range(len(RARE_WORDS))]
        self.rare_cumulative = list(itertools.accumulate(weights))
        self.status_cumulative = {
            d.id: list(itertools.accumulate(d.status_weights)) for d in plan.desks
        }
        self.created_values = {key: f'{{"channel": "{key}"}}' for key, _w in CHANNELS}

    def batch(
        self, desk_indexes: Sequence[int], done: float
    ) -> tuple[list[Any], list[Any], list[Any]]:
        """Rows for one ticket per desk index, with their comments and events; `done` is the
        share of all tickets made before, so creation times grow from batch to batch."""
        rng, plan, stamp = self.rng, self.plan, self.stamp
        count = len(desk_indexes)
        priorities = rng.choices([p for p, _w in PRIORITIES], [w for _p, w in PRIORITIES], k=count)
        channels = rng.choices([c for c, _w in CHANNELS], [w for _c, w in CHANNELS], k=count)
        customers = rng.choices(plan.customers, k=count)
        comment_counts = rng.choices(
            [c for c, _w in COMMENT_COUNTS], [w for _c, w in COMMENT_COUNTS], k=count
        )
        rare = rng.choices(RARE_WORDS, cum_weights=self.rare_cumulative, k=2 * count)
        # Created over the last year, in order, so ids and numbers grow with time.
        first = self.now - YEAR + int(done * YEAR)
        last = first + max(1, int(count / self.total * YEAR))
        created = sorted(rng.randrange(first, last) for _ in range(count))
        tickets: list[Any] = []
        comments: list[Any] = []
        events: list[Any] = []
        random_ = rng.random
        for index in range(count):
            desk = plan.desks[desk_indexes[index]]
            ticket_id = self.ticket_id
            self.ticket_id += 1
            number = self.next_number[desk.id]
            self.next_number[desk.id] = number + 1
            status_id, status_key, category = rng.choices(
                desk.statuses, cum_weights=self.status_cumulative[desk.id]
            )[0]
            request_type_id, default_team = rng.choice(desk.request_types)
            reporter_id, organization_id = customers[index]
            assignee_id = (
                None
                if category == StatusCategory.NEW and random_() < 0.6
                else rng.choice(desk.agent_ids)
            )
            team_id = default_team or rng.choice(desk.team_ids)
            start = created[index]
            finish = min(start + rng.randrange(600, 14 * 86400), self.now)
            description = " ".join(rng.choices(self.sentences[desk.id], k=3))
            description += f" Related to {rare[2 * index]} and {rare[2 * index + 1]}."
            created_text = stamp(start)
            finish_text = stamp(finish)
            is_done = category == StatusCategory.DONE
            transitioned = status_key != desk.initial_key
            n_comments = comment_counts[index]
            tickets.append((
                ticket_id, number, f"{desk.key}-{number}", rng.choice(self.summaries[desk.id]),
                description, f"<p>{description}</p>\n",
                organization_id is not None and random_() < 0.1, priorities[index], category,
                "{}", channels[index], created_text, finish_text,
                finish_text if is_done else None, 1 + n_comments + transitioned, assignee_id,
                desk.id, organization_id, reporter_id, request_type_id, status_id, team_id,
                PRIORITY_RANKS[priorities[index]], self.no_deadline,
            ))  # fmt: skip
            events.append((self.event_id, "created", "", None, self.created_values[channels[index]],
                           True, created_text, reporter_id, ticket_id))  # fmt: skip
            self.event_id += 1
            step = (finish - start) // (n_comments + 1)
            for position in range(n_comments):
                body, html = rng.choice(self.comments)
                from_agent = position % 2 == 0
                author = (assignee_id or rng.choice(desk.agent_ids)) if from_agent else reporter_id
                is_public = not from_agent or random_() < 0.75
                at = stamp(start + step * (position + 1))
                comment_id = self.comment_id
                self.comment_id += 1
                comments.append((comment_id, body, html, is_public, at, author, ticket_id))
                value = f'{{"id": {comment_id}, "is_public": {"true" if is_public else "false"}}}'
                events.append((self.event_id, "commented", "comment", None, value, is_public,
                               at, author, ticket_id))  # fmt: skip
                self.event_id += 1
            if transitioned:
                events.append((self.event_id, "transitioned", "status", f'"{desk.initial_key}"',
                               f'"{status_key}"', True, finish_text,
                               assignee_id or rng.choice(desk.agent_ids), ticket_id))  # fmt: skip
                self.event_id += 1
        return tickets, comments, events


# --- loading ----------------------------------------------------------------------------------


def _reserve_numbers(plan: _Plan, desk_indexes: Sequence[int]) -> None:
    """Take a block of ticket numbers per desk with one atomic UPDATE each."""
    counts = [0] * len(plan.desks)
    for index in desk_indexes:
        counts[index] += 1
    with connection.cursor() as cursor:
        for desk, count in zip(plan.desks, counts, strict=True):
            cursor.execute(
                "UPDATE desks_desk SET last_ticket_number = last_ticket_number + %s "
                "WHERE id = %s RETURNING last_ticket_number",
                [count, desk.id],
            )
            row = cursor.fetchone()
            assert row is not None
            desk.first_number = int(row[0]) - count + 1


def _next_ids() -> tuple[int, int, int]:
    """The first free id of each table, past both the rows and the id sequence."""
    ids = []
    with connection.cursor() as cursor:
        for table in TABLES:
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
            highest = int(cursor.fetchone()[0])
            if connection.vendor == "postgresql":
                cursor.execute(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id'))")
                highest = max(highest, int(cursor.fetchone()[0]))
            else:
                cursor.execute("SELECT coalesce(max(seq), 0) FROM sqlite_sequence WHERE name=%s",
                               [table])  # fmt: skip
                highest = max(highest, int(cursor.fetchone()[0]))
            ids.append(highest + 1)
    return ids[0], ids[1], ids[2]


def _secondary_indexes() -> list[tuple[str, str]]:
    """(name, CREATE statement) of the indexes that no constraint needs, on the loaded tables."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x "
                "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
                "WHERE t.relname = ANY(%s) AND pg_table_is_visible(t.oid) AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
                [list(TABLES)],
            )
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                f"AND tbl_name IN ({', '.join(['%s'] * len(TABLES))})",
                list(TABLES),
            )
        return [(str(name), str(sql)) for name, sql in cursor.fetchall()]


def _execute(statements: Iterable[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _fts_insert_trigger() -> str | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' "
            "AND name = 'search_ticket_fts_insert'"
        )
        row = cursor.fetchone()
    return str(row[0]) if row else None


def _write(batches: Sequence[list[Any]]) -> None:
    raw = connection.connection
    for table, columns, rows in zip(TABLES, COLUMNS, batches, strict=True):
        names = ", ".join(columns)
        if connection.vendor == "postgresql":
            with raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(columns))
            raw.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


def seed_tickets(
    *,
    tickets: int,
    progress: Progress | None = None,
    random_seed: int | None = None,
    batch_size: int = 50_000,
) -> SeedResult:
    """Append `tickets` synthetic tickets, with about 2 comments and 4 events each, over the last
    year, creating the seed desks, teams, agents and customers first when they are missing."""
    if tickets < 0:
        raise ValueError("tickets must be zero or more")
    say = progress or (lambda _message: None)
    started = time.monotonic()
    rng = random.Random(random_seed)
    vendor = connection.vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise NotImplementedError(f"Seeding supports SQLite and PostgreSQL, not {vendor}.")
    connection.ensure_connection()
    outermost = not connection.in_atomic_block
    if vendor == "sqlite" and outermost:
        # Only outside a transaction can SQLite switch these; the rows are valid by construction.
        _execute(["PRAGMA foreign_keys = OFF", "PRAGMA synchronous = OFF"])
    totals = [0, 0, 0]
    try:
        with transaction.atomic():
            plan = _ensure_configuration()
            say(f"configuration ready: {len(plan.desks)} desks, {len(plan.customers)} customers "
                f"({time.monotonic() - started:.1f} s)")  # fmt: skip
            if tickets:
                totals = _load(plan, rng, tickets, batch_size, say, started)
    finally:
        if vendor == "sqlite" and outermost:
            _execute(["PRAGMA foreign_keys = ON", "PRAGMA synchronous = NORMAL"])
    return SeedResult(totals[0], totals[1], totals[2], time.monotonic() - started)


def _load(
    plan: _Plan, rng: random.Random, tickets: int, batch_size: int, say: Progress, started: float
) -> list[int]:
    vendor = connection.vendor
    desk_indexes = rng.choices(range(len(plan.desks)), plan.desk_weights, k=tickets)
    if vendor == "postgresql":
        # Foreign keys are DEFERRABLE INITIALLY DEFERRED, and PostgreSQL cannot build an index
        # on a table with pending checks: check them as the rows arrive instead.
        _execute([f"LOCK TABLE {', '.join(TABLES)} IN SHARE ROW EXCLUSIVE MODE",
                  "SET CONSTRAINTS ALL IMMEDIATE",
                  "SET LOCAL synchronous_commit = off",
                  "SET LOCAL maintenance_work_mem = '512MB'"])  # fmt: skip
    else:
        _execute(["PRAGMA cache_size = -1048576"])  # 1 GiB while loading
    _reserve_numbers(plan, desk_indexes)
    ids = _next_ids()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tickets_ticket")
        existing = int(cursor.fetchone()[0])
    # Building an index once over all rows beats updating it row by row, unless the table is
    # already much bigger than what is added.
    indexes = _secondary_indexes() if tickets >= existing else []
    _execute(f'DROP INDEX "{name}"' for name, _sql in indexes)
    fts_trigger = _fts_insert_trigger() if vendor == "sqlite" else None
    if fts_trigger:
        _execute(["DROP TRIGGER search_ticket_fts_insert"])
    stamp = _Stamp("+00" if vendor == "postgresql" else "")
    maker = _RowMaker(plan, rng, stamp, ids, tickets)
    totals = [0, 0, 0]
    for offset in range(0, tickets, batch_size):
        batches = maker.batch(desk_indexes[offset : offset + batch_size], offset / tickets)
        _write(batches)
        for position, rows in enumerate(batches):
            totals[position] += len(rows)
        say(f"{totals[0]:>12,} / {tickets:,} tickets, {totals[1]:,} comments, "
            f"{totals[2]:,} events ({time.monotonic() - started:.1f} s)")  # fmt: skip
    if indexes:
        say(f"building {len(indexes)} indexes ({time.monotonic() - started:.1f} s)")
        _execute(sql for _name, sql in indexes)
    if fts_trigger:
        say(f"indexing the new tickets for search ({time.monotonic() - started:.1f} s)")
        _execute([
            "INSERT INTO search_ticket_fts(rowid, summary, description) SELECT id, "
            "deskline_space_cjk(summary), deskline_space_cjk(description) "
            f"FROM tickets_ticket WHERE id >= {ids[0]} ORDER BY id",
            fts_trigger,
        ])  # fmt: skip
    if vendor == "postgresql":
        _execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                 f"(SELECT max(id) FROM {table}))" for table in TABLES)  # fmt: skip
        _execute(["SET CONSTRAINTS ALL DEFERRED", f"ANALYZE {', '.join(TABLES)}, desks_desk"])
    else:
        # Sampled statistics, as PRAGMA optimize takes them: seconds instead of a full scan.
        _execute(["PRAGMA analysis_limit = 1000", "ANALYZE", "PRAGMA analysis_limit = 0",
                  "PRAGMA cache_size = -65536"])  # fmt: skip
    say(f"indexes, search and statistics ready ({time.monotonic() - started:.1f} s)")
    return totals
