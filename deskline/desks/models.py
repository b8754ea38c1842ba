"""Desks, their request types and forms, their statuses and workflows: rows, not settings."""

from __future__ import annotations

from typing import Any

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import Team


def translated_value(
    translations: dict[str, dict[str, Any]] | None,
    attribute: str,
    default: str,
    language: str | None = None,
) -> str:
    """`attribute` in `language` (the active one by default) from a `translations` mapping, or
    `default`; for rows read as values, without a model instance."""
    value = _texts(translations, language).get(attribute)
    return str(value) if value and isinstance(value, str) else str(default)


def _texts(translations: dict[str, dict[str, Any]] | None, language: str | None) -> dict[str, Any]:
    """The overrides of `language` (the active one by default) in a `translations` mapping."""
    if not translations:
        return {}
    language = (language or get_language() or "en").lower()
    texts = translations.get(language)
    return texts if isinstance(texts, dict) else {}


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
    """A status of a desk's workflow; `next_statuses` are the transitions allowed from it.

    `name` is what agents read ("Waiting for customer"); `customer_name` what the help center
    and the e-mails to customers say ("Waiting for you"), the name when it is left blank.
    """

    desk = models.ForeignKey(Desk, on_delete=models.CASCADE, related_name="statuses")
    key = models.SlugField(_("key"), max_length=50)
    name = models.CharField(_("name"), max_length=100)
    customer_name = models.CharField(
        _("name for customers"),
        max_length=100,
        blank=True,
        help_text=_("What the help center calls this status; leave blank to use the name."),
    )
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

    def customer_facing_name(self, language: str | None = None) -> str:
        """The status as customers read it in `language` (the active one by default).

        Its name for customers in that language; else its name for customers as written,
        unless only the agents' name is translated into that language (words in the reader's
        language beat the customer wording in another); else its name.
        """
        texts = _texts(self.translations, language)
        translated_customer_name = texts.get("customer_name")
        if translated_customer_name and isinstance(translated_customer_name, str):
            return translated_customer_name
        translated_name = texts.get("name")
        has_translated_name = bool(translated_name and isinstance(translated_name, str))
        if self.customer_name and not has_translated_name:
            return self.customer_name
        return self.translated("name", language)


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


def option_entry(option: Any) -> tuple[str, str]:
    """The stored value and the label of one option of a select field.

    Options are stored as {"value": ..., "label": ...}; a bare string (rows written before
    options had labels) is its own value and label.
    """
    if isinstance(option, dict):
        value = str(option.get("value", ""))
        return value, str(option.get("label") or value)
    return str(option), str(option)


class RequestField(Translatable):
    """One field of a request type's form, in order.

    A select field's `options` are [{"value": "thinkpad", "label": "ThinkPad"}, ...]: tickets
    store the value, people read the label, in their language from
    `translations[language]["options"][value]`. A number field may have bounds and a step.
    """

    request_type = models.ForeignKey(RequestType, on_delete=models.CASCADE, related_name="fields")
    key = models.SlugField(_("key"), max_length=50)
    label = models.CharField(_("label"), max_length=200)
    field_type = models.CharField(_("type"), max_length=20, choices=FieldType.choices)
    is_required = models.BooleanField(_("required"), default=False)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    options = models.JSONField(
        _("options"),
        default=list,
        blank=True,
        help_text=_("The choices of a select field, each a stored value and its label."),
    )
    number_min = models.DecimalField(
        _("minimum"), max_digits=22, decimal_places=6, null=True, blank=True
    )
    number_max = models.DecimalField(
        _("maximum"), max_digits=22, decimal_places=6, null=True, blank=True
    )
    number_step = models.DecimalField(
        _("step"), max_digits=22, decimal_places=6, null=True, blank=True
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

    def option_values(self) -> list[str]:
        """The values a ticket may store in this select field, in order."""
        return [option_entry(option)[0] for option in self.options or []]

    def option_choices(self, language: str | None = None) -> list[tuple[str, str]]:
        """Each option's value and its label in `language` (the active one by default)."""
        names = _texts(self.translations, language).get("options")
        names = names if isinstance(names, dict) else {}
        choices: list[tuple[str, str]] = []
        for option in self.options or []:
            value, label = option_entry(option)
            translated = names.get(value)
            if isinstance(translated, str) and translated:
                label = translated
            choices.append((value, label))
        return choices

    def option_label(self, value: Any, language: str | None = None) -> str:
        """The label of a stored value; the value itself when no option has it (any more)."""
        for option_value, label in self.option_choices(language):
            if option_value == value:
                return label
        return str(value)


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
