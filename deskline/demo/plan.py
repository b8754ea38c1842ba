"""The demo's ticket histories, planned in plain Python before anything is written.

`plan_tickets` decides, from a seeded random generator, who raises what and when, and what
happens next: triage, replies, questions, escalations, resolutions and closures. People are
named by login and teams by name; `deskline.demo.loader` replays each plan through the ticket
actions. The same seed gives the same tickets on every run; only the dates follow the clock.
"""

from __future__ import annotations

import dataclasses
import datetime
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal
from zoneinfo import ZoneInfo

from deskline.demo import conversations as says
from deskline.demo.catalog import DESKS, OFFICES, DeskSpec, FieldSpec, RequestTypeSpec
from deskline.demo.pace import keep_up
from deskline.demo.people import AGENTS, CUSTOMERS, FEATURED_CUSTOMER, Person, first_name
from deskline.demo.stories import Story
from deskline.demo.stories_business import FACILITIES_STORIES, HR_STORIES, LEGAL_STORIES
from deskline.demo.stories_it import IT_STORIES
from deskline.desks.models import FieldType, RequestTypeKind
from deskline.tickets.models import Channel, Priority

HISTORY_DAYS = 60
STORIES: dict[str, dict[str, tuple[Story, ...]]] = {
    "IT": IT_STORIES,
    "HR": HR_STORIES,
    "LEGAL": LEGAL_STORIES,
    "FAC": FACILITIES_STORIES,
}
# The request types whose problems a whole office notices, so their tickets are often shared.
SHARED_PROBLEMS = frozenset({"Network outage", "Room booking issue", "Air conditioning"})

Outcome = Literal["open", "in_progress", "waiting_for_customer", "resolved", "closed"]
OUTCOMES: tuple[Outcome, ...] = (
    "open",
    "in_progress",
    "waiting_for_customer",
    "resolved",
    "closed",
)
# How likely each outcome is (in the order above) for a ticket raised at least that many
# days ago: recent tickets are still being worked on, old ones are mostly closed. (The ones
# still open are then dated by their service levels: `deskline.demo.pace`.)
OUTCOME_WEIGHTS_BY_AGE: tuple[tuple[float, tuple[int, ...]], ...] = (
    (14, (1, 2, 2, 10, 85)),
    (7, (4, 7, 6, 28, 55)),
    (3, (15, 20, 12, 28, 25)),
    (1, (30, 25, 15, 25, 5)),
    (0, (55, 25, 10, 10, 0)),
)
PRIORITY_WEIGHTS: dict[str, tuple[int, int, int, int]] = {
    # critical, high, medium, low
    RequestTypeKind.INCIDENT: (8, 30, 47, 15),
    RequestTypeKind.SERVICE_REQUEST: (0, 12, 58, 30),
}
PRIORITIES = (Priority.CRITICAL, Priority.HIGH, Priority.MEDIUM, Priority.LOW)


@dataclass(frozen=True)
class Step:
    """One thing that happens to a ticket, `minutes` after it was raised."""

    minutes: float
    action: Literal["update", "comment", "transition"]
    actor: str
    changes: Mapping[str, Any] = field(default_factory=dict)
    body: str = ""
    is_public: bool = True
    status: str = ""
    # A reporter's reply to a ticket waiting for them moves it back to work by itself (the
    # desks' rule, `Desk.reopen_on_customer_reply`): the step then makes a transition too.
    reopens: bool = False


@dataclass(frozen=True)
class TicketPlan:
    """One ticket: who raises what, when, through which channel, and the steps that follow."""

    desk: str
    request_type: str
    reporter: str
    actor: str
    channel: str
    summary: str
    description: str
    priority: str
    fields: Mapping[str, Any]
    is_shared_with_organization: bool
    created_at: datetime.datetime
    steps: tuple[Step, ...]

    def step_time(self, step: Step) -> datetime.datetime:
        """When `step` happens."""
        return self.created_at + datetime.timedelta(minutes=step.minutes)


