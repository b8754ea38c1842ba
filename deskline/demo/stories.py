"""What the demo's tickets are about: a few believable requests for every request type.

Each story has an English and a Simplified Chinese telling; tickets raised by the Shanghai
office use the Chinese one. `deskline.demo.stories_it` and `deskline.demo.stories_business`
hold the stories themselves, keyed by request type name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Story:
    summary: str
    description: str
    summary_zh: str
    description_zh: str
    labels: tuple[str, ...] = ()
    # None: the planner picks a priority that suits the request type's kind.
    priority: str | None = None
    # Form values the story implies, e.g. {"topic": "Overtime"}. A pair of strings is a text
    # in English and Chinese; None leaves the field empty; "self" and "colleague" name a person
    # in a user field. Fields not named here get the request type's sample values.
    fields: Mapping[str, Any] = field(default_factory=dict)


def story(
    summary: str,
    description: str,
    summary_zh: str,
    description_zh: str,
    *labels: str,
    priority: str | None = None,
    **fields: Any,
) -> Story:
    """A story, written compactly: both tellings, its labels, then the form values it implies."""
    return Story(summary, description, summary_zh, description_zh, labels, priority, fields)
