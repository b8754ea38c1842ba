"""A desk admin configures desks, statuses, request types, forms and short links in the admin."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from deskline.accounts.models import Role, User
from deskline.desks.models import Desk, RequestField, RequestType, ShortLink, Status
from deskline.testing.admin_forms import form_data, signed_in
from deskline.testing.factories import make_ticket, make_user
from deskline.testing.scenario import Helpdesk

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk_admin(helpdesk: Helpdesk) -> User:
    # Dana configures the desks her teams serve.
    return make_user(
        role=Role.DESK_ADMIN,
        email="dana@deskline.example",
        display_name="Dana",
        teams=[helpdesk.frontline],
    )


@pytest.fixture
def client_as_desk_admin(desk_admin: User) -> Client:
    return signed_in(desk_admin)


def status_rows(desk: Desk) -> list[tuple[Any, ...]]:
    """Everything stored about a desk's workflow, to show that a refused save changed nothing."""
    return [
        (
            status.key,
            status.name,
            status.category,
            status.position,
            status.is_initial,
            status.translations,
            sorted(status.next_statuses.values_list("key", flat=True)),
        )
        for status in Status.objects.filter(desk=desk).order_by("position", "id")
    ]


def status_prefix(data: dict[str, Any], key: str) -> str:
    """The form prefix of the status row whose key is `key`, e.g. "statuses-0"."""
    for name, value in data.items():
        if name.startswith("statuses-") and name.endswith("-key") and value == key:
            return name.removesuffix("-key")
    raise AssertionError(f"no status row {key}")


def errors_of(response: Any) -> str:
    """Every error the page shows: the main form's and each inline row's and formset's."""
    found = [str(response.context["adminform"].form.errors)]
    for inline in response.context["inline_admin_formsets"]:
        found += [str(errors) for errors in inline.formset.errors if errors]
        found += [str(error) for error in inline.formset.non_form_errors()]
    return " ".join(found)


def test_a_desk_admin_opens_every_desk_screen(client_as_desk_admin: Client, helpdesk: Helpdesk):
    pages = [
        reverse("admin:index"),
        reverse("admin:desks_desk_changelist"),
        reverse("admin:desks_desk_add"),
        reverse("admin:desks_desk_change", args=[helpdesk.it.pk]),
        reverse("admin:desks_requesttype_changelist"),
        reverse("admin:desks_requesttype_add"),
        reverse("admin:desks_requesttype_change", args=[helpdesk.laptop.pk]),
        reverse("admin:desks_shortlink_changelist"),
        reverse("admin:desks_shortlink_add"),
        reverse("admin:tickets_ticket_changelist"),
        reverse("admin:tickets_label_changelist"),
    ]

    for page in pages:
        assert client_as_desk_admin.get(page).status_code == 200, page

    desks = client_as_desk_admin.get(reverse("admin:desks_desk_changelist"))
    assert [desk.key for desk in desks.context["cl"].result_list] == ["IT"]
    assert desks.context["cl"].result_list[0].status_count == 5


def test_the_change_form_shows_statuses_and_fields_in_order(
    client_as_desk_admin: Client, helpdesk: Helpdesk
):
    desk_page = client_as_desk_admin.get(reverse("admin:desks_desk_change", args=[helpdesk.it.pk]))
    type_page = client_as_desk_admin.get(
        reverse("admin:desks_requesttype_change", args=[helpdesk.laptop.pk])
    )

    statuses = desk_page.context["inline_admin_formsets"][0].formset
    assert [form.instance.key for form in statuses.forms] == [
        "open",
        "in_progress",
        "waiting_for_customer",
        "resolved",
        "closed",
    ]
    offered = statuses.forms[0].fields["next_statuses"].queryset
    assert set(offered.values_list("desk_id", flat=True)) == {helpdesk.it.pk}
    fields = type_page.context["inline_admin_formsets"][0].formset
    assert [form.instance.key for form in fields.forms][:3] == ["asset_tag", "details", "quantity"]
    assert escape('{"zh-hans": {"name": "…", "customer_name": "…"}}') in desk_page.content.decode()


