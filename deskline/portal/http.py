"""Small helpers the help center's views share: error pages from domain errors, HTMX."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest

from deskline.core.errors import NotFound, PermissionDenied

View = TypeVar("View", bound=Callable[..., Any])


def error_pages(view: View) -> View:
    """Answer NotFound with the 404 page and PermissionDenied with the 403 page, both in the
    person's language, instead of a 500."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        try:
            return view(request, *args, **kwargs)
        except NotFound as error:
            raise Http404(str(error.message)) from None
        except PermissionDenied as error:
            raise DjangoPermissionDenied(str(error.message)) from None

    return wrapper  # type: ignore[return-value]  # same signature as `view`


def is_htmx(request: HttpRequest) -> bool:
    """True for a request htmx sent to swap part of the page (not a boosted page load)."""
    return request.headers.get("HX-Request") == "true" and not request.headers.get("HX-Boosted")
