"""Configuration screens for desk admins: desks with their statuses, request types with forms.

Every check a desk admin can trip (a second initial status, a select field without choices, a
short link to another desk's form) lives in the forms below, so a mistake shows next to the
field and nothing is saved: the admin validates the page and all its inlines before it writes,
and writes them in one transaction.

A desk admin sees and changes only the desks their teams serve, with their statuses, request
types, forms and short links (desks.admin_scope); a site admin, every desk.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Count, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from deskline.core.admin_site import DeskAdminAccess, TranslationsFormMixin
from deskline.core.config import configuration_changed
from deskline.core.errors import ValidationFailed
from deskline.desks.actions import DEFAULT_WORKFLOW, desk_create, normalize_options
from deskline.desks.admin_scope import (
    DeskScopedAccess,
    ScopedChoicesInline,
    offered_teams,
    own_team_ids,
)
from deskline.desks.models import (
    Desk,
    FieldType,
    RequestField,
    RequestType,
    ShortLink,
    Status,
    StatusCategory,
    translated_value,
)

SELECT_FIELD_TYPES = frozenset({FieldType.SINGLE_SELECT, FieldType.MULTI_SELECT})
# The statuses a customer's reply may move a waiting request to (as `desks.catalog` accepts).
REOPEN_CATEGORIES = (StatusCategory.NEW, StatusCategory.IN_PROGRESS)


# Statuses ---------------------------------------------------------------------------------


class StatusForm(TranslationsFormMixin):
    translation_attributes = ("name", "customer_name")

    class Meta:
        model = Status
        fields = ("position", "key", "name", "customer_name", "category", "is_initial",
                  "next_statuses", "translations")  # fmt: skip
        widgets = {"next_statuses": forms.CheckboxSelectMultiple}


class StatusFormSet(BaseInlineFormSet[Status, Desk, forms.ModelForm[Status]]):
    """A desk's statuses: exactly one initial status, transitions only within the desk."""

    def add_fields(self, form: forms.ModelForm[Status], index: int | None) -> None:
        super().add_fields(form, index)
        # Offer (and accept) only this desk's statuses as transitions. A status added on
        # this page can be chosen as a next status once the page is saved.
        next_statuses = form.fields["next_statuses"]
        assert isinstance(next_statuses, forms.ModelMultipleChoiceField)
        next_statuses.queryset = (
            Status.objects.filter(desk=self.instance).order_by("position", "id")
            if self.instance.pk
            else Status.objects.none()
        )

    def kept_forms(self) -> list[forms.ModelForm[Status]]:
        """The rows that will exist after saving: not deleted, not left blank."""
        return [
            form for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return  # the rows' own errors first; the counts below need clean rows
        kept = self.kept_forms()
        initial = [form for form in kept if form.cleaned_data.get("is_initial")]
        if len(initial) != 1:
            raise forms.ValidationError(
                gettext(
                    "Mark exactly one status as initial: new requests start in it "
                    "(%(count)d are marked now)."
                )
                % {"count": len(initial)},
                code="one_initial_status",
            )
        # A next status of another desk never gets here: `add_fields` offers only this desk's.

    def save(self, commit: bool = True) -> list[Status]:
        if commit and self.instance.pk:
            # The database allows one initial status per desk at any moment, so when the flag
            # moves from one status to another, clear it before the rows are saved one by one.
            chosen = [
                form.instance.pk
                for form in self.kept_forms()
                if form.cleaned_data.get("is_initial")
            ]
            Status.objects.filter(desk=self.instance, is_initial=True).exclude(
                pk__in=[pk for pk in chosen if pk]
            ).update(is_initial=False)
            configuration_changed()  # update() sends no post_save
        return super().save(commit)


class StatusInline(DeskAdminAccess, admin.TabularInline[Status, Desk]):
    model = Status
    form = StatusForm
    formset = StatusFormSet
    extra = 0
    ordering = ("position", "id")
    verbose_name_plural = _("statuses (the workflow: where requests can move from each status)")


# Request types and their forms ------------------------------------------------------------


class RequestTypeInlineForm(TranslationsFormMixin):
    translation_attributes = ("name", "description")

    class Meta:
        model = RequestType
        fields = ("position", "name", "kind", "default_team", "is_active")


class RequestTypeInline(
    ScopedChoicesInline, DeskAdminAccess, admin.TabularInline[RequestType, Desk]
):
    model = RequestType
    form = RequestTypeInlineForm
    extra = 0
    fields = ("position", "name", "kind", "default_team", "is_active")
    show_change_link = True
    ordering = ("position", "id")


class RequestFieldForm(TranslationsFormMixin):
    translation_attributes = ("label", "help_text")
    translation_mappings = ("options",)

    class Meta:
        model = RequestField
        fields = ("position", "key", "label", "field_type", "is_required", "help_text", "options",
                  "number_min", "number_max", "number_step", "translations")  # fmt: skip
        widgets = {
            "help_text": forms.TextInput(attrs={"size": 24}),
            "options": forms.Textarea(attrs={"rows": 2, "cols": 24}),
            "number_min": forms.NumberInput(attrs={"step": "any"}),
            "number_max": forms.NumberInput(attrs={"step": "any"}),
            "number_step": forms.NumberInput(attrs={"step": "any"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["options"].help_text = gettext(
            'The choices of a select field, as a JSON list: [{"value": "thinkpad", "label": '
            '"ThinkPad"}, ...], or simply ["ThinkPad", "MacBook"] (each its own value). Tickets '
            "store the value: change a label any time, keep the value. Their labels in other "
            'languages go in the translations: {"zh-hans": {"options": {"thinkpad": "…"}}}. '
            "Leave [] for other field types."
        )
        self.fields["number_min"].help_text = gettext("Number fields: the smallest value.")
        self.fields["number_max"].help_text = gettext("Number fields: the largest value.")
        self.fields["number_step"].help_text = gettext(
            "Number fields: values go in steps of this from the minimum (1 for whole numbers)."
        )

    def clean_options(self) -> list[dict[str, str]]:
        try:
            return normalize_options(self.cleaned_data.get("options"))
        except ValidationFailed as error:
            raise forms.ValidationError(str(error.message), code=error.code) from None

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        field_type = cleaned.get("field_type")
        options = cleaned.get("options")
        if field_type in SELECT_FIELD_TYPES and not options and "options" not in self.errors:
            self.add_error("options", gettext("A select field needs at least one choice."))
        elif field_type and field_type not in SELECT_FIELD_TYPES and options:
            self.add_error("options", gettext("Only select fields have choices; leave []."))
        self._check_option_translations(cleaned)
        self._check_number_bounds(cleaned)
        return cleaned

    def _check_option_translations(self, cleaned: dict[str, Any]) -> None:
        """Translated labels only for choices the field has."""
        translations = cleaned.get("translations") or {}
        values = {option["value"] for option in cleaned.get("options") or []}
        for language, texts in translations.items():
            unknown = sorted(set((texts or {}).get("options") or {}) - values)
            if unknown and "options" not in self.errors:
                self.add_error(
                    "translations",
                    gettext("%(language)s: no choice has the value %(values)s.")
                    % {"language": language, "values": ", ".join(unknown)},
                )

    def _check_number_bounds(self, cleaned: dict[str, Any]) -> None:
        names = ("number_min", "number_max", "number_step")
        given = [name for name in names if cleaned.get(name) is not None]
        if not given:
            return
        if cleaned.get("field_type") != FieldType.NUMBER:
            for name in given:
                self.add_error(name, gettext("Only number fields have bounds and a step."))
            return
        minimum, maximum = cleaned.get("number_min"), cleaned.get("number_max")
        if minimum is not None and maximum is not None and minimum > maximum:
            self.add_error("number_max", gettext("The maximum is below the minimum."))
        step = cleaned.get("number_step")
        if step is not None and step <= 0:
            self.add_error("number_step", gettext("The step must be more than 0."))


class RequestFieldInline(DeskAdminAccess, admin.TabularInline[RequestField, RequestType]):
    model = RequestField
    form = RequestFieldForm
    extra = 0
    ordering = ("position", "id")


class RequestTypeForm(TranslationsFormMixin):
    translation_attributes = ("name", "description")

    class Meta:
        model = RequestType
        fields = ("desk", "name", "description", "kind", "default_team", "is_active", "position",
                  "translations")  # fmt: skip


@admin.register(RequestType)
class RequestTypeAdmin(DeskScopedAccess, admin.ModelAdmin[RequestType]):
    form = RequestTypeForm
    list_display = ("name", "desk", "kind", "default_team", "is_active", "position",
                    "field_count")  # fmt: skip
    list_filter = (("desk", admin.RelatedOnlyFieldListFilter), "kind", "is_active")
    list_select_related = ("desk", "default_team")
    search_fields = ("name", "desk__key", "desk__name")
    ordering = ("desk__position", "desk__key", "position", "id")
    inlines = (RequestFieldInline,)
    fieldsets = (
        (None, {"fields": ("desk", "name", "description", "kind")}),
        (
            _("Handling"),
            {
                "fields": ("default_team", "is_active", "position"),
                "description": _(
                    "New requests of this type go to the default team; inactive types are "
                    "hidden from the help center. Lower positions are listed first."
                ),
            },
        ),
        (_("Other languages"), {"fields": ("translations",)}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[RequestType]:
        return super().get_queryset(request).annotate(field_count=Count("fields"))

    def get_readonly_fields(self, request: HttpRequest, obj: RequestType | None = None) -> Any:
        # Its tickets belong to its desk: moving the type would split them across two desks.
        return ("desk",) if obj is not None else ()

    @admin.display(description=_("form fields"), ordering="field_count")
    def field_count(self, obj: RequestType) -> int:
        return int(getattr(obj, "field_count", 0))


# Desks ------------------------------------------------------------------------------------


class DeskForm(TranslationsFormMixin):
    translation_attributes = ("name", "description")

    class Meta:
        model = Desk
        fields = ("key", "name", "description", "teams", "is_active", "position",
                  "reopen_on_customer_reply", "customer_reply_status", "translations")  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        chosen = self.fields.get("customer_reply_status")
        if isinstance(chosen, forms.ModelChoiceField):
            # Only this desk's statuses, and only those a request is worked on in.
            chosen.queryset = (
                Status.objects.filter(desk=self.instance, category__in=REOPEN_CATEGORIES).order_by(
                    "position", "id"
                )
                if self.instance.pk
                else Status.objects.none()
            )

    # The teams of the desk admin filling the form in (None: a site admin), set by DeskAdmin.
    own_team_ids: frozenset[int] | None = None

    def clean_key(self) -> str:
        return str(self.cleaned_data.get("key") or "").strip().upper()

    def clean_teams(self) -> Any:
        teams = self.cleaned_data.get("teams")
        own = self.own_team_ids
        if own is not None and not {team.pk for team in teams or []} & own:
            # Without one of their teams the desk would leave the admin's reach as it is saved.
            raise forms.ValidationError(
                gettext(
                    "Keep at least one of your own teams on the desk: you configure only the "
                    "desks your teams serve."
                ),
                code="own_team_required",
            )
        return teams

    def clean_customer_reply_status(self) -> Status | None:
        # The field offers only this desk's statuses; a posted id of another desk's status, or
        # of a waiting or done one, is refused by the choices. Say why in words all the same.
        status = self.cleaned_data.get("customer_reply_status")
        if status is not None and (
            status.desk_id != self.instance.pk or status.category not in REOPEN_CATEGORIES
        ):
            raise forms.ValidationError(
                gettext("Choose a status of this desk of category New or In progress."),
                code="invalid_customer_reply_status",
            )
        return status


def _default_workflow_description() -> str:
    names = ", ".join(
        translated_value({"zh-hans": {"name": chinese}}, "name", english)
        for _key, english, chinese, *_rest in DEFAULT_WORKFLOW
    )
    return gettext(
        "A new desk starts with the default workflow (%(statuses)s). "
        "Change its statuses after saving."
    ) % {"statuses": names}


@admin.register(Desk)
class DeskAdmin(DeskScopedAccess, admin.ModelAdmin[Desk]):
    form = DeskForm
    desk_path = "id"
    list_display = ("key", "name", "is_active", "position", "status_count",
                    "request_type_count")  # fmt: skip
    list_filter = ("is_active", ("teams", admin.RelatedOnlyFieldListFilter))
    search_fields = ("key", "name")
    ordering = ("position", "key")
    filter_horizontal = ("teams",)
    inlines = (StatusInline, RequestTypeInline)

    def get_fieldsets(self, request: HttpRequest, obj: Desk | None = None) -> Any:
        first: dict[str, Any] = {"fields": ("key", "name", "description")}
        if obj is None:
            first["description"] = _default_workflow_description()
        else:
            first["fields"] = ("key", "name", "description", "last_ticket_number")
        return (
            (None, first),
            (
                _("Service"),
                {
                    "fields": ("teams", "is_active", "position"),
                    "description": _(
                        "Agents of these teams work on the desk's requests. Inactive desks are "
                        "hidden from the help center. Lower positions are listed first."
                    ),
                },
            ),
            (
                _("Customer replies"),
                {
                    "fields": ("reopen_on_customer_reply",)
                    if obj is None
                    else ("reopen_on_customer_reply", "customer_reply_status"),
                    "description": _(
                        "A public reply by the customer to a request waiting for them can move "
                        "it back to work, whatever the workflow allows customers; the assignee "
                        "(or the team) is told in their notifications either way."
                    ),
                },
            ),
            (_("Other languages"), {"fields": ("translations",)}),
        )

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        return type(form.__name__, (form,), {"own_team_ids": own_team_ids(request)})

    def formfield_for_manytomany(
        self, db_field: Any, request: HttpRequest, **kwargs: Any
    ) -> forms.ModelMultipleChoiceField | None:
        if db_field.name == "teams":
            kwargs["queryset"] = offered_teams(request)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Desk | None = None) -> Any:
        # The key starts every ticket key (IT-42), so it stays once tickets may exist.
        return ("key", "last_ticket_number") if obj is not None else ()

    def get_inlines(self, request: HttpRequest, obj: Desk | None) -> Any:
        # A new desk gets the default workflow from desk_create; its statuses are edited after.
        return self.inlines if obj is not None else (RequestTypeInline,)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Desk]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                status_count=Count("statuses", distinct=True),
                request_type_count=Count("request_types", distinct=True),
            )
        )

    @admin.display(description=_("statuses"), ordering="status_count")
    def status_count(self, obj: Desk) -> int:
        return int(getattr(obj, "status_count", 0))

    @admin.display(description=_("request types"), ordering="request_type_count")
    def request_type_count(self, obj: Desk) -> int:
        return int(getattr(obj, "request_type_count", 0))

    def save_model(self, request: HttpRequest, obj: Desk, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        # The same action as the API and the demo, so a desk made here has the default
        # workflow. The admin goes on with `obj` (teams, inlines, log), so it becomes that row.
        desk = desk_create(
            key=obj.key,
            name=obj.name,
            description=obj.description,
            translations=obj.translations,
            position=obj.position,
        )
        obj.pk = desk.pk
        obj.key = desk.key
        obj.created_at = desk.created_at
        obj._state.adding = False
        obj._state.db = desk._state.db
        changed = [
            name
            for name in ("is_active", "reopen_on_customer_reply")
            if getattr(obj, name) != getattr(desk, name)
        ]
        if changed:
            obj.save(update_fields=changed)


# Short links ------------------------------------------------------------------------------


class ShortLinkForm(forms.ModelForm[ShortLink]):
    class Meta:
        model = ShortLink
        fields = ("slug", "desk", "request_type")

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        desk = cleaned.get("desk")
        request_type = cleaned.get("request_type")
        if desk is not None and request_type is not None and request_type.desk_id != desk.pk:
            self.add_error(
                "request_type",
                gettext("%(request_type)s is a form of another desk (%(desk)s).")
                % {"request_type": request_type, "desk": request_type.desk.key},
            )
        return cleaned


@admin.register(ShortLink)
class ShortLinkAdmin(DeskScopedAccess, admin.ModelAdmin[ShortLink]):
    form = ShortLinkForm
    list_display = ("__str__", "desk", "request_type", "created_at")
    list_filter = (("desk", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("desk", "request_type")
    autocomplete_fields = ("request_type",)
    search_fields = ("slug", "desk__key", "request_type__name")
    ordering = ("slug",)
    fields = ("slug", "desk", "request_type")