def test_a_new_desk_gets_the_default_workflow(client_as_desk_admin: Client, helpdesk: Helpdesk):
    add_page = client_as_desk_admin.get(reverse("admin:desks_desk_add"))
    data = form_data(add_page)
    data.update(
        key="fac",
        name="Facilities",
        teams=[str(helpdesk.frontline.pk)],
        translations='{"zh-hans": {"name": "后勤"}}',
        position="3",
    )

    response = client_as_desk_admin.post(reverse("admin:desks_desk_add"), data)

    assert response.status_code == 302, errors_of(response)
    desk = Desk.objects.get(key="FAC")
    assert desk.translated("name", "zh-hans") == "后勤"
    assert list(desk.teams.all()) == [helpdesk.frontline]
    assert desk.position == 3
    assert [row[0] for row in status_rows(desk)] == [
        "open",
        "in_progress",
        "waiting_for_customer",
        "resolved",
        "closed",
    ]
    assert Status.objects.get(desk=desk, is_initial=True).key == "open"


def test_the_new_desk_page_names_the_default_statuses_in_the_readers_language(
    client_as_desk_admin: Client,
):
    page = client_as_desk_admin.get(
        reverse("admin:desks_desk_add"), headers={"accept-language": "zh-hans"}
    )

    text = page.content.decode()
    assert "待处理, 处理中, 等待客户, 已解决, 已关闭" in text
    assert "Waiting for customer" not in text


def test_a_desk_admin_edits_a_desks_statuses_inline(
    client_as_desk_admin: Client, helpdesk: Helpdesk
):
    url = reverse("admin:desks_desk_change", args=[helpdesk.it.pk])
    data = form_data(client_as_desk_admin.get(url))
    open_row = status_prefix(data, "open")
    waiting_row = status_prefix(data, "waiting_for_customer")
    progress_row = status_prefix(data, "in_progress")
    closed = Status.objects.get(desk=helpdesk.it, key="closed")
    # Move the initial flag to "In progress", rename "Waiting", let "Waiting" close requests.
    del data[f"{open_row}-is_initial"]
    data[f"{progress_row}-is_initial"] = "on"
    data[f"{waiting_row}-name"] = "Waiting for you"
    data[f"{waiting_row}-translations"] = '{"zh-hans": {"name": "等待您的回复"}}'
    data[f"{waiting_row}-next_statuses"] = [*data[f"{waiting_row}-next_statuses"], str(closed.pk)]

    response = client_as_desk_admin.post(url, data)

    assert response.status_code == 302, errors_of(response)
    waiting = Status.objects.get(desk=helpdesk.it, key="waiting_for_customer")
    assert waiting.name == "Waiting for you"
    assert waiting.translated("name", "zh-hans") == "等待您的回复"
    assert sorted(waiting.next_statuses.values_list("key", flat=True)) == [
        "closed",
        "in_progress",
        "resolved",
    ]
    assert list(Status.objects.filter(is_initial=True, desk=helpdesk.it)) == [
        Status.objects.get(desk=helpdesk.it, key="in_progress")
    ]


def test_a_new_status_can_take_the_initial_flag(client_as_desk_admin: Client, helpdesk: Helpdesk):
    url = reverse("admin:desks_desk_change", args=[helpdesk.it.pk])
    data = form_data(client_as_desk_admin.get(url))
    del data[f"{status_prefix(data, 'open')}-is_initial"]
    data["statuses-TOTAL_FORMS"] = "6"
    data.update(
        {
            "statuses-5-key": "triage",
            "statuses-5-name": "Triage",
            "statuses-5-category": "new",
            "statuses-5-position": "0",
            "statuses-5-is_initial": "on",
            "statuses-5-translations": "{}",
            "statuses-5-desk": str(helpdesk.it.pk),
        }
    )

    response = client_as_desk_admin.post(url, data)

    assert response.status_code == 302, errors_of(response)
    assert Status.objects.get(desk=helpdesk.it, is_initial=True).key == "triage"


def _second_initial(data: dict[str, Any], helpdesk: Helpdesk) -> None:
    data[f"{status_prefix(data, 'closed')}-is_initial"] = "on"


def _no_initial(data: dict[str, Any], helpdesk: Helpdesk) -> None:
    del data[f"{status_prefix(data, 'open')}-is_initial"]


