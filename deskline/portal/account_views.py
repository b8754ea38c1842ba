"""Signing in and out, resetting a forgotten password, (when allowed) signing up, and the
account page with the person's API tokens.

Sign-in with a password is throttled by django-axes (accounts.throttle): too many failures for
an account or from a client address pause it, and `sign_in_paused` says so. Every e-mail these
pages send to an address (reset, sign-up) is counted too, whether the address has an account or
not, and none of them tells a visitor whether it has one.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deskline.accounts.actions import api_token_revoke, customer_sign_up, normalize_email
from deskline.accounts.models import SiteSettings, User
from deskline.accounts.selectors import api_token_list, api_token_of, user_with_email
from deskline.accounts.throttle import MailRefused, cool_off, mail_allowed
from deskline.core.clients import client_address
from deskline.core.errors import PermissionDenied, ValidationFailed
from deskline.core.time import now
from deskline.portal.forms import (
    EmailAuthenticationForm,
    HelpCenterPasswordResetForm,
    SignUpForm,
    SignUpPasswordForm,
)
from deskline.portal.http import error_pages
from deskline.portal.signup import SignUpClaim, read_sign_up_token, send_sign_up_mail

TOO_MANY_REQUESTS = 429


def landing_url(user: Any) -> str:
    """Where a person goes after signing in when no page asked for them: agents and admins to
    the workspace, customers to the help center."""
    if getattr(user, "is_authenticated", False) and getattr(user, "is_agent", False):
        return reverse("workspace:home")
    return reverse("portal:home")


class SignInView(auth_views.LoginView):
    """Django's sign-in page: a safe `next` wins, else the person's landing page."""

    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["allow_self_signup"] = SiteSettings.current().allow_self_signup
        return context

    def get_default_redirect_url(self) -> str:
        return landing_url(self.request.user)


sign_in = SignInView.as_view()
sign_out = auth_views.LogoutView.as_view()


def sign_in_paused(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """What django-axes answers a sign-in refused for too many failures (AXES_LOCKOUT_CALLABLE):
    the same page for any account, existing or not, and from any door (/admin/login/ too)."""
    minutes = max(1, int(cool_off().total_seconds() // 60))
    return render(
        request,
        "portal/accounts/sign_in_paused.html",
        {"minutes": minutes},
        status=TOO_MANY_REQUESTS,
    )


def _mail_refused_message(refused: MailRefused) -> str:
    if refused.reason == "address":
        return _(
            "Too many e-mails were asked for this address in the last hour. Look for the ones "
            "already sent (in your spam folder too), or try again later."
        )
    return _("Too many e-mails were asked for from your network in the last hour. Try again later.")


def _refuse_form(form: Form, refused: MailRefused) -> None:
    form.add_error(None, _mail_refused_message(refused))


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset page, with the e-mails to one address and from one client counted."""

    form_class = HelpCenterPasswordResetForm
    template_name = "portal/accounts/password_reset_form.html"
    email_template_name = "portal/accounts/password_reset_email.txt"
    subject_template_name = "portal/accounts/password_reset_subject.txt"
    success_url = reverse_lazy("portal:password_reset_done")

    def form_valid(self, form: Any) -> HttpResponse:
        refused = mail_allowed(
            email=form.cleaned_data["email"], client=client_address(self.request)
        )
        if refused is not None:
            _refuse_form(form, refused)
            return self.render_to_response(
                self.get_context_data(form=form), status=TOO_MANY_REQUESTS
            )
        return super().form_valid(form)


password_reset = PasswordResetView.as_view()
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="portal/accounts/password_reset_done.html"
)
password_reset_confirm = auth_views.PasswordResetConfirmView.as_view(
    template_name="portal/accounts/password_reset_confirm.html",
    success_url=reverse_lazy("portal:password_reset_complete"),
)
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="portal/accounts/password_reset_complete.html"
)


def _signup_allowed() -> None:
    if not SiteSettings.current().allow_self_signup:
        raise Http404(_("This help center does not take new accounts."))


