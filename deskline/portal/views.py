"""The help center: thin views that call the same actions and selectors as the API.

Home, short links, desk pages and the request form. Requests and accounts have their own modules.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from deskline.accounts.models import User
from deskline.core.errors import PermissionDenied, ValidationFailed
from deskline.core.time import now
from deskline.desks.models import Desk, RequestType
from deskline.desks.people import people_scope
from deskline.desks.selectors import request_types_for_desk
from deskline.knowledge.models import DeflectionKind
from deskline.portal import deflection
from deskline.portal.expectations import form_expectations
from deskline.portal.forms import RaiseRequestForm, form_name
from deskline.portal.http import error_pages
from deskline.tickets import help_center, selectors
from deskline.tickets.access import is_agent_of
from deskline.tickets.actions import attachment_upload, desk_ticket_stub, ticket_create
from deskline.tickets.models import Channel, Priority, Ticket
from deskline.tickets.uploads import kept_only_on_success

SEARCH_PAGE = 20


@error_pages
def home(request: HttpRequest) -> HttpResponse:
    """Every desk the visitor may use, and a search of their own requests."""
    query = request.GET.get("q", "").strip()
    cursor = request.GET.get("cursor") or None
    results: selectors.Page | None = None
    search_error = ""
    if query and request.user.is_authenticated:
        user: User = request.user
        # In the help center an agent searches the requests they raised, not their desks' queue.
        filters = selectors.TicketFilters(q=query, reporter="me" if user.is_agent else None)
        try:
            results = selectors.ticket_list(
                user=user, filters=filters, cursor=cursor, limit=SEARCH_PAGE
            )
        except ValidationFailed as error:
            search_error = str(error.message)
    return render(
        request,
        "portal/home.html",
        {
            "desks": help_center.help_center_desks(request.user),
            "query": query,
            "results": results,
            "search_error": search_error,
            "nav": "home",
        },
        status=400 if search_error else 200,
    )


@error_pages
def short_link(request: HttpRequest, slug: str) -> HttpResponse:
    """/go/<slug>: the desk's page, or straight to the form the link names."""
    link = help_center.short_link_target(slug)
    if link.request_type is not None and link.request_type.is_active:
        return redirect(
            "portal:raise_request", desk_key=link.desk.key, request_type_id=link.request_type.pk
        )
    return redirect("portal:desk", desk_key=link.desk.key)


@error_pages
def desk(request: HttpRequest, desk_key: str) -> HttpResponse:
    """One desk and its request types."""
    found = help_center.help_center_desk(request.user, desk_key)
    request_types = list(request_types_for_desk(found))
    return render(request, "portal/desk.html", {"desk": found, "request_types": request_types})


def people_suggestions_url(desk: Desk) -> str:
    """Where a user field's picker of `desk`'s forms asks for people (see `people_views`)."""
    return f"{reverse('portal:people_suggestions')}?{urlencode({'desk': desk.key})}"


def article_suggestions_attributes(desk: Desk, request_type: RequestType) -> dict[str, str]:
    """The summary box's htmx attributes: while one types, articles that may answer it."""
    url = reverse("portal:suggestions", args=[desk.key, request_type.pk])
    return {
        "hx-get": url,
        "hx-trigger": "input changed delay:300ms",
        "hx-target": "#article-suggestions",
        "hx-include": "#raise-journey",
        "hx-sync": "this:replace",
        "autocomplete": "off",
    }


class _FormRefused(Exception):
    """Raised inside the upload transaction when the form got errors: undoes the uploads."""


def _raise(
    user: User, desk: Desk, request_type: RequestType, form: RaiseRequestForm
) -> Ticket | None:
    """Upload the chosen files and raise the request; None with errors put on the form.

    Every file is checked (so that all refusals show at once), and none is kept unless the
    request is raised.
    """
    try:
        with kept_only_on_success() as uploaded:
            attachment_ids: dict[str, list[int]] = {}
            for field, upload in form.chosen_files():
                try:
                    attachment = attachment_upload(
                        actor=user,
                        filename=upload.name or "",
                        content=upload.file,  # type: ignore[arg-type]  # a binary stream
                        size=upload.size,
                    )
                except ValidationFailed as error:
                    for message in error.fields.get("file") or [error.message]:
                        form.add_error(form_name(field.key), str(message))
                    continue
                uploaded.append(attachment)
                attachment_ids.setdefault(field.key, []).append(attachment.pk)
            if form.errors:
                raise _FormRefused
            return ticket_create(
                actor=user,
                desk=desk,
                request_type=request_type,
                summary=form.cleaned_data["summary"],
                description=form.cleaned_data["description"],
                priority=form.cleaned_data["priority"],
                reporter_email=form.cleaned_data.get("reporter_email") or None,
                is_shared_with_organization=bool(form.cleaned_data.get("share_with_organization")),
                fields=form.field_values(attachment_ids),
                channel=Channel.PORTAL,
            )
    except _FormRefused:
        pass
    except ValidationFailed as error:
        form.add_domain_errors(error, form.ERROR_NAMES)
    except PermissionDenied as error:
        form.add_error(None, str(error.message))
    return None


@login_required
@error_pages
def raise_request(request: HttpRequest, desk_key: str, request_type_id: int) -> HttpResponse:
    """The request type's form; on success, the new request's page."""
    user: User = request.user  # type: ignore[assignment]  # login_required
    found_desk = help_center.help_center_desk(user, desk_key)
    request_type = help_center.request_type_for_form(found_desk, request_type_id)
    form = RaiseRequestForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        request_fields=list(request_type.fields.all()),
        allow_on_behalf=is_agent_of(user, desk_ticket_stub(found_desk)),
        allow_sharing=user.organization_id is not None,
        people=people_scope(user, found_desk),
        suggestions_url=people_suggestions_url(found_desk),
    )
    # The visit's journey id: kept across a page with errors, a new one on a fresh form.
    journey = (form.is_bound and deflection.valid_journey(request.POST.get("journey"))) or (
        deflection.new_journey()
    )
    form.fields["summary"].widget.attrs.update(
        article_suggestions_attributes(found_desk, request_type)
    )
    if form.is_bound and form.is_valid():
        ticket = _raise(user, found_desk, request_type, form)
        if ticket is not None:
            if deflection.valid_journey(request.POST.get("journey")):
                deflection.record(
                    request,
                    deflection.Journey(journey, found_desk, request_type),
                    DeflectionKind.SUBMITTED,
                )
            messages.success(
                request,
                _("Your request %(key)s was sent. We will reply here and by e-mail.")
                % {"key": ticket.key},
            )
            return redirect("portal:request", key=ticket.key)
    chosen = request.POST.get("priority") if form.is_bound else None
    expectations = form_expectations(
        desk=found_desk,
        request_type=request_type,
        priority=chosen if chosen in Priority.values else Priority.MEDIUM,
        organization_id=user.organization_id,
        at=now(),
    )
    return render(
        request,
        "portal/raise.html",
        {
            "desk": found_desk,
            "request_type": request_type,
            "form": form,
            "expectations": expectations,
            "journey": journey,
        },
        status=400 if form.is_bound else 200,
    )
