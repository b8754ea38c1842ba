"""The suggestions of a user field's picker: people the viewer may name, as they type."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from deskline.accounts.models import User
from deskline.core.text import is_storable_text
from deskline.desks.people import QUERY_MAX_LENGTH, people_scope, suggest_people
from deskline.portal.http import error_pages
from deskline.tickets import help_center


@login_required
@require_GET
@error_pages
def people_suggestions(request: HttpRequest) -> HttpResponse:
    """At most 10 people whose name or address matches `q`, among those the viewer may name in
    the forms of `desk` (a customer: their organization's people). A desk they may not use is
    404; a `q` too long to be a name is refused before any query."""
    user: User = request.user  # type: ignore[assignment]  # login_required
    query = request.GET.get("q", "")
    desk_key = request.GET.get("desk", "")
    if len(query) > QUERY_MAX_LENGTH or not is_storable_text(query):
        refused = {"people": [], "query": query, "error": _("Type fewer characters.")}
        return render(request, "portal/_people_suggestions.html", refused, status=400)
    desk = help_center.help_center_desk(user, desk_key)
    people = suggest_people(people_scope(user, desk), query)
    context = {"people": people, "query": query.strip(), "error": ""}
    return render(request, "portal/_people_suggestions.html", context)
