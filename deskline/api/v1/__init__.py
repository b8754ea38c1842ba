"""API v1: one NinjaAPI, error mapping to {"code", "message", "fields"}, routers per domain."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.urls import URLPattern, URLResolver
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from pydantic import BaseModel

from deskline.api.auth import BearerToken
from deskline.api.v1.articles import router as articles_router
from deskline.api.v1.attachments import router as attachments_router
from deskline.api.v1.desks import router as desks_router
from deskline.api.v1.questions import router as questions_router
from deskline.api.v1.sla import router as sla_router
from deskline.api.v1.tickets import router as tickets_router
from deskline.core.errors import DomainError
from deskline.core.text import check_storable_text

api = NinjaAPI(
    title="Deskline API",
    version="1",
    description=(
        "The Deskline service desk: desks, request types, tickets and their conversation, "
        "service levels, and knowledge articles."
    ),
    auth=BearerToken(),
    urls_namespace="api-v1",
)


def error_response(
    request: HttpRequest, status: int, code: str, message: str, fields: dict[str, Any] | None = None
) -> HttpResponse:
    return api.create_response(
        request, {"code": code, "message": message, "fields": fields or {}}, status=status
    )


@api.exception_handler(DomainError)
def on_domain_error(request: HttpRequest, error: DomainError) -> HttpResponse:
    body = error.as_dict()
    return error_response(request, error.status, body["code"], body["message"], body["fields"])  # type: ignore[arg-type]


# pydantic names the member of a union that failed, e.g. ("request_type", "int"); the caller
# only needs the field.
_UNION_MEMBERS = {"int", "str", "float", "bool", "none"}


def _location(loc: list[Any]) -> str:
    # ("body", "payload", "fields", "x") -> "fields.x"; ("query", "limit") -> "limit"
    parts = [str(part) for part in loc]
    if parts and parts[0] in {"body", "query", "path", "form", "file"}:
        parts = parts[1:]
    if parts and parts[0] in {"payload", "data", "filters"}:
        parts = parts[1:]
    if len(parts) > 1 and parts[-1] in _UNION_MEMBERS:
        parts = parts[:-1]
    return ".".join(parts) or "body"


def _limit_message(kind: str, context: dict[str, Any]) -> str | None:
    """The words for a broken bound of the schema (a number's range, a list's or a text's
    length), naming the bound, or None when `kind` is none of those."""
    bounds = {
        "greater_than_equal": ("ge", _("Enter a number of at least %(bound)s.")),
        "greater_than": ("gt", _("Enter a number above %(bound)s.")),
        "less_than_equal": ("le", _("Enter a number of at most %(bound)s.")),
        "less_than": ("lt", _("Enter a number below %(bound)s.")),
        "too_long": ("max_length", _("Give at most %(bound)s items.")),
        "too_short": ("min_length", _("Give at least %(bound)s items.")),
        "string_too_long": ("max_length", _("Enter at most %(bound)s characters.")),
    }
    if kind not in bounds:
        return None
    name, message = bounds[kind]
    if name not in context:
        return None
    return message % {"bound": context[name]}


def _message_for(item: dict[str, Any]) -> str:
    """pydantic's message, in the caller's language for the common kinds of mistake."""
    kind = str(item.get("type", ""))
    bound = _limit_message(kind, dict(item.get("ctx") or {}))
    if bound is not None:
        return bound
    known = {
        "missing": _("This field is required."),
        "extra_forbidden": _("This field is not accepted here."),
        "string_type": _("Enter text."),
        # A lone surrogate ("\ud800") where the schema checks text itself, e.g. its length.
        "string_unicode": _("This value is not valid."),
        "string_too_short": _("Enter a value."),
        "string_too_long": _("The text is too long."),
        "int_type": _("Enter a whole number."),
        "int_parsing": _("Enter a whole number."),
        "int_parsing_size": _("Enter a whole number."),
        "int_from_float": _("Enter a whole number."),
        "finite_number": _("Enter a whole number."),
        "bool_type": _("Enter true or false."),
        "bool_parsing": _("Enter true or false."),
        "list_type": _("Enter a list."),
        "dict_type": _("Enter an object."),
        "model_type": _("Enter an object."),
        "model_attributes_type": _("Enter an object."),
        "datetime_parsing": _("Enter a date and time in ISO 8601, e.g. 2026-01-31T09:00:00Z."),
        "datetime_from_date_parsing": _(
            "Enter a date and time in ISO 8601, e.g. 2026-01-31T09:00:00Z."
        ),
        "datetime_type": _("Enter a date and time in ISO 8601, e.g. 2026-01-31T09:00:00Z."),
    }
    if kind in known:
        return str(known[kind])
    # pydantic says what else is wrong in English only: other languages get the general words.
    if (translation.get_language() or "en").startswith("en"):
        return str(item.get("msg") or _("This value is not valid."))
    return str(_("This value is not valid."))


@api.exception_handler(ValidationError)
def on_validation_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for item in error.errors:
        fields.setdefault(_location(list(item.get("loc", []))), []).append(_message_for(item))
    return error_response(request, 400, "invalid_input", _("Some values are not valid."), fields)


@api.exception_handler(AuthenticationError)
def on_authentication_error(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    return error_response(
        request,
        401,
        "not_authenticated",
        _("Send a valid API token in the Authorization header: Bearer <token>."),
    )


@api.exception_handler(AuthorizationError)
def on_authorization_error(request: HttpRequest, error: AuthorizationError) -> HttpResponse:
    return error_response(request, 403, "permission_denied", _("You are not allowed to do that."))


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    if error.status_code == 400 and str(error).startswith("Cannot parse request body"):
        return error_response(
            request, 400, "malformed_json", _("The request body is not valid JSON.")
        )
    return error_response(request, error.status_code, "http_error", str(error))


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return error_response(request, 404, "not_found", _("Not found."))


# Django refuses these while ninja reads the body or the query (see DATA_UPLOAD_MAX_MEMORY_SIZE,
# DATA_UPLOAD_MAX_NUMBER_FIELDS and DATA_UPLOAD_MAX_NUMBER_FILES in settings); on its own it
# would answer with an HTML page.
@api.exception_handler(RequestDataTooBig)
def on_body_too_large(request: HttpRequest, error: RequestDataTooBig) -> HttpResponse:
    megabytes = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
    message = _("The request body is too large: send at most %(megabytes)d MB.")
    return error_response(request, 413, "request_too_large", message % {"megabytes": megabytes})


@api.exception_handler(TooManyFieldsSent)
def on_too_many_fields(request: HttpRequest, error: TooManyFieldsSent) -> HttpResponse:
    message = _("The request has too many fields: send at most %(count)d.")
    count = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
    return error_response(request, 400, "too_many_fields", message % {"count": count})


@api.exception_handler(TooManyFilesSent)
def on_too_many_files(request: HttpRequest, error: TooManyFilesSent) -> HttpResponse:
    message = _("The request has too many files: send one.")
    return error_response(request, 400, "too_many_files", message)


def _request_value(value: Any) -> Any:
    """A view argument as the text it carries: a schema as its data, a file as its name."""
    if isinstance(value, BaseModel):
        return value.model_dump()
    if isinstance(value, UploadedFile):
        return value.name or ""
    return value


def refuse_unstorable_text(view: Callable[..., Any]) -> Callable[..., Any]:
    """Refuse text a database cannot store (a NUL character or a lone surrogate, see
    `core.text`) in any path, query or body value as bad input, before any query."""

    @functools.wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        for name, value in kwargs.items():
            check_storable_text(_request_value(value), "" if name == "payload" else name)
        return view(request, *args, **kwargs)

    return checked


api.add_decorator(refuse_unstorable_text)
api.add_router("/", desks_router)
api.add_router("/", tickets_router)
api.add_router("/", attachments_router)
api.add_router("/", sla_router)
api.add_router("/", questions_router)
api.add_router("/", articles_router)


# The longest query string API v1 reads. Its filters and cursors need a few hundred characters,
# and common proxies refuse a request line over 8 KB anyway.
QUERY_STRING_MAX = 8 * 1024


def _speaking_the_callers_language(request: HttpRequest) -> None:
    """Answer in the caller's language before the endpoint's own authentication has run: the
    browser's (LocaleMiddleware), else the one the token's owner chose (see BearerToken)."""
    if "HTTP_ACCEPT_LANGUAGE" not in request.META:
        BearerToken()(request)


def _in_the_error_shape(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """An endpoint of API v1 that answers in the API's error shape where ninja would not: a
    query string too long to read, and a method the path does not take (ninja's plain 405)."""

    @functools.wraps(view)
    def answered(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if len(request.META.get("QUERY_STRING", "")) > QUERY_STRING_MAX:
            _speaking_the_callers_language(request)
            message = _("The query string is too long: send at most %(count)d characters.")
            return error_response(
                request, 414, "query_too_long", message % {"count": QUERY_STRING_MAX}
            )
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            _speaking_the_callers_language(request)
            allowed = ", ".join(sorted(response["Allow"].split(", ")))
            message = _("This endpoint does not take %(method)s; it takes %(allowed)s.")
            shaped = error_response(
                request,
                405,
                "method_not_allowed",
                message % {"method": request.method, "allowed": allowed},
            )
            shaped["Allow"] = allowed
            return shaped
        return response

    return answered


def urlconf() -> tuple[list[URLPattern | URLResolver], str, str]:
    """API v1's URL configuration (ninja's), each endpoint `_in_the_error_shape`."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            pattern.callback = _in_the_error_shape(pattern.callback)
    return patterns, app_name, namespace


@csrf_exempt  # like the API itself: bearer tokens, no cookies, so no CSRF page either
def unknown_endpoint(request: HttpRequest, path: str = "") -> HttpResponse:
    """Any other path under /api/v1/ answers in the API's error shape, not an HTML page."""
    return error_response(request, 404, "unknown_endpoint", _("There is no such API endpoint."))
