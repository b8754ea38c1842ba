"""Template helpers of the help center."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template

from deskline.desks.catalog import catalog

register = template.Library()


@register.filter
def translated(instance: Any, attribute: str) -> str:
    """`{{ desk|translated:"name" }}`: the admin-written text in the active language."""
    return str(instance.translated(attribute))


@register.filter
def customer_status(row: Any) -> str:
    """`{{ row|customer_status }}`: a list row's status as the help center names it to
    customers ("Waiting for you"), from the catalogue in memory."""
    status = catalog().status_of(row.desk_key, row.status_key)
    return status.customer_facing_name() if status is not None else str(row.status_name)


@register.simple_tag(takes_context=True)
def query_with(context: Any, **changes: Any) -> str:
    """The current query string with some parameters changed (empty ones dropped)."""
    request = context["request"]
    params = {key: value for key, value in request.GET.items()}
    params.update({key: str(value) for key, value in changes.items()})
    return "?" + urlencode({key: value for key, value in params.items() if value})