def sign_up(request: HttpRequest) -> HttpResponse:
    """Ask for a customer account: name and address; the rest follows from an e-mailed link.

    Every valid request gets the same redirect to "check your e-mail", whether the address has
    an account or not (portal.signup says what is sent).
    """
    _signup_allowed()
    if request.user.is_authenticated:
        return redirect("portal:home")
    form = SignUpForm(request.POST if request.method == "POST" else None)
    status = 400 if form.is_bound else 200
    if form.is_bound and form.is_valid():
        try:
            email = normalize_email(form.cleaned_data["email"])
        except ValidationFailed as error:
            form.add_domain_errors(error, form.ERROR_NAMES)
        else:
            refused = mail_allowed(email=email, client=client_address(request))
            if refused is None:
                name = " ".join(form.cleaned_data["display_name"].split())
                send_sign_up_mail(
                    SignUpClaim(email=email, display_name=name, language=get_language() or "")
                )
                return redirect("portal:signup_sent")
            _refuse_form(form, refused)
            status = TOO_MANY_REQUESTS
    return render(request, "portal/accounts/signup.html", {"form": form}, status=status)


def sign_up_sent(request: HttpRequest) -> HttpResponse:
    """The page after every sign-up request: look in your mailbox."""
    _signup_allowed()
    return render(request, "portal/accounts/signup_sent.html")


def sign_up_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """From the e-mailed link: choose a password, and the account exists and is signed in."""
    _signup_allowed()
    claim = read_sign_up_token(token)
    if claim is None:
        return render(request, "portal/accounts/signup_link_invalid.html", status=400)
    if user_with_email(claim.email) is not None:
        # Signed up already (this link used once), or made since by a request raised by e-mail.
        return render(
            request, "portal/accounts/signup_link_invalid.html", {"exists": True}, status=400
        )
    form = SignUpPasswordForm(
        request.POST if request.method == "POST" else None,
        initial={"display_name": claim.display_name},
    )
    if form.is_bound and form.is_valid():
        try:
            user = customer_sign_up(
                email=claim.email,
                display_name=form.cleaned_data["display_name"],
                password=form.cleaned_data["password"],
                locale=claim.language,
            )
        except ValidationFailed as error:
            form.add_domain_errors(error, form.ERROR_NAMES)
        except PermissionDenied:
            raise Http404(_("This help center does not take new accounts.")) from None
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your account is ready."))
            return redirect("portal:home")
    return render(
        request,
        "portal/accounts/signup_confirm.html",
        {"form": form, "claim": claim},
        status=400 if form.is_bound else 200,
    )


# The account page -------------------------------------------------------------------------


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """Who I am, a link to change my password, and my API tokens (never the tokens themselves)."""
    user: User = request.user  # type: ignore[assignment]  # login_required
    return render(
        request,
        "portal/accounts/account.html",
        {"tokens": list(api_token_list(user=user)), "now": now(), "nav": "account"},
    )


@login_required
@require_POST
@error_pages
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponseBase:
    """Revoke one of my tokens; anyone else's is a 404 and stays as it is."""
    user: User = request.user  # type: ignore[assignment]  # login_required
    token = api_token_of(user=user, token_id=token_id)
    api_token_revoke(token=token)
    messages.success(request, _("Token %(prefix)s… revoked.") % {"prefix": token.prefix})
    return redirect(reverse("portal:account") + "#api-tokens")


class PasswordChangeView(auth_views.PasswordChangeView):
    """Change my password (knowing the current one); my API tokens are revoked with it."""

    form_class = PasswordChangeForm
    template_name = "portal/accounts/password_change.html"
    success_url = reverse_lazy("portal:account")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, _("Password changed. Any API tokens you had were revoked."))
        return response

    def form_invalid(self, form: Any) -> HttpResponse:
        return self.render_to_response(self.get_context_data(form=form), status=400)


password_change = PasswordChangeView.as_view()
