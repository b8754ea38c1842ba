"""Desks, their request types and forms, their statuses and workflows: rows, not settings."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import Team


def translated_value(
    translations: dict[str, dict[str, str]] | None,
    attribute: str,
    default: str,
    language: str | None = None,
) -> str:
    """`attribute` in `language` (the active one by default) from a `translations` mapping, or
    `default`; for rows read as values, without a model instance."""
    language = (language or get_language() or "en").lower()
    value = translations.get(language, {}).get(attribute) if translations else None
    return str(value) if value else str(default)


class Translatable(models.Model):
    """Names and descriptions an admin writes in more than one language.

    `translations` maps a language code to overrides, e.g. {"zh-hans": {"name": "IT 服务台"}}.
    """

    translations = models.JSONField(_("translations"), default=dict, blank=True)

    class Meta:
        abstract = True

    def translated(self, attribute: str, language: str | None = None) -> str:
        return translated_value(self.translations, attribute, getattr(self, attribute), language)


desk_key_validator = RegexValidator(
    r"^[A-Z][A-Z0-9]{1,9}$",
    _("A desk key is 2 to 10 capital letters or digits, starting with a letter."),
)


class Desk(Translatable):
    """One department's service desk in the help center, e.g. IT, HR, Legal or Facilities."""

    key = models.CharField(_("key"), max_length=10, unique=True, validators=[desk_key_validator])
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    teams = models.ManyToManyField(Team, verbose_name=_("teams"), related_name="desks", blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    last_ticket_number = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # A customer's public reply to a request waiting for them moves it back into the agents'
    # hands, to `customer_reply_status` (empty: the desk's first status of category in
    # progress; see `desks.catalog.Catalog.customer_reply_status`).
    reopen_on_customer_reply = models.BooleanField(
        _("reopen on customer reply"),
        default=True,
        help_text=_(
            "When the customer replies to a request that waits for them, move it back to the "
            "status below, so that it is not left waiting with its SLA clock paused."
        ),
    )
    customer_reply_status = models.ForeignKey(
        "Status",
        verbose_name=_("status after a customer reply"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Leave empty for the desk's first status of category In progress."),
    )

    class Meta:
        ordering = ["position", "key"]
        verbose_name = _("desk")
        verbose_name_plural = _("desks")

    def __str__(self) -> str:
        return f"{self.key}: {self.name}"


class StatusCategory(models.TextChoices):
    NEW = "new", _("New")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting")
    DONE = "done", _("Done")


class Status(Translatable):
    """A status of a desk's workflow; `next_statuses` are the transitions allowed from it."""

    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="statuses")
    key = models.SlugField(_("key"), max_length=50)
    name = models.CharField(_("name"), max_length=100)
    category = models.CharField(_("category"), max_length=20, choices=StatusCategory.choices)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_initial = models.BooleanField(
        _("initial"), default=False, help_text=_("New requests start in this status.")
    )
    next_statuses = models.ManyToManyField(
        "self",
        verbose_name=_("allowed next statuses"),
        symmetrical=False,
        related_name="previous_statuses",
        blank=True,
    )

    class Meta:
        ordering = ["desk", "position", "id"]
        verbose_name = _("status")
        verbose_name_plural = _("statuses")
        constraints = [
            models.UniqueConstraint(fields=["desk", "key"], name="status_key_unique_per_desk"),
            models.UniqueConstraint(
                fields=["desk"], condition=Q(is_initial=True), name="one_initial_status_per_desk"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RequestTypeKind(models.TextChoices):
    SERVICE_REQUEST = "service_request", _("Service request")
    INCIDENT = "incident", _("Incident")
    PROBLEM = "problem", _("Problem")
    CHANGE = "change", _("Change")


class RequestType(Translatable):
    """Something a person can ask a desk for, with its own form, e.g. "New laptop"."""

    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="request_types")
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    kind = models.CharField(
        _("kind"),
        max_length=20,
        choices=RequestTypeKind.choices,
        default=RequestTypeKind.SERVICE_REQUEST,
    )
    default_team = models.ForeignKey(
        Team,
        verbose_name=_("default team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["desk", "position", "id"]
        verbose_name = _("request type")
        verbose_name_plural = _("request types")
        constraints = [
            models.UniqueConstraint(
                fields=["desk", "name"], name="request_type_name_unique_per_desk"
            )
        ]

    def __str__(self) -> str:
        return self.name


class FieldType(models.TextChoices):
    SHORT_TEXT = "short_text", _("Short text")
    LONG_TEXT = "long_text", _("Long text")
    NUMBER = "number", _("Number")
    DATE = "date", _("Date")
    SINGLE_SELECT = "single_select", _("Single select")
    MULTI_SELECT = "multi_select", _("Multi select")
    CHECKBOX = "checkbox", _("Checkbox")
    USER = "user", _("User")
    ATTACHMENT = "attachment", _("Attachment")


class RequestField(Translatable):
    """One field of a request type's form, in order."""

    request_type = models.ForeignKey(RequestType, on_delete=models.CASCADE, related_name="fields")
    key = models.SlugField(_("key"), max_length=50)
    label = models.CharField(_("label"), max_length=200)
    field_type = models.CharField(_("type"), max_length=20, choices=FieldType.choices)
    is_required = models.BooleanField(_("required"), default=False)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    options = models.JSONField(
        _("options"), default=list, blank=True, help_text=_("The choices of a select field.")
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["request_type", "position", "id"]
        verbose_name = _("form field")
        verbose_name_plural = _("form fields")
        constraints = [
            models.UniqueConstraint(
                fields=["request_type", "key"], name="field_key_unique_per_request_type"
            )
        ]

    def __str__(self) -> str:
        return self.label


SHORT_LINK_PATTERN = r"^[a-z0-9][a-z0-9-]{0,39}$"
short_link_validator = RegexValidator(
    SHORT_LINK_PATTERN,
    _("Use 1 to 40 lower-case letters, digits or hyphens, starting with a letter or digit."),
)


class ShortLink(models.Model):
    """A vanity address of the help center, e.g. /go/ithelp -> the IT desk (or one form)."""

    slug = models.CharField(
        _("short name"), max_length=40, unique=True, validators=[short_link_validator]
    )
    desk = models.ForeignKey(
        Desk, on_delete=models.CASCADE, related_name="short_links", verbose_name=_("desk")
    )
    request_type = models.ForeignKey(
        RequestType,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="short_links",
        verbose_name=_("request type"),
        help_text=_("Optional: open this request form instead of the desk's page."),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["slug"]
        verbose_name = _("short link")
        verbose_name_plural = _("short links")
        constraints = [
            models.CheckConstraint(
                condition=Q(slug__regex=SHORT_LINK_PATTERN), name="short_link_slug_format"
            )
        ]

    def __str__(self) -> str:
        return f"/go/{self.slug}"
