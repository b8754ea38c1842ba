"""Each desk says whether a customer's reply moves a waiting request back to work, and where to."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from deskline.accounts.models import Role, User
from deskline.desks.catalog import catalog
from deskline.desks.models import Desk, Status
from deskline.testing.admin_forms import form_data, signed_in
from deskline.testing.factories import make_user
from deskline.testing.scenario import Helpdesk

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk_admin(helpdesk: Helpdesk) -> User:
    # In Frontline, which serves IT: a desk admin configures the desks their teams serve.
    return make_user(
        role=Role.DESK_ADMIN,
        email="dana@deskline.example",
        display_name="Dana",
        teams=[helpdesk.frontline],
    )


@pytest.fixture
def client(desk_admin: User) -> Client:
    return signed_in(desk_admin)


def status(desk: Desk, key: str) -> Status:
    return Status.objects.get(desk=desk, key=key)


def test_by_default_a_reply_moves_the_request_to_the_first_in_progress_status(helpdesk):
    assert helpdesk.it.reopen_on_customer_reply is True
    assert helpdesk.it.customer_reply_status is None
    assert catalog().customer_reply_status(helpdesk.it.pk) == status(helpdesk.it, "in_progress")


def test_the_desks_own_choice_wins_and_off_means_nowhere(helpdesk):
    helpdesk.it.customer_reply_status = status(helpdesk.it, "open")
    helpdesk.it.save()
    assert catalog().customer_reply_status(helpdesk.it.pk) == status(helpdesk.it, "open")

    helpdesk.it.reopen_on_customer_reply = False
    helpdesk.it.save()
    assert catalog().customer_reply_status(helpdesk.it.pk) is None


def test_a_status_that_cannot_take_a_reply_falls_back_to_the_first_in_progress(helpdesk):
    # Stored before its category changed, or by hand: another desk's or a waiting status.
    for unsuitable in (status(helpdesk.hr, "in_progress"), status(helpdesk.it, "resolved")):
        Desk.objects.filter(pk=helpdesk.it.pk).update(customer_reply_status=unsuitable)
        helpdesk.hr.save()  # any configuration change: the catalogue is read again
        assert catalog().customer_reply_status(helpdesk.it.pk) == status(helpdesk.it, "in_progress")


def test_a_desk_without_an_in_progress_status_moves_nothing(helpdesk):
    Status.objects.filter(desk=helpdesk.it, key="in_progress").update(category="new")
    helpdesk.it.save()

    assert catalog().customer_reply_status(helpdesk.it.pk) is None


def test_a_desk_admin_chooses_the_status_among_the_desks_own(client: Client, helpdesk):
    url = reverse("admin:desks_desk_change", args=[helpdesk.it.pk])
    page = client.get(url)
    offered = page.context["adminform"].form.fields["customer_reply_status"].queryset
    assert [s.key for s in offered] == ["open", "in_progress"]
    data = form_data(page)
    assert data["reopen_on_customer_reply"] == "on"
    data["customer_reply_status"] = str(status(helpdesk.it, "open").pk)

    response = client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Desk.objects.get(pk=helpdesk.it.pk).customer_reply_status == status(helpdesk.it, "open")


def test_a_desk_admin_turns_it_off(client: Client, helpdesk):
    url = reverse("admin:desks_desk_change", args=[helpdesk.it.pk])
    data = form_data(client.get(url))
    del data["reopen_on_customer_reply"]

    response = client.post(url, data)

    assert response.status_code == 302
    assert Desk.objects.get(pk=helpdesk.it.pk).reopen_on_customer_reply is False


@pytest.mark.parametrize(
    ("desk", "key"), [("hr", "in_progress"), ("it", "waiting_for_customer"), ("it", "closed")]
)
def test_a_status_of_another_desk_or_of_the_wrong_category_is_refused(
    client: Client, helpdesk, desk, key
):
    url = reverse("admin:desks_desk_change", args=[helpdesk.it.pk])
    data = form_data(client.get(url))
    data["customer_reply_status"] = str(status(getattr(helpdesk, desk), key).pk)

    response = client.post(url, data)

    assert response.status_code == 200
    assert "customer_reply_status" in response.context["adminform"].form.errors
    assert Desk.objects.get(pk=helpdesk.it.pk).customer_reply_status is None


def test_a_new_desk_can_start_with_it_off(client: Client, helpdesk):
    page = client.get(reverse("admin:desks_desk_add"))
    # Its statuses are made with it: there is none to choose yet.
    assert "customer_reply_status" not in page.context["adminform"].form.fields
    data = form_data(page)
    data.update(key="FAC", name="Facilities", position="3", translations="{}")
    data["teams"] = [str(helpdesk.frontline.pk)]  # a desk admin keeps one of their teams on it
    data.pop("reopen_on_customer_reply", None)

    response = client.post(reverse("admin:desks_desk_add"), data)

    assert response.status_code == 302
    assert Desk.objects.get(key="FAC").reopen_on_customer_reply is False


def test_the_page_reads_in_chinese(client: Client, helpdesk):
    page = client.get(
        reverse("admin:desks_desk_change", args=[helpdesk.it.pk]),
        headers={"accept-language": "zh-hans"},
    ).content.decode()

    assert "客户回复时重新处理" in page
    assert "客户回复后的状态" in page


@pytest.mark.django_db(transaction=True)
def test_the_migration_turns_it_on_for_existing_desks():
    executor = MigrationExecutor(connection)
    before = [("desks", "0005_number_field_bounds")]
    after = [("desks", "0006_desk_reopen_on_customer_reply")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("desks", "Desk")
    old.objects.create(key="OLD", name="Old desk")

    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new = executor.loader.project_state(after).apps.get_model("desks", "Desk")

    desk = new.objects.get(key="OLD")
    assert (desk.reopen_on_customer_reply, desk.customer_reply_status_id) == (True, None)
    executor = MigrationExecutor(connection)  # and back to the latest, as the next test expects
    executor.migrate(executor.loader.graph.leaf_nodes())