def _next_status_of_another_desk(data: dict[str, Any], helpdesk: Helpdesk) -> None:
    hr_open = Status.objects.get(desk=helpdesk.hr, key="open")
    data[f"{status_prefix(data, 'open')}-next_statuses"] = [str(hr_open.pk)]


def _duplicate_key(data: dict[str, Any], helpdesk: Helpdesk) -> None:
    data[f"{status_prefix(data, 'closed')}-key"] = "resolved"
    data[f"{status_prefix(data, 'open')}-name"] = "Renamed, but never saved"


def _malformed_translations(data: dict[str, Any], helpdesk: Helpdesk) -> None:
    data[f"{status_prefix(data, 'open')}-translations"] = '{"zh-hans": "待处理"}'


def _unknown_language(data: dict[str, Any], helpdesk: Helpdesk) -> None:
    data[f"{status_prefix(data, 'open')}-translations"] = '{"fr": {"name": "Ouvert"}}'


def _key_that_is_not_a_slug(data: dict[str, Any], helpdesk: Helpdesk) -> None:
    data[f"{status_prefix(data, 'open')}-key"] = "Not a slug!"


@pytest.mark.parametrize(
    ("break_the_form", "message"),
    [
        (_second_initial, "Mark exactly one status as initial"),
        (_no_initial, "Mark exactly one status as initial"),
        (_next_status_of_another_desk, "Select a valid choice"),
        (_duplicate_key, "Please correct the duplicate data for key"),
        (_malformed_translations, "must be an object"),
        (_unknown_language, "Unknown language fr"),
        (_key_that_is_not_a_slug, "Enter a valid “slug”"),
    ],
)
def test_invalid_statuses_show_errors_and_save_nothing(
    client_as_desk_admin: Client, helpdesk: Helpdesk, break_the_form: Any, message: str
):
    url = reverse("admin:desks_desk_change", args=[helpdesk.it.pk])
    data = form_data(client_as_desk_admin.get(url))
    data["name"] = "IT help renamed"
    before = status_rows(helpdesk.it)
    break_the_form(data, helpdesk)

    response = client_as_desk_admin.post(url, data)

    assert response.status_code == 200
    assert message in errors_of(response)
    assert status_rows(helpdesk.it) == before
    assert Desk.objects.get(pk=helpdesk.it.pk).name == "IT help"


def test_a_status_with_tickets_cannot_be_deleted(client_as_desk_admin: Client, helpdesk: Helpdesk):
    make_ticket(desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset)
    url = reverse("admin:desks_desk_change", args=[helpdesk.it.pk])
    data = form_data(client_as_desk_admin.get(url))
    data[f"{status_prefix(data, 'open')}-DELETE"] = "on"
    data[f"{status_prefix(data, 'in_progress')}-is_initial"] = "on"
    before = status_rows(helpdesk.it)

    response = client_as_desk_admin.post(url, data)

    assert response.status_code == 200
    assert "protected related objects" in errors_of(response)
    assert status_rows(helpdesk.it) == before


def test_a_desk_admin_adds_a_request_type_with_two_fields(
    client_as_desk_admin: Client, helpdesk: Helpdesk
):
    url = reverse("admin:desks_requesttype_add")
    data = form_data(client_as_desk_admin.get(url))
    data.update(
        {
            "desk": str(helpdesk.it.pk),
            "name": "New monitor",
            "kind": "service_request",
            "default_team": str(helpdesk.frontline.pk),
            "is_active": "on",
            "position": "5",
            "translations": '{"zh-hans": {"name": "新显示器"}}',
            "fields-TOTAL_FORMS": "2",
            "fields-0-position": "1",
            "fields-0-key": "size",
            "fields-0-label": "Size",
            "fields-0-field_type": "single_select",
            "fields-0-is_required": "on",
            "fields-0-options": '["24 inch", "27 inch"]',
            "fields-0-translations": '{"zh-hans": {"label": "尺寸"}}',
            "fields-1-position": "0",
            "fields-1-key": "reason",
            "fields-1-label": "Reason",
            "fields-1-field_type": "long_text",
            "fields-1-help_text": "Why do you need it?",
            "fields-1-options": "[]",
            "fields-1-translations": "{}",
        }
    )

    response = client_as_desk_admin.post(url, data)

    assert response.status_code == 302, errors_of(response)
    monitor = RequestType.objects.get(desk=helpdesk.it, name="New monitor")
    assert monitor.translated("name", "zh-hans") == "新显示器"
    fields = list(monitor.fields.order_by("position"))
    assert [(f.key, f.field_type, f.is_required, f.options) for f in fields] == [
        ("reason", "long_text", False, []),
        (
            "size",
            "single_select",
            True,
            [{"value": "24 inch", "label": "24 inch"}, {"value": "27 inch", "label": "27 inch"}],
        ),
    ]
    assert fields[1].translated("label", "zh-hans") == "尺寸"
    assert fields[0].help_text == "Why do you need it?"


