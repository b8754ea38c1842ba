"""The SLA actions refuse keys they do not own, field by field, and write nothing."""

from __future__ import annotations

import pytest
from django.utils import translation

from deskline.core.errors import ValidationFailed
from deskline.sla.actions import calendar_save, metric_save
from deskline.sla.models import Calendar, Cycle, Metric
from deskline.sla.selectors import cycle_view
from deskline.testing.scenario import build_helpdesk
from deskline.testing.sla import make_calendar, sla_admin

pytestmark = pytest.mark.django_db


def test_a_calendar_with_keys_it_does_not_have_is_refused_and_not_saved() -> None:
    with pytest.raises(ValidationFailed) as refused:
        calendar_save(actor=sla_admin(), data={"name": "Office", "updated_at": "x", "desk": 1})

    assert refused.value.code == "unknown_fields"
    assert str(refused.value.message) == "These cannot be changed here: desk, updated_at"
    assert {
        name: [str(m) for m in messages] for name, messages in refused.value.fields.items()
    } == {
        "desk": ["This cannot be changed."],
        "updated_at": ["This cannot be changed."],
    }
    assert not Calendar.objects.exists()


def test_a_metric_with_keys_it_does_not_have_is_refused_and_not_saved() -> None:
    helpdesk = build_helpdesk()
    with pytest.raises(ValidationFailed) as refused:
        metric_save(
            actor=sla_admin(),
            desk=helpdesk.it,
            data={"name": "Reply", "start_on": ["created"], "stop_on": ["resolved"], "desk": 2},
        )

    assert refused.value.code == "unknown_fields"
    assert str(refused.value.message) == "These cannot be changed here: desk"
    assert {
        name: [str(m) for m in messages] for name, messages in refused.value.fields.items()
    } == {"desk": ["This cannot be changed."]}
    assert not Metric.objects.exists()


def test_a_cycle_without_a_calendar_is_named_24x7_in_the_readers_language() -> None:
    helpdesk = build_helpdesk()
    calendar = make_calendar()
    metric = Metric(desk=helpdesk.it, name="Reply")
    cycle = Cycle(metric=metric, calendar=None, started_at=calendar.updated_at)
    cycle.measured_at = cycle.started_at

    with translation.override("zh-hans"):
        chinese = cycle_view(cycle, metric, cycle.started_at).calendar_name
    with translation.override("en"):
        english = cycle_view(cycle, metric, cycle.started_at).calendar_name

    assert (english, chinese) == ("24x7", "全天候")


def test_a_calendar_name_too_long_is_refused_not_cut() -> None:
    with pytest.raises(ValidationFailed) as refused:
        calendar_save(actor=sla_admin(), data={"name": "x" * 101, "is_always": True})

    assert refused.value.code == "name_too_long"
    assert [str(m) for m in refused.value.fields["name"]] == ["Enter a shorter text."]
    assert not Calendar.objects.exists()


def test_a_metric_name_too_long_is_refused_not_cut() -> None:
    helpdesk = build_helpdesk()
    with pytest.raises(ValidationFailed) as refused:
        metric_save(
            actor=sla_admin(),
            desk=helpdesk.it,
            data={"name": "y" * 101, "start_on": ["created"], "stop_on": ["resolved"]},
        )

    assert refused.value.code == "name_too_long"
    assert [str(m) for m in refused.value.fields["name"]] == ["Enter a shorter text."]
    assert not Metric.objects.exists()
