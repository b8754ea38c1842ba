"""How the workspace shows SLAs: the ticket page's panel rows and the queue's "time remaining"
cells, with durations in the reader's language from `sla.durations`. Both count business time
on the cycle's own calendar and name it. Presentation only: the reads are the SLA selectors'
(`ticket_sla`, `queue_sla`, `sla_preview`)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from deskline.sla.durations import duration, target
from deskline.sla.models import NO_DEADLINE
from deskline.sla.queue import BREACHED, WARNING, QueueSla
from deskline.sla.selectors import CycleView, MetricView


def state_colour(state: str | None) -> str:
    """The colour class of an SLA state: amber while warning, red once breached, else none."""
    return {BREACHED: "sla-breached", WARNING: "sla-warning"}.get(state or "", "")


@dataclass(frozen=True)
class EarlierCycle:
    number: int
    outcome: str  # met, breached or stopped (a cycle that had no goal)
    elapsed: str


@dataclass(frozen=True)
class PanelRow:
    """One metric of the ticket page's SLA panel, as its current cycle stands."""

    name: str
    state: str  # CycleView.state: met, breached, paused, warning, running, untargeted, stopped
    cycle: CycleView
    left: str  # business time left ("" without a goal or once breached)
    over: str  # business time past the goal ("" unless breached)
    elapsed: str
    target: str
    earlier: list[EarlierCycle]

    @property
    def colour(self) -> str:
        """The row's colour class: amber while warning, red once breached."""
        return state_colour(self.state)


def panel_rows(metrics: list[MetricView]) -> list[PanelRow]:
    """The panel's rows: each metric's current cycle, and its earlier cycles in brief."""
    rows = []
    for metric in metrics:
        current = metric.current
        if current is None:
            continue
        remaining = current.remaining_seconds
        rows.append(
            PanelRow(
                name=metric.name,
                state=current.state,
                cycle=current,
                left=duration(remaining) if remaining is not None and remaining > 0 else "",
                over=duration(remaining) if remaining is not None and remaining < 0 else "",
                elapsed=duration(current.elapsed_seconds),
                target=target(current.target_seconds) if current.target_seconds else "",
                earlier=[
                    EarlierCycle(
                        number=cycle.number,
                        outcome=cycle.outcome or "stopped",
                        elapsed=duration(cycle.elapsed_seconds),
                    )
                    for cycle in metric.cycles[:-1]
                ],
            )
        )
    return rows


@dataclass(frozen=True)
class DueCell:
    """The queue's "time remaining" cell of one ticket."""

    text: str
    colour: str  # "", "sla-warning" or "sla-breached"
    due_at: datetime.datetime | None


def due_cell(due_at: datetime.datetime, sla: QueueSla | None) -> DueCell:
    """ "2h 00m left · Shanghai office" or "1h 20m overdue · Shanghai office": the business
    time to the ticket's nearest deadline on that deadline's calendar, as its SLA panel counts
    it; blank without a deadline. `sla` is the ticket's from `queue_sla`."""
    state = sla.state if sla is not None else None
    colour = state_colour(state)
    if due_at >= NO_DEADLINE:
        # No running deadline, but a paused cycle may have breached before it paused.
        return DueCell(_("breached") if state == BREACHED else "", colour, None)
    if sla is None or sla.remaining_seconds is None:
        return DueCell("", colour, due_at)
    remaining = sla.remaining_seconds
    if remaining <= 0:
        text = _("%(over)s overdue · %(calendar)s") % {
            "over": duration(remaining),
            "calendar": sla.calendar_name,
        }
        return DueCell(text, "sla-breached", due_at)
    text = _("%(left)s left · %(calendar)s") % {
        "left": duration(remaining),
        "calendar": sla.calendar_name,
    }
    return DueCell(text, colour, due_at)