@dataclass
class _History:
    """The steps of one ticket as they are planned, with a running clock in minutes."""

    rng: random.Random
    ticket_is_chinese: bool
    reporter: Person
    steps: list[Step] = field(default_factory=list)
    clock: float = 0.0
    status: str = "open"

    def later(self, low: float, high: float) -> float:
        self.clock += self.rng.uniform(low, high)
        return self.clock

    def say(self, author: Person, lines: Sequence[says.Line], **names: str) -> str:
        english, chinese = self.rng.choice(lines)
        use_chinese = self.ticket_is_chinese and author.speaks_chinese
        if use_chinese and "team" in names:
            names["team"] = says.TEAM_NAMES_ZH.get(names["team"], names["team"])
        text = chinese if use_chinese else english
        return text.format(name=first_name(self.reporter), **names)

    def update(self, actor: Person, low: float, high: float, **changes: Any) -> None:
        self.steps.append(Step(self.later(low, high), "update", actor.login, changes=changes))

    def comment(
        self,
        author: Person,
        lines: Sequence[says.Line],
        low: float,
        high: float,
        *,
        is_public: bool = True,
        **names: str,
    ) -> None:
        body = self.say(author, lines, **names)
        reopens = is_public and author == self.reporter and self.status == "waiting_for_customer"
        if reopens:
            self.status = "in_progress"
        self.steps.append(
            Step(
                self.later(low, high),
                "comment",
                author.login,
                body=body,
                is_public=is_public,
                reopens=reopens,
            )
        )

    def move(self, actor: Person, status: str, low: float, high: float) -> None:
        self.status = status
        self.steps.append(Step(self.later(low, high), "transition", actor.login, status=status))