def _select_without_options(data: dict[str, Any]) -> None:
    data["fields-1-field_type"] = "multi_select"
    data["fields-1-options"] = "[]"


def _options_on_a_text_field(data: dict[str, Any]) -> None:
    data["fields-0-options"] = '["a"]'


def _options_not_a_list_of_text(data: dict[str, Any]) -> None:
    data["fields-1-options"] = '{"a": 1}'


def _duplicate_field_key(data: dict[str, Any]) -> None:
    data["fields-1-key"] = "reason"


def _duplicate_request_type_name(data: dict[str, Any]) -> None:
    data["name"] = "Password reset"


def _translation_of_an_unknown_attribute(data: dict[str, Any]) -> None:
    data["fields-0-translations"] = '{"zh-hans": {"name": "原因"}}'


@pytest.mark.parametrize(
    ("break_the_form", "message"),
    [
        (_select_without_options, "A select field needs at least one choice."),
        (_options_on_a_text_field, "Only select fields have choices"),
        (_options_not_a_list_of_text, "Write the choices as a list."),
        (_duplicate_field_key, "Please correct the duplicate data for key"),
        (_duplicate_request_type_name, "already exists"),
        (_translation_of_an_unknown_attribute, "name cannot be translated here"),
    ],
)
def test_invalid_form_fields_show_errors_and_save_nothing(
    client_as_desk_admin: Client, helpdesk: Helpdesk, break_the_form: Any, message: str
):
    url = reverse("admin:desks_requesttype_add")
    data = form_data(client_as_desk_admin.get(url))
    data.update(
        {
            "desk": str(helpdesk.it.pk),
            "name": "New monitor",
            "kind": "service_request",
            "position": "0",
            "translations": "{}",
            "fields-TOTAL_FORMS": "2",
            "fields-0-key": "reason",
            "fields-0-label": "Reason",
            "fields-0-field_type": "short_text",
            "fields-0-position": "0",
            "fields-0-options": "[]",
            "fields-0-translations": "{}",
            "fields-1-key": "size",
            "fields-1-label": "Size",
            "fields-1-field_type": "single_select",
            "fields-1-position": "1",
            "fields-1-options": '["24 inch"]',
            "fields-1-translations": "{}",
        }
    )
    request_types, fields = RequestType.objects.count(), RequestField.objects.count()
    break_the_form(data)

    response = client_as_desk_admin.post(url, data)

    assert response.status_code == 200
    assert message in errors_of(response)
    assert (RequestType.objects.count(), RequestField.objects.count()) == (request_types, fields)


def test_a_desk_admin_edits_a_field_of_a_form(client_as_desk_admin: Client, helpdesk: Helpdesk):
    url = reverse("admin:desks_requesttype_change", args=[helpdesk.laptop.pk])
    data = form_data(client_as_desk_admin.get(url))
    model_row = next(
        name.removesuffix("-key")
        for name, value in data.items()
        if name.startswith("fields-") and name.endswith("-key") and value == "model"
    )
    data[f"{model_row}-options"] = '["ThinkPad", "MacBook", "Framework"]'

    response = client_as_desk_admin.post(url, data)

    assert response.status_code == 302, errors_of(response)
    assert RequestField.objects.get(request_type=helpdesk.laptop, key="model").options == [
        {"value": "ThinkPad", "label": "ThinkPad"},
        {"value": "MacBook", "label": "MacBook"},
        {"value": "Framework", "label": "Framework"},
    ]


