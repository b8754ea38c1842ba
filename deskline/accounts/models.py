"""People and who they work for: users, customers' organizations, agents' teams, API tokens."""

from __future__ import annotations

import zoneinfo
from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


class Role(models.TextChoices):
    CUSTOMER = "customer", _("Customer")
    AGENT = "agent", _("Agent")
    DESK_ADMIN = "desk_admin", _("Desk admin")
    SITE_ADMIN = "site_admin", _("Site admin")
    # Deskline itself acting: the SLA clock, a mailbox, an automation rule (accounts/actors.py).
    SYSTEM = "system", _("System")


class Locale(models.TextChoices):
    ENGLISH = "en", _("English")
    SIMPLIFIED_CHINESE = "zh-hans", _("Simplified Chinese")


AGENT_ROLES = frozenset({Role.AGENT, Role.DESK_ADMIN, Role.SITE_ADMIN})


class Organization(models.Model):
    """A customer's company, department or site; its members may share requests."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return self.name


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("role", Role.SITE_ADMIN)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """Everyone who signs in: customers, agents and admins, identified by e-mail."""

    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=150)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CUSTOMER)
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="members",
    )
    locale = models.CharField(
        _("language"), max_length=10, choices=Locale.choices, default=Locale.ENGLISH
    )
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="UTC", validators=[validate_time_zone]
    )
    is_active = models.BooleanField(_("active"), default=True)
    # Set only on system actors (role SYSTEM): which one, e.g. "sla", "mailbox:3", "rule:12".
    system_key = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["display_name"]

    class Meta:
        ordering = ["display_name"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return f"{self.display_name} <{self.email}>"

    @property
    def is_agent(self) -> bool:
        return self.role in AGENT_ROLES

    @property
    def is_system(self) -> bool:
        """A named system actor (the SLA clock, a mailbox, a rule), not a person."""
        return self.role == Role.SYSTEM

    @property
    def is_site_admin(self) -> bool:
        return self.role == Role.SITE_ADMIN

    @property
    def is_desk_admin(self) -> bool:
        return self.role in (Role.DESK_ADMIN, Role.SITE_ADMIN)

    @property
    def is_staff(self) -> bool:
        """Admins may open the configuration screens (Django admin)."""
        return self.is_desk_admin

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name


class Team(models.Model):
    """A group of agents that serves one or more desks, e.g. "Frontline" or "Office engineering"."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    members = models.ManyToManyField(
        User, verbose_name=_("members"), related_name="teams", blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("teams")

    def __str__(self) -> str:
        return self.name


class ApiToken(models.Model):
    """A bearer token for API v1; only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, blank=True)
    prefix = models.CharField(max_length=12)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user.email})"


class SiteSettings(models.Model):
    """Choices a site admin makes for the whole help center; there is one row (see `current`)."""

    allow_self_signup = models.BooleanField(
        _("allow self sign-up"),
        default=False,
        help_text=_("Let visitors create their own customer account from the sign-in page."),
    )
    help_center_title = models.CharField(
        _("help center title"), max_length=120, blank=True, default=""
    )

    class Meta:
        verbose_name = _("site settings")
        verbose_name_plural = _("site settings")

    def __str__(self) -> str:
        return str(_("Site settings"))

    @classmethod
    def current(cls) -> SiteSettings:
        """The one row, made with the defaults the first time it is asked for."""
        settings, _created = cls.objects.get_or_create(pk=1)
        return settings
