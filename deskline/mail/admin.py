"""Mail in the configuration screens: mailboxes, and every message they received.

Desk admins configure the mailboxes of the desks they serve (site admins: all) and read those
mailboxes' messages. A mailbox's secrets (IMAP password or access token, OAuth 2.0 client
secret and refresh token) are write-only: the form takes a new value, keeps the stored one when
left empty, and never renders one back (not even in a read-only view, which shows only whether
one is stored). Messages are read-only: their status and reason, the raw message to download,
and a "retry" action (`mail.inbound.inbound_retry`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest
from django.urls import path, reverse
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from deskline.core.admin_site import SiteAdminAccess, is_site_admin
from deskline.core.downloads import file_response
from deskline.core.errors import NotFound
from deskline.desks.admin_scope import DeskScopedAccess, not_found
from deskline.desks.models import RequestType
from deskline.mail.admin_actions import test_connection
from deskline.mail.imap import is_loopback
from deskline.mail.inbound import inbound_retry, reason_text
from deskline.mail.models import BouncingAddress, InboundMessage, Mailbox, OutboundEmail
from deskline.mail.models.inbound import ImapSecurity, MailboxKind, MessageStatus

# The secrets of a mailbox, each with the form field that takes a new value.
SECRETS = {
    "imap_secret": "new_imap_secret",
    "oauth2_client_secret": "new_oauth2_client_secret",
    "oauth2_refresh_token": "new_oauth2_refresh_token",
}
_KEEP = _("Leave empty to keep the stored value; it is never shown.")


def _secret_field(label: Any) -> forms.CharField:
    """A write-only secret: typed in, never rendered back (empty keeps the stored one)."""
    return forms.CharField(
        label=label,
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_KEEP,
    )


class MailboxForm(forms.ModelForm[Mailbox]):
    oauth2_token_url = forms.URLField(
        label=_("OAuth 2.0 token URL"), required=False, assume_scheme="https"
    )
    new_imap_secret = _secret_field(_("IMAP password or access token"))
    new_oauth2_client_secret = _secret_field(_("OAuth 2.0 client secret"))
    new_oauth2_refresh_token = _secret_field(_("OAuth 2.0 refresh token"))
    clear_secrets = forms.BooleanField(
        label=_("Remove the stored secrets"),
        required=False,
        help_text=_("Removes the stored password, token and client secret."),
    )

    class Meta:
        model = Mailbox
        fields = (
            "desk", "name", "address", "request_type", "unknown_senders", "is_active",
            "sender_rate_limit", "kind", "imap_host", "imap_port", "imap_security",
            "imap_username", "imap_auth", "oauth2_token_url", "oauth2_client_id", "imap_folder",
        )  # fmt: skip

    def clean_address(self) -> str:
        address = str(self.cleaned_data.get("address") or "").strip().lower()
        if "+" in address.partition("@")[0]:
            # local+note@domain is the mailbox's address for internal notes.
            raise forms.ValidationError(
                gettext("Give the address without a +tag; +note is where agents write notes."),
                code="address_tag",
            )
        return address

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        desk = cleaned.get("desk")
        request_type: RequestType | None = cleaned.get("request_type")
        if request_type is not None and desk is not None:
            if request_type.desk_id != desk.pk:
                self.add_error(
                    "request_type", gettext("Choose a request type of this mailbox's desk.")
                )
            elif request_type.fields.filter(is_required=True).exists():
                self.add_error(
                    "request_type",
                    gettext(
                        "This request type has required fields, which an e-mail cannot fill "
                        "in. Choose one without."
                    ),
                )
        if cleaned.get("kind") == MailboxKind.IMAP:
            host = str(cleaned.get("imap_host") or "")
            if not host.strip():
                self.add_error("imap_host", gettext("Give the IMAP server's host name."))
            elif cleaned.get("imap_security") == ImapSecurity.NONE and not is_loopback(host):
                self.add_error(
                    "imap_security",
                    gettext("Mail is read without encryption only from this machine (loopback)."),
                )
        return cleaned

    def save(self, commit: bool = True) -> Mailbox:
        mailbox = super().save(commit=False)
        if self.cleaned_data.get("clear_secrets"):
            for name in SECRETS:
                setattr(mailbox, name, "")
        for name, form_name in SECRETS.items():
            value = self.cleaned_data.get(form_name) or ""
            if value:
                setattr(mailbox, name, value)
        if commit:
            mailbox.save()
        return mailbox


@admin.register(Mailbox)
class MailboxAdmin(DeskScopedAccess, admin.ModelAdmin[Mailbox]):
    form = MailboxForm
    actions = (test_connection,)  # mail/admin_actions.py (part "server")
    list_display = ("address", "name", "desk", "kind", "is_active", "last_fetch_at",
                    "last_fetch_ok")  # fmt: skip
    list_filter = ("kind", "is_active")
    search_fields = ("address", "name")
    list_select_related = ("desk",)
    readonly_fields = ("stored_secrets", "last_fetch_at", "last_fetch_ok", "last_fetch_error",
                       "last_fetch_count")  # fmt: skip
    fieldsets = (
        (None, {"fields": ("desk", "name", "address", "request_type", "unknown_senders",
                           "is_active", "sender_rate_limit", "kind")}),
        (_("IMAP"), {"fields": ("imap_host", "imap_port", "imap_security", "imap_username",
                                "imap_auth", "new_imap_secret", "oauth2_token_url",
                                "oauth2_client_id", "new_oauth2_client_secret",
                                "new_oauth2_refresh_token", "clear_secrets", "stored_secrets",
                                "imap_folder")}),
        (_("Last fetch"), {"fields": ("last_fetch_at", "last_fetch_ok", "last_fetch_error",
                                      "last_fetch_count")}),
    )  # fmt: skip

    @admin.display(description=_("stored secrets"))
    def stored_secrets(self, obj: Mailbox) -> str:
        labels = {
            "imap_secret": gettext("IMAP password or access token"),
            "oauth2_client_secret": gettext("OAuth 2.0 client secret"),
            "oauth2_refresh_token": gettext("OAuth 2.0 refresh token"),
        }
        stored = [label for name, label in labels.items() if getattr(obj, name, "")]
        return ", ".join(stored) if stored else gettext("None")


@dataclass
class _RawDownload:
    """The raw message as `core.downloads.file_response` serves a stored file."""

    filename: str
    content_type: str
    file: FieldFile


@admin.register(InboundMessage)
class InboundMessageAdmin(DeskScopedAccess, admin.ModelAdmin[InboundMessage]):
    desk_path = "mailbox__desk"
    list_display = ("received_at", "message_id_shown", "mailbox", "sender", "subject", "status",
                    "reason_shown", "ticket_key", "attempts")  # fmt: skip
    list_filter = ("status", "source", ("mailbox", admin.RelatedOnlyFieldListFilter))
    search_fields = ("message_id", "sender", "subject", "ticket__key")
    list_select_related = ("mailbox", "ticket")
    show_full_result_count = False
    actions = ("retry",)
    fields = ("received_at", "source", "mailbox", "message_id", "dedupe_key", "sender", "subject",
              "recipients", "status", "outcome", "reason_code", "reason_shown", "ticket",
              "comment", "attempts", "processed_at", "size", "sha256", "raw_download")  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def get_urls(self) -> list[Any]:
        own = [
            path(
                "<int:message_id>/raw/",
                self.admin_site.admin_view(self.raw_view),
                name="mail_inboundmessage_raw",
            )
        ]
        return own + super().get_urls()

    def raw_view(self, request: HttpRequest, message_id: int) -> FileResponse:
        """The message as received, to download (never rendered: message/rfc822, sandboxed)."""
        message = self.get_queryset(request).filter(pk=message_id).first()
        if message is None or not self.has_view_permission(request, message):
            raise not_found()
        try:
            return file_response(
                _RawDownload(
                    filename=f"message-{message.pk}.eml",
                    content_type="message/rfc822",
                    file=message.raw,
                )
            )
        except NotFound:
            raise Http404(gettext("The stored message is missing.")) from None

    @admin.display(description=_("Message-ID"))
    def message_id_shown(self, obj: InboundMessage) -> str:
        return obj.message_id or gettext("(none)")

    @admin.display(description=_("reason"))
    def reason_shown(self, obj: InboundMessage) -> str:
        # Recorded in the site's language; the part the code says is shown in the reader's.
        with translation.override(settings.LANGUAGE_CODE):
            recorded_fixed = reason_text(obj.reason_code)
        fixed = reason_text(obj.reason_code)
        if recorded_fixed and obj.reason.startswith(recorded_fixed):
            return f"{fixed}{obj.reason[len(recorded_fixed) :]}"
        return obj.reason or fixed

    @admin.display(description=_("ticket"), ordering="ticket__key")
    def ticket_key(self, obj: InboundMessage) -> str:
        return obj.ticket.key if obj.ticket else ""

    @admin.display(description=_("raw message"))
    def raw_download(self, obj: InboundMessage) -> str:
        url = reverse("admin:mail_inboundmessage_raw", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Download the message (.eml)"))

    @admin.action(description=_("Process the selected messages again"), permissions=["retry"])
    def retry(self, request: HttpRequest, queryset: QuerySet[InboundMessage]) -> None:
        done = [inbound_retry(message) for message in queryset.order_by("id")]
        processed = sum(1 for item in done if item.status == MessageStatus.PROCESSED)
        failed = sum(1 for item in done if item.status == MessageStatus.FAILED)
        self.message_user(
            request,
            ngettext(
                "%(count)d message processed again: %(processed)d processed, %(failed)d failed.",
                "%(count)d messages processed again: %(processed)d processed, %(failed)d failed.",
                len(done),
            )
            % {"count": len(done), "processed": processed, "failed": failed},
            messages.SUCCESS if not failed else messages.WARNING,
        )


@admin.register(BouncingAddress)
class BouncingAddressAdmin(admin.ModelAdmin[BouncingAddress]):
    """Addresses whose mail bounced; removing one lets outbound mail try it again."""

    list_display = ("address", "bounces", "last_bounced_at", "reason")
    search_fields = ("address",)
    readonly_fields = ("address", "reason", "bounces", "first_bounced_at", "last_bounced_at",
                       "last_message")  # fmt: skip

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_site_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_site_admin(request)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_site_admin(request)


@admin.register(OutboundEmail)
class OutboundEmailAdmin(SiteAdminAccess, admin.ModelAdmin[OutboundEmail]):
    """Every e-mail Deskline wrote, for site admins to look at (why one failed, what it said);
    the worker sends them, nobody edits them."""

    list_display = ("id", "to_address", "kind", "subject", "status", "attempts", "created_at")
    list_filter = ("status", "kind")
    search_fields = ("to_address", "subject", "message_id", "ticket__key")
    list_select_related = ("ticket",)
    readonly_fields = [field.name for field in OutboundEmail._meta.fields]
    ordering = ("-id",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
