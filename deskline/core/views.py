"""Pages of no app in particular: the favicon that browsers ask for at the site's root."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.views.decorators.http import require_safe


@require_safe
def favicon(request: HttpRequest) -> HttpResponsePermanentRedirect:
    """/favicon.ico, which browsers fetch where a page names no icon (the admin, the API
    docs): the SVG icon that every Deskline page links to."""
    return HttpResponsePermanentRedirect(static("deskline/favicon.svg"))