class Planner:
    """Plans the demo's tickets from one seeded random generator."""

    def __init__(self, rng: random.Random, now: datetime.datetime) -> None:
        self.rng = rng
        # Every planned moment lies before this, so nothing the demo writes is in the future.
        self.limit = now - datetime.timedelta(minutes=2)
        self.team_members: dict[str, list[Person]] = {}
        for agent in AGENTS:
            self.team_members.setdefault(agent.team or "", []).append(agent)
        self.desk_teams = {desk.key: desk.teams for desk in DESKS}

    def plan(self, count: int) -> list[TicketPlan]:
        """`count` ticket histories, oldest first; the open ones dated so that the desks keep
        up with their service levels (`deskline.demo.pace`)."""
        plans = [self._plan_one() for _ in range(count)]
        plans = keep_up(plans, self.rng, self.limit, self._fit)
        return sorted(plans, key=lambda plan: plan.created_at)

    def _plan_one(self) -> TicketPlan:
        rng = self.rng
        desk = rng.choices(DESKS, weights=[d.weight for d in DESKS])[0]
        request_type = rng.choices(
            desk.request_types, weights=[r.weight for r in desk.request_types]
        )[0]
        story = rng.choice(STORIES[desk.key][request_type.name])
        reporter = rng.choices(
            CUSTOMERS, weights=[4 if c.login == FEATURED_CUSTOMER else 1 for c in CUSTOMERS]
        )[0]
        chinese = reporter.speaks_chinese
        age_days = rng.uniform(0, HISTORY_DAYS)
        created_at = self._created_at(reporter, age_days)
        outcome = self._outcome(age_days)
        channel = rng.choices([Channel.PORTAL, Channel.EMAIL, Channel.AGENT], [65, 30, 5])[0]
        first_team = self.desk_teams[desk.key][0]
        actor = rng.choice(self.team_members[first_team]) if channel == Channel.AGENT else reporter
        description = story.description_zh if chinese else story.description
        if channel == Channel.EMAIL:
            language = 1 if chinese else 0
            greeting = says.GREETINGS[desk.key][language]
            sign_off = says.SIGN_OFF[language].format(name=first_name(reporter))
            description = f"{greeting}\n\n{description}\n\n{sign_off}"
        priority = story.priority
        if priority is None or rng.random() < 0.3:
            priority = rng.choices(PRIORITIES, PRIORITY_WEIGHTS[request_type.kind])[0]
        local_date = created_at.astimezone(ZoneInfo(reporter.site.time_zone)).date()
        shared_chance = 0.5 if request_type.name in SHARED_PROBLEMS else 0.05
        is_shared = rng.random() < shared_chance
        history = _History(rng, chinese, reporter)
        self._history(history, desk, request_type, story, outcome, priority, is_shared)
        steps = self._fit(history.steps, created_at)
        return TicketPlan(
            desk=desk.key,
            request_type=request_type.name,
            reporter=reporter.login,
            actor=actor.login,
            channel=channel,
            summary=story.summary_zh if chinese else story.summary,
            description=description,
            priority=priority,
            fields=self._fields(request_type, story, reporter, local_date),
            is_shared_with_organization=is_shared,
            created_at=created_at,
            steps=steps,
        )

    def _created_at(self, reporter: Person, age_days: float) -> datetime.datetime:
        """A moment in the reporter's working hours about `age_days` ago, mostly on a weekday.

        The generator is drawn the same number of times whatever the date, so the tickets
        stay the same from one day to the next.
        """
        zone = ZoneInfo(reporter.site.time_zone)
        weekend_shift, minute_of_day, fallback = (
            self.rng.random(),
            self.rng.uniform(8.5 * 60, 18 * 60),
            self.rng.uniform(15, 240),
        )
        day = (self.limit - datetime.timedelta(days=age_days)).astimezone(zone).date()
        if day.weekday() >= 5 and weekend_shift < 0.85:
            day -= datetime.timedelta(days=day.weekday() - 4)  # back to Friday
        midnight = datetime.datetime.combine(day, datetime.time(0), tzinfo=zone)
        moment = (midnight + datetime.timedelta(minutes=minute_of_day)).astimezone(datetime.UTC)
        if moment > self.limit - datetime.timedelta(minutes=15):
            moment = self.limit - datetime.timedelta(minutes=fallback)
        return moment

    def _outcome(self, age_days: float) -> Outcome:
        for minimum_age, weights in OUTCOME_WEIGHTS_BY_AGE:
            if age_days >= minimum_age:
                return self.rng.choices(OUTCOMES, weights)[0]
        raise AssertionError(age_days)  # pragma: no cover - the last row starts at 0 days

    def _agent(self, team: str, reporter: Person, *, chinese: bool) -> Person:
        """An agent of `team`, preferring one who speaks the reporter's language or shares
        their office."""
        members = self.team_members[team]
        if chinese:
            preferred = [m for m in members if m.speaks_chinese]
        else:
            preferred = [m for m in members if m.site == reporter.site]
        if preferred and self.rng.random() < 0.8:
            return self.rng.choice(preferred)
        return self.rng.choice(members)

    def _history(
        self,
        history: _History,
        desk: DeskSpec,
        request_type: RequestTypeSpec,
        story: Story,
        outcome: Outcome,
        priority: str,
        is_shared: bool,
    ) -> None:
        """Plan what happens after the ticket is raised, ending in `outcome`."""
        rng, reporter = self.rng, history.reporter
        chinese = history.ticket_is_chinese
        urgent = priority in (Priority.CRITICAL, Priority.HIGH)
        agent = self._agent(self.desk_teams[desk.key][0], reporter, chinese=chinese)
        labels = list(story.labels)
        if rng.random() < 0.1:
            labels.append("vip")
        triage_delay = (2, 30) if urgent else (10, 240)

        if is_shared and request_type.name in SHARED_PROBLEMS and rng.random() < 0.5:
            colleagues = [c for c in CUSTOMERS if c.site == reporter.site and c != reporter]
            history.comment(rng.choice(colleagues), says.ME_TOO, 5, 60)
        if outcome == "open":
            if rng.random() < 0.5:
                history.update(agent, *triage_delay, assignee=agent.login, labels=labels)
            if rng.random() < 0.25:
                history.comment(reporter, says.CHASERS, 240, 1440)
            return
        if outcome == "closed" and rng.random() < 0.06:
            history.update(
                agent, *triage_delay, assignee=agent.login, labels=[*labels, "duplicate"]
            )
            history.comment(agent, says.DUPLICATES, 1, 10)
            history.move(agent, "closed", 1, 5)
            return

        triage: dict[str, Any] = {"assignee": agent.login, "labels": labels}
        if rng.random() < 0.1:
            # A neighbouring priority: agents adjust what the reporter chose, they rarely flip it.
            position = PRIORITIES.index(priority)
            triage["priority"] = PRIORITIES[max(0, min(3, position + rng.choice((-1, 1))))]
        history.update(agent, *triage_delay, **triage)
        # Many requests are quick: the agent does it and resolves it in one go.
        is_quick = outcome in ("resolved", "closed") and rng.random() < 0.35
        if not is_quick:
            agent = self._work_on(history, desk, request_type, agent, outcome)
        if outcome in ("waiting_for_customer", "in_progress"):
            return

        if is_quick:
            # Done within the first answer, mostly the same working day.
            work = (15, 240) if request_type.kind == RequestTypeKind.INCIDENT else (60, 600)
        else:
            work = (30, 1440) if request_type.kind == RequestTypeKind.INCIDENT else (240, 4320)
        if rng.random() < 0.08:
            history.comment(reporter, says.SELF_RESOLVED, *work)
            history.move(reporter, "resolved", 1, 5)
        else:
            history.comment(agent, says.RESOLUTIONS[request_type.name], *work)
            history.move(agent, "resolved", 1, 5)
            if rng.random() < 0.07:
                history.move(reporter, "in_progress", 120, 1440)
                history.comment(reporter, says.REOPENINGS, 1, 5)
                history.comment(agent, says.FOLLOW_UP_FIXES, 60, 1440)
                history.move(agent, "resolved", 1, 5)
        if outcome == "closed":
            history.move(agent, "closed", 3 * 1440, 7 * 1440)

    def _work_on(
        self,
        history: _History,
        desk: DeskSpec,
        request_type: RequestTypeSpec,
        agent: Person,
        outcome: Outcome,
    ) -> Person:
        """Plan the agent starting work, perhaps handing over, asking and hearing back.

        Returns the agent in charge at the end, who may be a specialist the ticket went to.
        """
        rng, reporter = self.rng, history.reporter
        history.move(agent, "in_progress", 1, 20)
        # Most agents say they are on it: the first response the desk's SLA measures.
        if rng.random() < 0.85:
            history.comment(agent, says.ACKNOWLEDGEMENTS, 1, 10)
        if request_type.escalate_to and rng.random() < 0.5:
            specialists = request_type.escalate_to
            history.comment(
                agent, says.ESCALATION_NOTES, 30, 300, is_public=False, team=specialists
            )
            agent_before = agent
            agent = self._agent(specialists, reporter, chinese=history.ticket_is_chinese)
            history.update(agent_before, 1, 5, team=specialists, assignee=agent.login)
        if rng.random() < 0.25:
            history.comment(agent, says.INTERNAL_NOTES[desk.key], 10, 240, is_public=False)
        if outcome == "waiting_for_customer" or rng.random() < 0.35:
            question, answer = rng.choice(says.QUESTIONS[request_type.name])
            history.comment(agent, [question], 20, 600)
            history.move(agent, "waiting_for_customer", 1, 3)
            if outcome == "waiting_for_customer":
                return agent
            # The answer moves the ticket back to work; the agent picks it up a little later.
            history.comment(reporter, [answer], 30, 1440)
            history.later(5, 120)
        if outcome == "in_progress" and rng.random() < 0.3:
            history.comment(reporter, says.CHASERS, 600, 2880)
        return agent

    def _fit(self, steps: list[Step], created_at: datetime.datetime) -> tuple[Step, ...]:
        """The steps, squeezed in proportion when the last would fall after `limit`."""
        if not steps:
            return ()
        available = (self.limit - created_at).total_seconds() / 60
        needed = steps[-1].minutes
        if needed <= available:
            return tuple(steps)
        scale = available * 0.98 / needed
        return tuple(dataclasses.replace(s, minutes=s.minutes * scale) for s in steps)

    def _fields(
        self,
        request_type: RequestTypeSpec,
        story: Story,
        reporter: Person,
        local_date: datetime.date,
    ) -> dict[str, Any]:
        """Values for the request type's form, as the reporter would fill it in."""
        variant = self.rng.randrange(60)
        values: dict[str, Any] = {}
        for spec in request_type.fields:
            if spec.key in story.fields:
                value = self._story_value(spec, story.fields[spec.key], reporter)
            elif not spec.is_required and self.rng.random() < 0.3:
                continue
            else:
                value = self._value(spec, reporter, local_date, variant)
            if value is not None:
                values[spec.key] = value
        return values

    def _story_value(self, spec: FieldSpec, value: Any, reporter: Person) -> Any:
        if isinstance(value, tuple):
            english, chinese = value
            return chinese if reporter.speaks_chinese else english
        if spec.field_type == FieldType.USER:
            return self._person(value, reporter)
        return value

    def _person(self, who: str, reporter: Person) -> str:
        """The e-mail address of the reporter ("self") or of someone in their office."""
        if who == "self":
            return reporter.email
        colleagues = [c for c in CUSTOMERS if c.site == reporter.site and c != reporter]
        return self.rng.choice(colleagues).email

    def _value(
        self, spec: FieldSpec, reporter: Person, local_date: datetime.date, variant: int
    ) -> Any:
        rng = self.rng
        kind = spec.field_type
        if kind in (FieldType.SHORT_TEXT, FieldType.LONG_TEXT):
            if spec.key == "username":
                return reporter.login
            pool = spec.samples_zh if reporter.speaks_chinese and spec.samples_zh else spec.samples
            return rng.choice(pool) if pool else None
        if kind == FieldType.NUMBER:
            return rng.choice(spec.samples) if spec.samples else rng.randint(1, 10)
        if kind == FieldType.DATE:
            # One variant for all of a form's dates, so that "from" stays before "to".
            offset = spec.samples[variant % len(spec.samples)] if spec.samples else 7
            return (local_date + datetime.timedelta(days=offset)).isoformat()
        if kind == FieldType.SINGLE_SELECT:
            if spec.options == OFFICES and rng.random() < 0.9:
                return reporter.site.organization
            return rng.choice(spec.options)
        if kind == FieldType.MULTI_SELECT:
            return rng.sample(spec.options, k=rng.randint(1, 2))
        if kind == FieldType.CHECKBOX:
            return rng.choice(spec.samples) if spec.samples else rng.random() < 0.5
        if kind == FieldType.USER:
            return self._person(rng.choice(spec.samples or ("colleague",)), reporter)
        return None
