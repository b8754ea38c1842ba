"""The pages of the mail app: unsubscribing from an e-mail's link, and choosing which e-mails
to get (from that link, or signed in from the help center's account page)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from deskline.accounts.models import User
from deskline.mail.preferences import (
    InvalidLink,
    email_kind_mute,
    email_preferences_set,
    kinds_for,
    muted_kinds,
    unsubscribe_read,
)
from deskline.tickets.models import NotificationKind

ONE_CLICK = "One-Click"  # RFC 8058: List-Unsubscribe=One-Click


def _choices(user: User, muted: set[str]) -> list[tuple[str, str, bool]]:
    """(kind, its name in the active language, whether it is e-mailed) for the form."""
    return [
        (kind, str(NotificationKind(kind).label), kind not in muted) for kind in kinds_for(user)
    ]


# The token is the proof of who may change the preferences (it is in their e-mail), and mail
# programs post the one-click unsubscribe without a CSRF token (RFC 8058).
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET: what the link turns off, and every kind of e-mail to choose from; nothing changes
    (link checkers open links). POST: turn that kind off (the page's button, or a mail program's
    one-click), or save the choices."""
    try:
        user, kind = unsubscribe_read(token)
    except InvalidLink as error:
        return render(
            request, "mail/link_invalid.html", {"message": error.message}, status=error.status
        )
    # The page speaks the language of the e-mail it came from.
    with translation.override(user.locale or translation.get_language()):
        done = ""
        if request.method == "POST":
            if request.POST.get("action") == "save":
                muted = email_preferences_set(user=user, wanted=request.POST.getlist("kinds"))
                done = _("Your choices are saved.")
            elif request.POST.get("action") == "mute" or request.POST.get("List-Unsubscribe") == (
                ONE_CLICK
            ):
                muted = email_kind_mute(user=user, kind=kind)
                done = _("You will no longer get e-mails of this kind.")
            else:
                return render(
                    request,
                    "mail/link_invalid.html",
                    {"message": _("Choose what to change.")},
                    status=400,
                )
        else:
            muted = muted_kinds(user)
        return render(
            request,
            "mail/preferences.html",
            {
                "person": user,
                "kind": kind,
                "kind_name": NotificationKind(kind).label,
                "is_muted": kind in muted,
                "choices": _choices(user, muted),
                "action_url": reverse("mail:unsubscribe", args=[token]),
                "done": done,
                "language": translation.get_language(),
            },
        )


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
    """Which e-mails I get, signed in (linked from the help center's account page)."""
    user: User = request.user  # type: ignore[assignment]  # login_required
    if request.method == "POST":
        email_preferences_set(user=user, wanted=request.POST.getlist("kinds"))
        messages.success(request, _("Your choices are saved."))
        return redirect("mail:preferences")
    return render(
        request,
        "mail/preferences.html",
        {
            "person": user,
            "choices": _choices(user, muted_kinds(user)),
            "action_url": reverse("mail:preferences"),
            "nav": "account",
        },
    )
