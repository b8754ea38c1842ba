"""Signing in and out, resetting a forgotten password, and (when allowed) signing up."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from deskline.accounts.actions import customer_sign_up
from deskline.accounts.models import SiteSettings
from deskline.core.errors import PermissionDenied, ValidationFailed
from deskline.portal.forms import EmailAuthenticationForm, HelpCenterPasswordResetForm, SignUpForm


def sign_in(request: HttpRequest) -> HttpResponseBase:
    """Django's sign-in page, offering sign-up only when the site allows it."""
    view = auth_views.LoginView.as_view(
        authentication_form=EmailAuthenticationForm,
        redirect_authenticated_user=True,
        extra_context={"allow_self_signup": SiteSettings.current().allow_self_signup},
    )
    return view(request)


sign_out = auth_views.LogoutView.as_view()

password_reset = auth_views.PasswordResetView.as_view(
    form_class=HelpCenterPasswordResetForm,
    template_name="portal/accounts/password_reset_form.html",
    email_template_name="portal/accounts/password_reset_email.txt",
    subject_template_name="portal/accounts/password_reset_subject.txt",
    success_url=reverse_lazy("portal:password_reset_done"),
)
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


def sign_up(request: HttpRequest) -> HttpResponse:
    """Create a customer account; the page does not exist unless the site allows it."""
    if not SiteSettings.current().allow_self_signup:
        raise Http404(_("This help center does not take new accounts."))
    if request.user.is_authenticated:
        return redirect("portal:home")
    form = SignUpForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            user = customer_sign_up(
                email=form.cleaned_data["email"],
                display_name=form.cleaned_data["display_name"],
                password=form.cleaned_data["password"],
                locale=get_language() or "",
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
        request, "portal/accounts/signup.html", {"form": form}, status=400 if form.is_bound else 200
    )
