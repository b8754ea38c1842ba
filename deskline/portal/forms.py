"""Forms of the help center: they parse what a person typed; the actions decide what is valid.

The request form is built from the request type's fields. Its values are checked with the same
`clean_field_values` the action runs, so every problem shows next to its field at once, and the
errors the action raises are mapped back onto the fields they name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from deskline.accounts.models import Role, User
from deskline.core.errors import ValidationFailed
from deskline.core.links import absolute_url
from deskline.desks.fields import clean_field_values, number_input_attributes
from deskline.desks.models import FieldType, RequestField
from deskline.desks.people import PeopleScope
from deskline.tickets.models import Priority

FIELD_PREFIX = "f_"
# Stands in for the ids of files chosen but not uploaded yet, while the form is only checked.
_CHOSEN_FILE = 1


def form_name(key: str) -> str:
    """The HTML name of the form field for a request field's `key`."""
    return FIELD_PREFIX + key


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Any number of files in one input; cleans to a list."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"multiple": True}))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        single = super().clean
        items = data if isinstance(data, list | tuple) else [data]
        return [cleaned for item in items if item and (cleaned := single(item, initial))]


class DomainErrorsMixin:
    """Put the per-field messages of a ValidationFailed next to the fields they name."""

    @property
    def chose_files(self) -> bool:
        """True when files came with the form: a page with errors cannot keep them."""
        return bool(getattr(self, "files", None))

    def add_domain_errors(self, error: ValidationFailed, names: Mapping[str, str]) -> None:
        form: Any = self
        shown = False
        for name, messages in error.fields.items():
            target = names.get(name)
            if target is None and name.startswith("fields."):
                target = form_name(name.removeprefix("fields."))
            if target is None or target not in form.fields:
                continue
            for message in messages:
                form.add_error(target, str(message))
            shown = True
        if not shown:
            form.add_error(None, str(error.message))


def person_picker_attributes(input_id: str, suggestions_url: str) -> dict[str, str]:
    """The attributes that make a user field's text input a search-as-you-type picker: htmx
    asks `suggestions_url` (which adds `q`, see people-picker.js) 300 ms after the typing
    stops, and shows the answer in the list below the input."""
    return {
        "autocomplete": "off",
        "spellcheck": "false",
        "role": "combobox",
        "aria-autocomplete": "list",
        "aria-expanded": "false",
        "aria-controls": f"{input_id}_suggestions",
        "data-people-picker": "",
        "hx-get": suggestions_url,
        "hx-trigger": "input changed delay:300ms",
        "hx-target": f"#{input_id}_suggestions",
        "hx-swap": "innerHTML",
        "hx-sync": "this:replace",
    }


def _request_form_field(field: RequestField, suggestions_url: str) -> forms.Field:
    label = field.translated("label")
    help_text = field.translated("help_text")
    common: dict[str, Any] = {"label": label, "help_text": help_text, "required": False}
    kind = field.field_type
    if kind == FieldType.LONG_TEXT:
        form_field: forms.Field = forms.CharField(
            widget=forms.Textarea(attrs={"rows": 4}), strip=False, **common
        )
    elif kind == FieldType.NUMBER:
        form_field = forms.CharField(
            widget=forms.NumberInput(attrs=number_input_attributes(field)), **common
        )
    elif kind == FieldType.DATE:
        form_field = forms.CharField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    elif kind == FieldType.SINGLE_SELECT:
        choices = [("", _("Choose…")), *field.option_choices()]
        form_field = forms.ChoiceField(choices=choices, **common)
    elif kind == FieldType.MULTI_SELECT:
        form_field = forms.MultipleChoiceField(
            choices=field.option_choices(),
            widget=forms.CheckboxSelectMultiple,
            **common,
        )
    elif kind == FieldType.CHECKBOX:
        form_field = forms.BooleanField(**common)
    elif kind == FieldType.USER:
        attributes = (
            person_picker_attributes(f"id_{form_name(field.key)}", suggestions_url)
            if suggestions_url
            else {"autocomplete": "off"}
        )
        form_field = forms.CharField(
            widget=forms.TextInput(attrs=attributes),
            **{**common, "help_text": help_text or _("Type a name or an e-mail address.")},
        )
    elif kind == FieldType.ATTACHMENT:
        form_field = MultipleFileField(**common)
    else:
        form_field = forms.CharField(max_length=None, **common)
    if field.is_required:
        # Required in the page (marker, aria-required), checked on the server so that the
        # message is the help center's, in the person's language.
        form_field.widget.attrs["aria-required"] = "true"
    form_field.is_marked_required = field.is_required  # type: ignore[attr-defined]  # read by the template
    form_field.field_type = kind  # type: ignore[attr-defined]  # read by the template
    return form_field


