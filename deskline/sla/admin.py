"""Configuration screens for desk admins: business calendars, and each desk's SLA metrics with
their goals.

The forms check every value with the same functions the actions use (`calendar_clean`,
`metric_validate`, `goal_validate`), so a mistake shows next to its field and the screens cannot
save what the API would refuse; the rows are then written by the actions themselves.

A desk admin sees the metrics of the desks their teams serve (desks.admin_scope), and the
calendars those desks use or no desk uses yet; they change a calendar only while no other desk
uses it (by a goal or a running cycle). A site admin sees and changes everything.
"""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count, Q, QuerySet
from django.forms.fields import InvalidJSONInput
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from deskline.core.admin_site import DeskAdminAccess, TranslationsFormMixin
from deskline.core.errors import ValidationFailed
from deskline.desks.admin_scope import (
    DeskScopedAccess,
    ScopedChoicesInline,
    administered_desk_ids,
    not_found,
)
from deskline.sla.actions import (
    CALENDAR_ATTRIBUTES,
    GOAL_ATTRIBUTES,
    MAX_JSON_DEPTH,
    METRIC_ATTRIBUTES,
    PRIORITIES,
    calendar_clean,
    calendar_delete,
    calendar_save,
    goal_validate,
    is_nested_deeper_than,
    metric_delete,
    metric_save,
    metric_validate,
)
from deskline.sla.conditions import (
    EVENTS_WITH_CATEGORY,
    EVENTS_WITH_STATUS,
    EVENTS_WITHOUT_VALUE,
)
from deskline.sla.models import Calendar, Cycle, Goal, Metric


class BoundedJSONField(forms.JSONField):
    """Django's JSON box, where JSON nested too deeply or a number with too many digits is
    invalid input like any other malformed JSON, not a 500 (Python's parser raises
    RecursionError and ValueError for those, which Django's field lets through)."""

    def _load(self, text: str) -> Any:
        """The JSON of `text`; ValueError when it cannot be, or is nested too deeply."""
        try:
            value = json.loads(text, cls=self.decoder)
        except RecursionError:
            raise ValueError("nested too deeply") from None
        if is_nested_deeper_than(value, MAX_JSON_DEPTH):
            raise ValueError("nested too deeply")
        return value

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and not self.disabled and value not in self.empty_values:
            try:
                self._load(value)
            except ValueError:  # json.JSONDecodeError is one too
                raise forms.ValidationError(
                    self.error_messages["invalid"], code="invalid", params={"value": value}
                ) from None
        return super().to_python(value)

    def bound_data(self, data: Any, initial: Any) -> Any:
        if isinstance(data, str) and not self.disabled:
            try:
                self._load(data)
            except ValueError:  # shown again as typed, with the error
                return InvalidJSONInput(data)
        return super().bound_data(data, initial)


def _add_errors(form: forms.BaseForm, error: ValidationFailed, prefix: str = "") -> None:
    """Show a domain error's messages next to the form's fields (the rest above the form)."""
    if not error.fields:
        form.add_error(None, str(error.message))
    for name, messages in error.fields.items():
        field = name.removeprefix(prefix)
        target = field if field in form.fields and field not in form.errors else None
        for message in messages:
            form.add_error(target, str(message))


# Calendars --------------------------------------------------------------------------------


