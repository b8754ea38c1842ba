"""SLA warnings and breaches go out by e-mail from the mail app, each in its recipient's language
and time zone, once the worker's transaction has recorded them."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core import mail
from django.db import transaction

from deskline.accounts.models import Role
from deskline.mail import outbound
from deskline.sla.models import Metric
from deskline.testing.factories import make_ticket, make_user
from deskline.testing.scenario import Helpdesk, build_helpdesk
from deskline.testing.sla import make_calendar, make_first_response_metric
from deskline.tickets import deliveries
from deskline.tickets.actions import ticket_comment, ticket_transition, ticket_update
from deskline.tickets.models import Notification, Ticket
from deskline.tickets.sla_alerts import sla_alerts_send

pytestmark = pytest.mark.django_db
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))


def shanghai(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime(2026, 3, day, hour, minute, tzinfo=SHANGHAI)


@pytest.fixture
def helpdesk() -> Helpdesk:
    helpdesk = build_helpdesk()
    metric = make_first_response_metric(helpdesk.it, make_calendar())
    metric.translations = {"zh-hans": {"name": "首次响应时间"}}
    metric.save()
    return helpdesk


def raise_ticket(helpdesk: Helpdesk) -> Ticket:
    """Monday 2 March 09:00 in Shanghai; first response due 13:00, warned from 12:30."""
    with time_machine.travel(shanghai(2, 9), tick=False):
        return make_ticket(
            desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
        )


def test_the_mail_app_delivers_the_notifications_the_domain_records():
    assert outbound.notifications_email in deliveries.registered_deliveries()


def test_a_breach_is_emailed_to_each_recipient_in_their_language_and_zone(
    helpdesk, settings, django_capture_on_commit_callbacks
):
    settings.DESKLINE_BASE_URL = "https://help.example.com"
    wang = make_user(
        role=Role.AGENT,
        email="wang@deskline.example",
        display_name="王伟",
        teams=[helpdesk.frontline],
        locale="zh-hans",
        time_zone="Asia/Shanghai",
    )
    ticket = raise_ticket(helpdesk)  # unassigned: the Frontline team hears, Li and Wang

    with django_capture_on_commit_callbacks(execute=True):
        sla_alerts_send(at=shanghai(2, 13, 1))

    by_address = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_address) == ["li@deskline.example", wang.email]
    english = by_address["li@deskline.example"]
    assert english.subject == f"[{ticket.key}] SLA breached: Time to first response"
    assert f"Time to first response of {ticket.key} has breached its goal." in english.body
    assert "It was due at 2026-03-02 05:00 (UTC)." in english.body  # Li's zone is UTC
    assert f"https://help.example.com/agent/tickets/{ticket.key}/" in english.body
    chinese = by_address[wang.email]
    assert chinese.subject == f"[{ticket.key}] SLA 已违反：首次响应时间"
    assert "王伟" in chinese.body
    assert f"{ticket.key} 的首次响应时间已超出目标。" in chinese.body
    assert "截止时间为 2026-03-02 13:00（Asia/Shanghai）。" in chinese.body
    assert f"https://help.example.com/agent/tickets/{ticket.key}/" in chinese.body


def test_the_domain_records_the_announcement_and_sends_nothing_itself(
    helpdesk, monkeypatch, django_capture_on_commit_callbacks
):
    # Given no delivery registered (no mail app)
    monkeypatch.setattr(deliveries, "_deliveries", [])
    ticket = raise_ticket(helpdesk)
    with time_machine.travel(shanghai(2, 9, 5), tick=False):
        ticket_update(actor=helpdesk.li, ticket=ticket, changes={"assignee": helpdesk.li})

    # When the worker announces the warning
    with django_capture_on_commit_callbacks(execute=True):
        run = sla_alerts_send(at=shanghai(2, 12, 31))

    # Then the announcement is recorded, and no e-mail goes out
    assert run.warnings == 1
    assert list(
        Notification.objects.filter(kind="sla_warning").values_list("recipient__email", "kind")
    ) == [("li@deskline.example", "sla_warning")]
    assert mail.outbox == []


def test_nothing_goes_out_for_an_announcement_rolled_back(
    helpdesk, django_capture_on_commit_callbacks
):
    ticket = raise_ticket(helpdesk)
    notification = Notification.objects.create(
        recipient=helpdesk.li, ticket=ticket, kind="sla_warning", data={}
    )

    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        deliveries.notifications_deliver_on_commit([notification.pk])
        raise RuntimeError

    assert callbacks == []
    assert mail.outbox == []


def test_a_metric_deleted_since_keeps_the_name_it_was_announced_with(
    helpdesk, django_capture_on_commit_callbacks
):
    ticket = raise_ticket(helpdesk)
    metric = Metric.objects.get(desk=helpdesk.it)
    notification = Notification.objects.create(
        recipient=helpdesk.li,
        ticket=ticket,
        kind="sla_warning",
        data={"metric": "Old name", "metric_id": metric.pk, "breach_at": None},
    )
    metric.delete()

    with django_capture_on_commit_callbacks(execute=True):
        assert outbound.notifications_email([notification.pk]) == 1
    assert mail.outbox[0].subject == f"[{ticket.key}] SLA warning: Old name"
    assert "It is due at" not in mail.outbox[0].body


def test_any_number_of_notifications_is_written_in_a_fixed_number_of_queries(
    helpdesk, django_assert_num_queries, django_capture_on_commit_callbacks
):
    tickets = [raise_ticket(helpdesk) for _ in range(3)]
    metric = Metric.objects.get(desk=helpdesk.it)
    ids = [
        Notification.objects.create(
            recipient=helpdesk.li,
            ticket=ticket,
            kind="sla_breached",
            data={"metric": metric.name, "metric_id": metric.pk},
        ).pk
        for ticket in tickets
    ]

    # The notifications, their metrics, the preferences, the bouncing addresses, and the
    # insert in its savepoint.
    with django_assert_num_queries(7), django_capture_on_commit_callbacks() as callbacks:
        assert outbound.notifications_email(ids) == 3
    for callback in callbacks:
        callback()

    assert sorted(message.subject for message in mail.outbox) == sorted(
        f"[{ticket.key}] SLA breached: Time to first response" for ticket in tickets
    )


def test_a_customer_reply_is_emailed_to_the_assignee_in_their_language(
    helpdesk, settings, django_capture_on_commit_callbacks
):
    settings.DESKLINE_BASE_URL = "https://help.example.com"
    helpdesk.li.locale = "zh-hans"
    helpdesk.li.save(update_fields=["locale"])
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    ticket_update(actor=helpdesk.li, ticket=ticket, changes={"assignee": helpdesk.li})
    ticket_transition(actor=helpdesk.li, ticket=ticket, status="waiting_for_customer")
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        comment = ticket_comment(actor=helpdesk.alice, ticket=ticket, body="It is  the\nThinkPad")

    assert [message.to for message in mail.outbox] == [["li@deskline.example"]]
    message = mail.outbox[0]
    assert message.subject == f"[{ticket.key}] Alice 回复了：{ticket.summary}"
    assert "> It is the ThinkPad" in message.body
    assert "处理中" in message.body  # the status it went back to, in Li's words
    assert f"https://help.example.com/agent/tickets/{ticket.key}/#c{comment.pk}" in message.body


def test_an_agents_own_reply_and_a_rolled_back_one_email_no_agent(
    helpdesk, django_capture_on_commit_callbacks
):
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    ticket_update(actor=helpdesk.li, ticket=ticket, changes={"assignee": helpdesk.li})
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        ticket_comment(actor=helpdesk.li, ticket=ticket, body="On it")
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        ticket_comment(actor=helpdesk.alice, ticket=ticket, body="Thanks")
        raise RuntimeError("the request failed after the comment")

    # Only the customer hears of Li's reply; Alice's rolled-back reply tells nobody anything.
    assert [message.to for message in mail.outbox] == [["alice@acme.example"]]


def test_notifications_recorded_while_deliveries_are_held_back_email_nobody(
    helpdesk, django_capture_on_commit_callbacks
):
    ticket = make_ticket(
        desk=helpdesk.it, reporter=helpdesk.alice, request_type=helpdesk.password_reset
    )
    ticket_update(actor=helpdesk.li, ticket=ticket, changes={"assignee": helpdesk.li})
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True), deliveries.deliveries_held_back():
        ticket_comment(actor=helpdesk.alice, ticket=ticket, body="Thanks")

    assert Notification.objects.filter(ticket=ticket, kind="customer_replied").count() == 1
    assert mail.outbox == []