def test_a_desk_admin_adds_a_short_link(client_as_desk_admin: Client, helpdesk: Helpdesk):
    response = client_as_desk_admin.post(
        reverse("admin:desks_shortlink_add"),
        {"slug": "laptop", "desk": helpdesk.it.pk, "request_type": helpdesk.laptop.pk},
    )

    assert response.status_code == 302
    link = ShortLink.objects.get(slug="laptop")
    assert (link.desk, link.request_type) == (helpdesk.it, helpdesk.laptop)


@pytest.mark.parametrize(
    ("slug", "request_type", "message"),
    [
        ("ITHelp", None, "lower-case letters"),
        ("it help", None, "lower-case letters"),
        # Another desk's form is not even offered to a desk admin of IT.
        ("onboarding", "onboarding", "Select a valid choice"),
    ],
)
def test_an_invalid_short_link_shows_an_error_and_saves_nothing(
    client_as_desk_admin: Client,
    helpdesk: Helpdesk,
    slug: str,
    request_type: str | None,
    message: str,
):
    data = {"slug": slug, "desk": helpdesk.it.pk}
    if request_type:
        data["request_type"] = getattr(helpdesk, request_type).pk

    response = client_as_desk_admin.post(reverse("admin:desks_shortlink_add"), data)

    assert response.status_code == 200
    assert message in str(response.context["adminform"].form.errors)
    assert not ShortLink.objects.exists()


def test_tickets_are_read_only_in_the_admin(
    client_as_desk_admin: Client, helpdesk: Helpdesk, desk_admin: User
):
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    url = reverse("admin:tickets_ticket_change", args=[ticket.pk])
    # Like the workspace: a desk admin sees the tickets of the desks their teams serve.
    helpdesk.frontline.members.remove(desk_admin)
    assert client_as_desk_admin.get(url).status_code == 302
    helpdesk.frontline.members.add(desk_admin)

    assert client_as_desk_admin.get(reverse("admin:tickets_ticket_add")).status_code == 403
    assert client_as_desk_admin.post(url, {"summary": "Changed"}).status_code == 403
    assert client_as_desk_admin.get(url).status_code == 200
    assert type(ticket).objects.get(pk=ticket.pk).summary == ticket.summary


def test_a_short_link_to_another_desks_form_is_refused(helpdesk: Helpdesk):
    data = {"slug": "onboarding", "desk": helpdesk.it.pk, "request_type": helpdesk.onboarding.pk}

    response = signed_in(helpdesk.admin).post(reverse("admin:desks_shortlink_add"), data)

    assert response.status_code == 200
    assert "is a form of another desk (HR)" in str(response.context["adminform"].form.errors)
    assert not ShortLink.objects.exists()


@pytest.mark.parametrize("who", ["alice", "li"])
def test_customers_and_agents_cannot_open_the_desk_screens(helpdesk: Helpdesk, who: str):
    client = Client()
    client.force_login(getattr(helpdesk, who))

    for url in (reverse("admin:index"), reverse("admin:desks_desk_changelist")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))
    response = client.post(
        reverse("admin:desks_shortlink_add"), {"slug": "sneaky", "desk": helpdesk.it.pk}
    )
    assert response.status_code == 302
    assert not ShortLink.objects.exists()


def _field_row(data: dict[str, Any], key: str) -> str:
    return next(
        name.removesuffix("-key")
        for name, value in data.items()
        if name.startswith("fields-") and name.endswith("-key") and value == key
    )


def test_a_desk_admin_labels_and_translates_the_options(
    client_as_desk_admin: Client, helpdesk: Helpdesk
):
    url = reverse("admin:desks_requesttype_change", args=[helpdesk.laptop.pk])
    data = form_data(client_as_desk_admin.get(url))
    row = _field_row(data, "model")
    data[f"{row}-options"] = (
        '[{"value": "ThinkPad", "label": "ThinkPad X1"}, {"value": "MacBook", "label": "MacBook"}]'
    )
    data[f"{row}-translations"] = '{"zh-hans": {"label": "型号", "options": {"MacBook": "苹果"}}}'

    response = client_as_desk_admin.post(url, data)

    assert response.status_code == 302, errors_of(response)
    model = RequestField.objects.get(request_type=helpdesk.laptop, key="model")
    assert model.option_choices("en") == [("ThinkPad", "ThinkPad X1"), ("MacBook", "MacBook")]
    assert model.option_choices("zh-hans") == [("ThinkPad", "ThinkPad X1"), ("MacBook", "苹果")]