class CalendarForm(TranslationsFormMixin):
    translation_attributes = ("name",)

    class Meta:
        model = Calendar
        fields = (*CALENDAR_ATTRIBUTES, "translations")
        field_classes = dict.fromkeys(("hours", "holidays", "workdays"), BoundedJSONField)
        widgets = {
            "hours": forms.Textarea(attrs={"rows": 4, "cols": 60}),
            "holidays": forms.Textarea(attrs={"rows": 2, "cols": 60}),
            "workdays": forms.Textarea(attrs={"rows": 2, "cols": 60}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        help_texts = {
            "time_zone": gettext("A time zone name such as Asia/Shanghai, Europe/Berlin or UTC."),
            "country": gettext(
                "Public holidays of this country are days off, e.g. CN, DE, US; leave empty for "
                "none."
            ),
            "subdivision": gettext(
                "A region with its own holidays, e.g. BY for Bavaria in DE; usually empty."
            ),
            "holidays": gettext(
                'Extra days off as a JSON list: ["2026-12-24"], or part of a day: '
                '[{"date": "2026-12-31", "start": "12:00", "end": "24:00"}].'
            ),
            "workdays": gettext(
                'Extra working days (with Monday\'s hours) as a JSON list: ["2026-02-14"].'
            ),
            "is_always": gettext(
                "Around the clock, every day: working hours and holidays are then ignored."
            ),
        }
        # A calendar another desk uses is shown read-only: the form then has no fields.
        for name, text in help_texts.items():
            if name in self.fields:
                self.fields[name].help_text = text
        for name in ("hours", "holidays", "workdays"):
            if name in self.fields:
                self.fields[name].required = False

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if self.errors:
            return cleaned  # the fields' own errors first
        data = {name: cleaned.get(name) for name in CALENDAR_ATTRIBUTES}
        try:
            # A stand-in row, so that the name check skips this calendar and the form's
            # instance is left to ModelForm.
            checked = calendar_clean(data=data, calendar=Calendar(pk=self.instance.pk))
        except ValidationFailed as error:
            _add_errors(self, error)
            return cleaned
        cleaned.update({name: getattr(checked, name) for name in CALENDAR_ATTRIBUTES})
        return cleaned


def _calendar_users(desk_ids: Any, *, among: bool) -> Q:
    """Calendars that a goal or a running cycle of these desks uses (of other desks than these,
    with `among=False`)."""
    goals = Goal.objects.all()
    cycles = Cycle.objects.filter(stopped_at__isnull=True, calendar__isnull=False)
    if desk_ids is not None:
        if among:
            goals = goals.filter(metric__desk_id__in=desk_ids)
            cycles = cycles.filter(metric__desk_id__in=desk_ids)
        else:
            goals = goals.exclude(metric__desk_id__in=desk_ids)
            cycles = cycles.exclude(metric__desk_id__in=desk_ids)
    return Q(pk__in=goals.values("calendar_id")) | Q(pk__in=cycles.values("calendar_id"))


def visible_calendars(request: HttpRequest, calendars: QuerySet[Calendar]) -> QuerySet[Calendar]:
    """The calendars the admin's desks use, and those no desk uses yet (a site admin: all)."""
    ids = administered_desk_ids(request)
    if ids is None:
        return calendars
    mine = sorted(ids)
    return calendars.filter(_calendar_users(mine, among=True) | ~_calendar_users(None, among=True))


def is_used_by_other_desks(request: HttpRequest, calendar: Calendar) -> bool:
    ids = administered_desk_ids(request)
    if ids is None:
        return False
    return Calendar.objects.filter(
        _calendar_users(sorted(ids), among=False), pk=calendar.pk
    ).exists()


@admin.register(Calendar)
class CalendarAdmin(DeskAdminAccess, admin.ModelAdmin[Calendar]):
    form = CalendarForm
    list_display = ("name", "time_zone", "country", "is_always", "goal_count")
    list_filter = ("is_always", "country")
    search_fields = ("name", "time_zone", "country")
    ordering = ("name",)
    fieldsets = (
        (None, {"fields": ("name", "time_zone", "is_always")}),
        (
            _("Working hours"),
            {
                "fields": ("hours",),
                "description": _(
                    'Weekday (0 = Monday ... 6 = Sunday) to working intervals, as JSON: {"0": '
                    '[["09:00", "12:00"], ["13:00", "18:00"]], "1": [["09:00", "18:00"]]}. '
                    "An interval that ends before it starts runs overnight."
                ),
            },
        ),
        (_("Holidays"), {"fields": ("country", "subdivision", "holidays", "workdays")}),
        (_("Other languages"), {"fields": ("translations",)}),
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet[Calendar]:
        return visible_calendars(request, super().get_queryset(request)).annotate(
            goal_count=Count("goals")
        )

    def get_object(self, request: HttpRequest, object_id: str, from_field: Any = None) -> Any:
        found = super().get_object(request, object_id, from_field)
        if found is None:
            raise not_found()
        return found

    def has_change_permission(self, request: HttpRequest, obj: Calendar | None = None) -> bool:
        if obj is not None and is_used_by_other_desks(request, obj):
            return False  # another desk's service levels count on it: view only
        return super().has_change_permission(request, obj)

    @admin.display(description=_("goals"), ordering="goal_count")
    def goal_count(self, obj: Calendar) -> int:
        return int(getattr(obj, "goal_count", 0))

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # Deleting goes through `calendar_delete` one calendar at a time, which refuses a
        # calendar in use; the bulk action would not.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request: HttpRequest, obj: Calendar | None = None) -> bool:
        if obj is not None and (
            obj.goals.exists() or obj.cycle_set.filter(stopped_at__isnull=True).exists()
        ):
            return False  # in use: the action would refuse
        return super().has_delete_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Calendar, form: Any, change: bool) -> None:
        data = {name: form.cleaned_data[name] for name in CALENDAR_ATTRIBUTES}
        data["translations"] = form.cleaned_data.get("translations") or {}
        calendar_save(
            actor=request.user,  # type: ignore[arg-type]  # a signed-in admin
            data=data,
            calendar=obj,
        )

    def delete_model(self, request: HttpRequest, obj: Calendar) -> None:
        calendar_delete(actor=request.user, calendar=obj)  # type: ignore[arg-type]  # a signed-in admin


# Metrics and their goals ------------------------------------------------------------------


def _conditions_help() -> str:
    return gettext(
        'Conditions as a JSON list, e.g. ["created", "status_entered:open"]. Events: '
        "%(events)s; with a status key: %(status)s; with a status category (new, in_progress, "
        "waiting, done): %(category)s. Pause conditions are states: status:<key> or "
        "category:<category>."
    ) % {
        "events": ", ".join(EVENTS_WITHOUT_VALUE),
        "status": ", ".join(EVENTS_WITH_STATUS),
        "category": ", ".join(EVENTS_WITH_CATEGORY),
    }


class MetricForm(TranslationsFormMixin):
    translation_attributes = ("name",)

    class Meta:
        model = Metric
        fields = ("desk", *METRIC_ATTRIBUTES)
        field_classes = dict.fromkeys(
            ("start_on", "pause_on", "stop_on", "translations"), BoundedJSONField
        )
        widgets = {
            "start_on": forms.Textarea(attrs={"rows": 2, "cols": 60}),
            "pause_on": forms.Textarea(attrs={"rows": 2, "cols": 60}),
            "stop_on": forms.Textarea(attrs={"rows": 2, "cols": 60}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("start_on", "pause_on", "stop_on"):
            if name in self.fields:
                self.fields[name].help_text = _conditions_help()
                self.fields[name].required = False  # metric_validate names what is missing

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        desk = cleaned.get("desk") or (self.instance.desk if self.instance.desk_id else None)
        if desk is None or self.errors:
            return cleaned
        data = {name: cleaned[name] for name in METRIC_ATTRIBUTES if name in cleaned}
        for name in ("start_on", "pause_on", "stop_on"):
            if name in data and data[name] is None:  # an empty box: no conditions
                data[name] = []
        try:
            checked = metric_validate(
                desk=desk, data=data, metric=self.instance if self.instance.pk else None
            )
        except ValidationFailed as error:
            _add_errors(self, error)
            return cleaned
        cleaned.update(checked)
        return cleaned


def _priority_choices() -> list[tuple[str, Any]]:
    """The priorities with the tickets' own translated labels ("Critical", ...); `sla` sits
    below `tickets` in the layers, so the Ticket model is reached through the cycles' key."""
    ticket = Cycle._meta.get_field("ticket").related_model
    assert isinstance(ticket, type)  # a model class, not "self"
    priority = ticket._meta.get_field("priority")
    assert isinstance(priority, models.Field)
    labels = dict(priority.choices or ())
    return [("", _("any")), *((p, labels.get(p, p)) for p in PRIORITIES)]


class GoalForm(forms.ModelForm[Goal]):
    priority = forms.ChoiceField(label=_("priority"), required=False, choices=_priority_choices)

    class Meta:
        model = Goal
        fields = ("position", *GOAL_ATTRIBUTES)
        widgets = {
            "label": forms.TextInput(attrs={"size": 10}),
            "field_key": forms.TextInput(attrs={"size": 10}),
            "field_value": forms.TextInput(attrs={"size": 12}),
        }

    def clean_target_minutes(self) -> int | None:
        target = self.cleaned_data.get("target_minutes")
        if target is not None and target <= 0:
            raise forms.ValidationError(
                gettext("Give the target as a positive number of business minutes."),
                code="invalid_target",
            )
        return target


class GoalFormSet(BaseInlineFormSet[Goal, Metric, forms.ModelForm[Goal]]):
    """A metric's goals, checked with `goal_validate` against the metric's desk."""

    def add_fields(self, form: forms.ModelForm[Goal], index: int | None) -> None:
        super().add_fields(form, index)
        if self.instance.desk_id:
            request_type = form.fields["request_type"]
            assert isinstance(request_type, forms.ModelChoiceField)
            request_type.queryset = self.instance.desk.request_types.order_by("position", "id")

    def kept_forms(self) -> list[forms.ModelForm[Goal]]:
        """The goals that will exist after saving, in order."""
        kept = [
            form for form in self.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        return sorted(kept, key=lambda form: form.cleaned_data.get("position") or 0)

    def goal_data(self) -> list[dict[str, Any]]:
        return [
            {name: form.cleaned_data.get(name) for name in GOAL_ATTRIBUTES}
            for form in self.kept_forms()
        ]

    def clean(self) -> None:
        super().clean()
        if any(self.errors) or not self.instance.desk_id:
            return  # the rows' own errors first; without a desk the main form shows an error
        for index, form in enumerate(self.kept_forms()):
            data = {name: form.cleaned_data.get(name) for name in GOAL_ATTRIBUTES}
            try:
                goal_validate(desk=self.instance.desk, index=index, data=data)
            except ValidationFailed as error:
                _add_errors(form, error, prefix=f"goals.{index}.")


class GoalInline(ScopedChoicesInline, DeskAdminAccess, admin.TabularInline[Goal, Metric]):
    model = Goal
    form = GoalForm
    formset = GoalFormSet
    extra = 1
    ordering = ("position", "id")
    verbose_name_plural = _("goals (the first goal whose conditions all hold is the ticket's)")

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "calendar":
            kwargs["queryset"] = visible_calendars(request, Calendar.objects.order_by("name"))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Metric)
class MetricAdmin(DeskScopedAccess, admin.ModelAdmin[Metric]):
    form = MetricForm
    list_display = ("name", "desk", "position", "is_active", "is_shown_to_customers",
                    "goal_count")  # fmt: skip
    list_filter = (("desk", admin.RelatedOnlyFieldListFilter), "is_active",
                   "is_shown_to_customers")  # fmt: skip
    list_select_related = ("desk",)
    search_fields = ("name", "desk__key", "desk__name")
    ordering = ("desk__position", "desk__key", "position", "id")
    inlines = (GoalInline,)
    fieldsets = (
        (None, {"fields": ("desk", "name", "position", "is_active", "is_shown_to_customers")}),
        (_("When the clock runs"), {"fields": ("start_on", "pause_on", "stop_on")}),
        (
            _("Warning"),
            {
                "fields": ("warning_minutes", "warning_percent"),
                "description": _("Warn by minutes left or by percent left, not both."),
            },
        ),
        (_("Other languages"), {"fields": ("translations",)}),
    )

    def get_readonly_fields(self, request: HttpRequest, obj: Metric | None = None) -> Any:
        # Its goals and conditions name the desk's request types and statuses.
        return ("desk",) if obj is not None else ()

    def get_queryset(self, request: HttpRequest) -> QuerySet[Metric]:
        return super().get_queryset(request).annotate(goal_count=Count("goals"))

    @admin.display(description=_("goals"), ordering="goal_count")
    def goal_count(self, obj: Metric) -> int:
        return int(getattr(obj, "goal_count", 0))

    def save_model(self, request: HttpRequest, obj: Metric, form: Any, change: bool) -> None:
        # Written with its goals by `metric_save` in save_related, once the goals are known.
        pass

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        goals_formset = next(f for f in formsets if isinstance(f, GoalFormSet))
        obj: Metric = form.instance
        data = {name: form.cleaned_data[name] for name in METRIC_ATTRIBUTES}
        # Unchanged goals stay the same rows (running cycles keep pointing at them).
        goals = goals_formset.goal_data() if goals_formset.has_changed() or not change else None
        metric = metric_save(
            actor=request.user,  # type: ignore[arg-type]  # a signed-in admin
            desk=obj.desk,
            data=data,
            goals=goals,
            metric=obj if change else None,
        )
        # The admin goes on with `obj` (its log entry, the redirect), so it becomes that row.
        obj.pk = metric.pk
        obj.position = metric.position
        obj._state.adding = False
        obj._state.db = metric._state.db
        # The formset did not save its rows itself: the change message lists none of them.
        goals_formset.new_objects = []
        goals_formset.changed_objects = []
        goals_formset.deleted_objects = []

    def delete_model(self, request: HttpRequest, obj: Metric) -> None:
        metric_delete(actor=request.user, metric=obj)  # type: ignore[arg-type]  # a signed-in admin

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Metric]) -> None:
        for metric in queryset:
            metric_delete(actor=request.user, metric=metric)  # type: ignore[arg-type]  # a signed-in admin
