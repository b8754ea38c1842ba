"""Desks and their request types."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from deskline.api.auth import caller
from deskline.api.schemas import DeskOut, ErrorOut, RequestTypeOut, desk_out, request_type_out
from deskline.desks.selectors import desk_for_user, desks_for_user, request_types_for_desk

router = Router(tags=["desks"])


class DeskPage(Schema):
    items: list[DeskOut]
    next_cursor: str | None


class RequestTypePage(Schema):
    items: list[RequestTypeOut]
    next_cursor: str | None


@router.get("/desks", response={200: DeskPage, 401: ErrorOut})
def list_desks(request: HttpRequest) -> dict[str, Any]:
    """Desks the caller may raise requests with (every desk is small: one page)."""
    desks = desks_for_user(caller(request)).order_by("position", "key")
    return {"items": [desk_out(desk) for desk in desks], "next_cursor": None}


@router.get(
    "/desks/{desk}/request-types", response={200: RequestTypePage, 401: ErrorOut, 404: ErrorOut}
)
def list_request_types(request: HttpRequest, desk: str) -> dict[str, Any]:
    """The desk's request types with their form fields, in order."""
    found = desk_for_user(caller(request), desk)
    return {
        "items": [request_type_out(rt) for rt in request_types_for_desk(found)],
        "next_cursor": None,
    }
