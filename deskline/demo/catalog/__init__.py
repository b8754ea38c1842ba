"""The demo's desks, teams, request types and forms, in English with Simplified Chinese.

Plain data: `deskline.demo.loader` turns it into rows through the desks' actions. Each field
carries `samples`, the values the demo's tickets fill in (for a date: days after the ticket was
raised; for a user: "self" or "colleague"), which never reach the database.
"""

from __future__ import annotations

from deskline.demo.catalog.business import FACILITIES, HR, LEGAL
from deskline.demo.catalog.it import IT
from deskline.demo.catalog.specs import (
    OFFICES,
    TEAMS,
    DeskSpec,
    FieldSpec,
    RequestTypeSpec,
    TeamSpec,
    translations,
)

DESKS: tuple[DeskSpec, ...] = (IT, HR, LEGAL, FACILITIES)

__all__ = [
    "DESKS",
    "OFFICES",
    "TEAMS",
    "DeskSpec",
    "FieldSpec",
    "RequestTypeSpec",
    "TeamSpec",
    "translations",
]