@pytest.mark.parametrize(
    ("options", "translations", "message"),
    [
        ('["ThinkPad", "MacBook"]', '{"zh-hans": {"options": {"Dell": "戴尔"}}}', "Dell"),
        ('["ThinkPad", "MacBook"]', '{"zh-hans": {"options": "苹果"}}', "object of texts"),
        ('[{"value": "a", "label": 3}]', "{}", "both text"),
        ('[{"value": "a"}, {"value": "a", "label": "A"}]', "{}", "only once"),
    ],
)
def test_bad_options_or_their_translations_are_refused(
    client_as_desk_admin: Client, helpdesk: Helpdesk, options: str, translations: str, message: str
):
    url = reverse("admin:desks_requesttype_change", args=[helpdesk.laptop.pk])
    data = form_data(client_as_desk_admin.get(url))
    row = _field_row(data, "model")
    data[f"{row}-options"] = options
    data[f"{row}-translations"] = translations
    before = RequestField.objects.get(request_type=helpdesk.laptop, key="model")

    response = client_as_desk_admin.post(url, data)

    assert response.status_code == 200
    assert message in errors_of(response)
    after = RequestField.objects.get(request_type=helpdesk.laptop, key="model")
    assert (after.options, after.translations) == (before.options, before.translations)


def test_a_desk_admin_bounds_a_number_field(client_as_desk_admin: Client, helpdesk: Helpdesk):
    url = reverse("admin:desks_requesttype_change", args=[helpdesk.laptop.pk])
    data = form_data(client_as_desk_admin.get(url))
    row = _field_row(data, "quantity")
    data.update({f"{row}-number_min": "1", f"{row}-number_max": "50", f"{row}-number_step": "1"})

    response = client_as_desk_admin.post(url, data)

    assert response.status_code == 302, errors_of(response)
    quantity = RequestField.objects.get(request_type=helpdesk.laptop, key="quantity")
    assert (quantity.number_min, quantity.number_max, quantity.number_step) == (1, 50, 1)


@pytest.mark.parametrize(
    ("key", "bounds", "message"),
    [
        ("quantity", {"number_min": "10", "number_max": "5"}, "The maximum is below the minimum."),
        ("quantity", {"number_step": "0"}, "The step must be more than 0."),
        ("asset_tag", {"number_min": "1"}, "Only number fields have bounds and a step."),
    ],
)
def test_bad_number_bounds_are_refused(
    client_as_desk_admin: Client, helpdesk: Helpdesk, key: str, bounds: dict[str, str], message: str
):
    url = reverse("admin:desks_requesttype_change", args=[helpdesk.laptop.pk])
    data = form_data(client_as_desk_admin.get(url))
    row = _field_row(data, key)
    data.update({f"{row}-{name}": value for name, value in bounds.items()})

    response = client_as_desk_admin.post(url, data)

    assert response.status_code == 200
    assert message in errors_of(response)
    field = RequestField.objects.get(request_type=helpdesk.laptop, key=key)
    assert (field.number_min, field.number_max, field.number_step) == (None, None, None)


def test_a_desk_admin_names_a_status_for_customers(
    client_as_desk_admin: Client, helpdesk: Helpdesk
):
    url = reverse("admin:desks_desk_change", args=[helpdesk.it.pk])
    data = form_data(client_as_desk_admin.get(url))
    prefix = status_prefix(data, "in_progress")
    data[f"{prefix}-customer_name"] = "We are on it"
    data[f"{prefix}-translations"] = (
        '{"zh-hans": {"name": "处理中", "customer_name": "我们正在处理"}}'
    )

    response = client_as_desk_admin.post(url, data)

    assert response.status_code == 302, errors_of(response)
    status = Status.objects.get(desk=helpdesk.it, key="in_progress")
    assert status.customer_facing_name("en") == "We are on it"
    assert status.customer_facing_name("zh-hans") == "我们正在处理"
    assert status.translated("name", "en") == "In progress"