class RaiseRequestForm(DomainErrorsMixin, forms.Form):
    """Summary, description, priority and the request type's own fields."""

    use_required_attribute = False

    summary = forms.CharField(
        label=_("Summary"),
        max_length=255,
        help_text=_("One line that says what you need."),
        error_messages={"required": _("Enter a summary.")},
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("You can use Markdown: **bold**, *italic*, lists and links."),
    )
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Priority.choices, initial=Priority.MEDIUM
    )

    ERROR_NAMES = {
        "summary": "summary",
        "description": "description",
        "priority": "priority",
        "reporter_email": "reporter_email",
        "is_shared_with_organization": "share_with_organization",
    }

    def __init__(
        self,
        *args: Any,
        request_fields: Sequence[RequestField],
        allow_on_behalf: bool,
        allow_sharing: bool,
        people: PeopleScope | None = None,
        suggestions_url: str = "",
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.request_fields = list(request_fields)
        self.people = people
        self.fields["summary"].widget.attrs["aria-required"] = "true"
        self.fields["summary"].is_marked_required = True  # type: ignore[attr-defined]
        for field in self.request_fields:
            self.fields[form_name(field.key)] = _request_form_field(field, suggestions_url)
        if allow_sharing:
            self.fields["share_with_organization"] = forms.BooleanField(
                label=_("Share with my organization"),
                required=False,
                help_text=_("People of your organization can then follow this request."),
            )
        if allow_on_behalf:
            self.fields["reporter_email"] = forms.EmailField(
                label=_("Raise on behalf of"),
                required=False,
                help_text=_("The e-mail address of the person this request is for."),
            )

    @property
    def standard_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("summary", "description", "priority")]

    @property
    def request_type_fields(self) -> list[forms.BoundField]:
        return [self[form_name(field.key)] for field in self.request_fields]

    def chosen_files(self) -> list[tuple[RequestField, UploadedFile]]:
        """The files chosen in the attachment fields, with their field."""
        return [
            (field, upload)
            for field in self.request_fields
            if field.field_type == FieldType.ATTACHMENT
            for upload in self.cleaned_data.get(form_name(field.key)) or []
        ]

    def field_values(self, attachment_ids: Mapping[str, list[int]] | None = None) -> dict[str, Any]:
        """The request type's values as the action takes them; empty fields are left out."""
        values: dict[str, Any] = {}
        for field in self.request_fields:
            value = self.cleaned_data.get(form_name(field.key))
            if field.field_type == FieldType.ATTACHMENT:
                if attachment_ids is not None:
                    value = attachment_ids.get(field.key) or None
                else:
                    value = [_CHOSEN_FILE] * len(value) if value else None
            elif field.field_type == FieldType.CHECKBOX:
                # An unticked box is an answer ("no") unless ticking it is required.
                value = True if value else (None if field.is_required else False)
            if value in (None, "", []):
                continue
            values[field.key] = value
        return values

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        try:
            clean_field_values(self.request_fields, self.field_values(), people=self.people)
        except ValidationFailed as error:
            self.add_domain_errors(error, {})
        return cleaned


class CommentForm(DomainErrorsMixin, forms.Form):
    use_required_attribute = False

    body = forms.CharField(
        label=_("Add a comment"),
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("You can use Markdown."),
        error_messages={"required": _("Write a message.")},
    )
    attachments = MultipleFileField(label=_("Attach files"))

    ERROR_NAMES = {"body": "body", "attachments": "attachments", "file": "attachments"}


class EmailAuthenticationForm(AuthenticationForm):
    """Sign in with an e-mail address, in any letter case."""

    def clean_username(self) -> str:
        return str(self.cleaned_data.get("username") or "").strip().lower()


class SignUpForm(DomainErrorsMixin, forms.Form):
    """The first step of sign-up: who you are and where to send the link that proves the address
    is yours. The password is chosen from that link."""

    use_required_attribute = False

    display_name = forms.CharField(
        label=_("Your name"), max_length=150, error_messages={"required": _("Enter your name.")}
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"required": _("Enter your e-mail address.")},
    )

    ERROR_NAMES = {"display_name": "display_name", "email": "email"}


class SignUpPasswordForm(DomainErrorsMixin, forms.Form):
    """The second step of sign-up, from the e-mailed link: the name again and the password."""

    use_required_attribute = False

    display_name = forms.CharField(
        label=_("Your name"), max_length=150, error_messages={"required": _("Enter your name.")}
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Choose a password.")},
    )
    password_again = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": _("Type the password again.")},
    )

    ERROR_NAMES = {"display_name": "display_name", "password": "password"}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password"), cleaned.get("password_again")
        if first and second and first != second:
            self.add_error("password_again", _("The two passwords differ."))
        return cleaned


class HelpCenterPasswordResetForm(PasswordResetForm):
    """Sends the reset link in the person's own language, also to people who never had a
    password: customers whose requests were raised for them or by e-mail set theirs this way."""

    def get_users(self, email: str) -> Any:
        people = User.objects.filter(email__iexact=email.strip(), is_active=True)
        return people.exclude(role=Role.SYSTEM).iterator()  # nobody signs in as Deskline

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        user = context.get("user")
        language = getattr(user, "locale", "") or translation.get_language()
        # The link starts where people reach Deskline: DESKLINE_BASE_URL when it is set (behind
        # a proxy the request's own address may be an internal one).
        context["reset_url"] = absolute_url(
            reverse(
                "portal:password_reset_confirm",
                kwargs={"uidb64": context["uid"], "token": context["token"]},
            )
        )
        with translation.override(language):
            super().send_mail(
                subject_template_name,
                email_template_name,
                context,
                from_email,
                to_email,
                html_email_template_name,
            )
