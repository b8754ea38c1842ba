"""What starts, pauses and stops an SLA metric, spelled as short strings stored in rows.

Start and stop conditions are ticket events; the actions report them as `Signal`s:

- `created`, `public_agent_reply`, `assignee_set`, `priority_changed`, `resolved`, `reopened`;
- `status_entered:<status key>`, `status_left:<status key>`;
- `category_entered:<category>`, `category_left:<category>` (new, in_progress, waiting, done).

Pause conditions are states: a running cycle is paused while the ticket is in one of them:
`status:<status key>` or `category:<category>`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from deskline.desks.models import StatusCategory

EVENTS_WITHOUT_VALUE = (
    "created",
    "public_agent_reply",
    "assignee_set",
    "priority_changed",
    "resolved",
    "reopened",
)
EVENTS_WITH_STATUS = ("status_entered", "status_left")
EVENTS_WITH_CATEGORY = ("category_entered", "category_left")
EVENT_LABELS = {
    "created": _("Request created"),
    "public_agent_reply": _("An agent replied publicly"),
    "assignee_set": _("An assignee was set"),
    "priority_changed": _("Priority changed"),
    "resolved": _("Resolved"),
    "reopened": _("Reopened"),
    "status_entered": _("Entered status"),
    "status_left": _("Left status"),
    "category_entered": _("Entered status category"),
    "category_left": _("Left status category"),
    "status": _("In status"),
    "category": _("In status category"),
}


@dataclass(frozen=True)
class Signal:
    """One thing that happened to a ticket, e.g. Signal("status_entered", "waiting")."""

    event: str
    value: str = ""

    def __str__(self) -> str:
        return f"{self.event}:{self.value}" if self.value else self.event


@dataclass(frozen=True)
class TicketState:
    """Where the ticket is now, for pause conditions."""

    status_key: str
    status_category: str


def signals_for_transition(
    old_key: str, old_category: str, new_key: str, new_category: str
) -> list[Signal]:
    """The signals of a status change, in the order they happen."""
    signals = [Signal("status_left", old_key), Signal("status_entered", new_key)]
    if old_category != new_category:
        signals += [Signal("category_left", old_category), Signal("category_entered", new_category)]
    if new_category == StatusCategory.DONE and old_category != StatusCategory.DONE:
        signals.append(Signal("resolved"))
    if old_category == StatusCategory.DONE and new_category != StatusCategory.DONE:
        signals.append(Signal("reopened"))
    return signals


def parse_condition(text: str, *, kind: str, status_keys: Iterable[str]) -> tuple[str, str]:
    """(event, value) of a start/stop (`kind="event"`) or pause (`kind="state"`) condition.

    Raises ValueError with a translated message when the condition is not one of those above or
    names a status the desk does not have.
    """
    if not isinstance(text, str) or not text.strip():
        raise ValueError(_("A condition cannot be empty."))
    event, _sep, value = text.strip().partition(":")
    allowed_status: tuple[str, ...]
    allowed_category: tuple[str, ...]
    plain: tuple[str, ...]
    if kind == "state":
        allowed_status, allowed_category, plain = ("status",), ("category",), ()
    else:
        allowed_status, allowed_category, plain = (
            EVENTS_WITH_STATUS,
            EVENTS_WITH_CATEGORY,
            EVENTS_WITHOUT_VALUE,
        )
    if event in plain and not value:
        return event, ""
    if event in allowed_category and value in StatusCategory.values:
        return event, value
    if event in allowed_status:
        if value in set(status_keys):
            return event, value
        raise ValueError(_("This desk has no status %(key)s.") % {"key": value or "?"})
    raise ValueError(_("%(condition)s is not a condition this list accepts.") % {"condition": text})


def clean_conditions(
    values: object, *, kind: str, status_keys: Sequence[str], required: bool
) -> list[str]:
    """The conditions as a list of canonical strings; ValueError (translated) when one is wrong."""
    if not isinstance(values, list | tuple):
        raise ValueError(_("Give a list of conditions."))
    cleaned: list[str] = []
    for value in values:
        event, argument = parse_condition(value, kind=kind, status_keys=status_keys)
        text = f"{event}:{argument}" if argument else event
        if text not in cleaned:
            cleaned.append(text)
    if required and not cleaned:
        raise ValueError(_("Give at least one condition."))
    return cleaned


def matches_event(conditions: Iterable[str], signals: Iterable[Signal]) -> bool:
    wanted = set(conditions)
    return any(str(signal) in wanted for signal in signals)


def matches_state(conditions: Iterable[str], state: TicketState) -> bool:
    wanted = set(conditions)
    return f"status:{state.status_key}" in wanted or f"category:{state.status_category}" in wanted
