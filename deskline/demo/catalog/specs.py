"""The shapes of the demo's catalogue: teams, desks, request types and their form fields."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from deskline.desks.models import FieldType

# The options of every "which office" field: the names of the demo's organizations.
OFFICES = ("Shanghai", "Sydney", "San Francisco")


@dataclass(frozen=True)
class TeamSpec:
    """A team of agents."""

    name: str
    description: str


@dataclass(frozen=True)
class FieldSpec:
    """One field of a request type's form, with the sample values tickets fill in."""

    key: str
    label: str
    label_zh: str
    field_type: str
    help_text: str = ""
    help_text_zh: str = ""
    is_required: bool = False
    options: tuple[str, ...] = ()
    samples: tuple[Any, ...] = ()
    samples_zh: tuple[Any, ...] = ()

    def as_action_spec(self) -> dict[str, Any]:
        """The attributes `request_type_create` takes for this field."""
        zh = {"label": self.label_zh}
        if self.help_text_zh:
            zh["help_text"] = self.help_text_zh
        return {
            "key": self.key,
            "label": self.label,
            "field_type": self.field_type,
            "help_text": self.help_text,
            "is_required": self.is_required,
            "options": list(self.options),
            "translations": {"zh-hans": zh},
        }


@dataclass(frozen=True)
class RequestTypeSpec:
    """A request type, its form, how often it is raised and where it escalates to."""

    name: str
    name_zh: str
    description: str
    description_zh: str
    kind: str
    fields: tuple[FieldSpec, ...]
    weight: int = 1
    # The specialist team a Frontline agent hands the request to, when it needs one.
    escalate_to: str | None = None


@dataclass(frozen=True)
class DeskSpec:
    """A desk, the teams that serve it (the first takes new requests) and its request types."""

    key: str
    name: str
    name_zh: str
    description: str
    description_zh: str
    teams: tuple[str, ...]
    request_types: tuple[RequestTypeSpec, ...] = field(default_factory=tuple)
    weight: int = 1


TEAMS: tuple[TeamSpec, ...] = (
    TeamSpec("Frontline", "First line for every IT request, across all three sites."),
    TeamSpec("Office engineering", "Networks, printers, meeting rooms and office hardware."),
    TeamSpec("Workplace technology", "Laptops, accounts, software and licences."),
    TeamSpec("People team", "Hiring, onboarding, leave, payroll and letters."),
    TeamSpec("Legal counsel", "Contracts, NDAs, trademarks and data protection."),
    TeamSpec("Facilities crew", "Furniture, rooms, cleaning, badges and air conditioning."),
)

SITE_FIELD = FieldSpec(
    "site", "Office", "办公室", FieldType.SINGLE_SELECT, options=OFFICES, is_required=True,
    help_text="The office this is about.", help_text_zh="与此请求相关的办公室。",
)  # fmt: skip


def translations(name: str, description: str) -> dict[str, dict[str, str]]:
    """The Simplified Chinese `translations` of a desk or request type."""
    return {"zh-hans": {"name": name, "description": description}}
