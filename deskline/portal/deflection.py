"""A request form's visit ("journey") and the self-service steps it takes, as the help center's
views see them: the journey id the form carries, where a suggested article was opened from,
and who counts (people, not crawlers or HEAD requests)."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from deskline.core.errors import NotFound
from deskline.desks.models import Desk, RequestType
from deskline.knowledge import actions
from deskline.knowledge.models import Article
from deskline.tickets import help_center

# A journey id is what `new_journey` makes: URL-safe base64, bounded so that nobody stores an
# essay in it (the column holds 64).
JOURNEY_PATTERN = re.compile(r"[A-Za-z0-9_-]{16,64}")
# "IT:5": the desk's key and the request type's id of the form a suggestion was shown on.
ORIGIN_PATTERN = re.compile(r"([A-Z][A-Z0-9]{1,9}):([0-9]{1,18})")
# Crawlers and link previews name themselves so; they are not people looking for help.
_ROBOT = re.compile(
    r"bot|crawl|spider|slurp|preview|fetch|monitor|curl|wget|python-requests|headless", re.I
)


def new_journey() -> str:
    """A fresh random id for one visit to a request form."""
    return secrets.token_urlsafe(16)


def is_person(request: HttpRequest) -> bool:
    """Whether the request counts as a person's step: not a HEAD, not a crawler."""
    if request.method not in ("GET", "POST"):
        return False
    agent = request.headers.get("User-Agent", "")
    return bool(agent) and not _ROBOT.search(agent)


@dataclass(frozen=True)
class Journey:
    """One visit to one request form."""

    journey: str
    desk: Desk
    request_type: RequestType

    def link_query(self) -> dict[str, str]:
        """What a suggested article's link carries, so that opening it counts."""
        return {"journey": self.journey, "from": f"{self.desk.key}:{self.request_type.pk}"}


def valid_journey(raw: str | None) -> str | None:
    """The journey id when it is one `new_journey` could have made."""
    text = raw or ""
    return text if JOURNEY_PATTERN.fullmatch(text) else None


def journey_of(
    request: HttpRequest,
    params: Mapping[str, Any],
    *,
    desk: Desk | None = None,
    request_type: RequestType | None = None,
) -> Journey | None:
    """The journey `params` name, on the given form or on the one their `from` names; None
    when there is none or it is not valid (a step that cannot be counted is not counted)."""
    journey = valid_journey(params.get("journey"))
    if journey is None:
        return None
    if desk is None or request_type is None:
        origin = ORIGIN_PATTERN.fullmatch(str(params.get("from") or ""))
        if origin is None:
            return None
        try:
            desk = help_center.help_center_desk(request.user, origin.group(1))
            request_type = help_center.request_type_of_desk(desk, int(origin.group(2)))
        except NotFound:
            return None
    return Journey(journey, desk, request_type)


def record(
    request: HttpRequest,
    step: Journey,
    kind: str,
    *,
    article: Article | None = None,
    question_id: int | None = None,
) -> None:
    """Count one step of `step`'s journey."""
    user = request.user if request.user.is_authenticated else None
    actions.deflection_record(
        kind=kind,
        desk=step.desk,
        request_type=step.request_type,
        journey=step.journey,
        article=article,
        question_id=question_id,
        user=user,
    )
