"""The agent's own account in the workspace: their API tokens, each of which they may revoke."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from deskline.accounts.actions import api_token_revoke
from deskline.accounts.selectors import api_token_list, api_token_of
from deskline.core.time import now
from deskline.workspace.views import agent, agent_required, sidebar_context


@agent_required
@require_GET
def account(request: HttpRequest) -> HttpResponse:
    """My API tokens: prefix, name, created, last used, expires (never the token itself)."""
    user = agent(request)
    context = {
        **sidebar_context(user, None),
        "nav_current": "account",
        "tokens": list(api_token_list(user=user)),
        "now": now(),
    }
    return render(request, "workspace/account.html", context)


@agent_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    """Revoke one of my tokens; anyone else's is a 404 and stays as it is."""
    token = api_token_of(user=agent(request), token_id=token_id)
    api_token_revoke(token=token)
    messages.success(request, _("Token %(prefix)s… revoked.") % {"prefix": token.prefix})
    return redirect(reverse("workspace:account") + "#api-tokens")
