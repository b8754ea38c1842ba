"""What a page looks like to a person, measured in the browser: no sideways scroll, and no
element that must stay on one line (a key, a date-time, a top-bar link) broken over several or
sticking out of the cell or card it is in."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from playwright.sync_api import Page

from deskline.core.time import now
from deskline.testing.factories import make_ticket
from deskline.testing.scenario import Helpdesk
from deskline.testing.sla import make_always_calendar, make_first_response_metric
from deskline.tickets.actions import ticket_comment, ticket_update
from deskline.tickets.models import Ticket
from deskline.tickets.sla_alerts import sla_alerts_send

# Everywhere: the top bar's pieces and the breadcrumbs.
EVERY_PAGE = [
    ".topbar .brand",
    ".topnav a",
    ".topbar-end .whoami",
    ".topbar-end a",
    ".topbar-end button",
    ".breadcrumbs a",
]
# Keys and date-times, where they are shown (the queue's time remaining may take two lines).
KEYS_AND_TIMES = [
    "table.list td:first-child a",
    "table.queue-list td:nth-child(2) a",
    "table.list td:not(.sla-due) time",
    ".entry header time",
    ".details time",
    ".event time",
    ".notification time",
    ".ticket-key",
    ".request-key",
    ".sidebar .queue-name",
    ".sla-panel time",
]
ONE_LINE = EVERY_PAGE + KEYS_AND_TIMES

_MEASURE = """
(selectors) => {
  const broken = [];
  const found = {};
  for (const selector of selectors) {
    const elements = document.querySelectorAll(selector);
    found[selector] = 0;
    elements.forEach((element) => {
      const rects = [...element.getClientRects()].filter((r) => r.width > 0 && r.height > 0);
      if (!rects.length) return;
      found[selector] += 1;
      const style = getComputedStyle(element);
      const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
      const height = element.getBoundingClientRect().height;
      const text = selector + ' "' + element.textContent.trim().slice(0, 40) + '": ';
      if (rects.length > 1 || height > 1.8 * line) {
        broken.push(text + rects.length + " boxes, " + Math.round(height) + "px high");
      }
      // Kept on one line, it must still fit the cell, card or bar it is in.
      const box = element.parentElement.closest("dd, td, th, li, header, nav, section, div");
      const right = element.getBoundingClientRect().right;
      if (box && right > box.getBoundingClientRect().right + 1) {
        broken.push(text + "sticks out of its " + box.tagName.toLowerCase() + " by "
          + Math.round(right - box.getBoundingClientRect().right) + "px");
      }
    });
  }
  return {
    broken: broken,
    found: found,
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
  };
}
"""


@dataclass(frozen=True)
class Measure:
    broken: list[str]
    found: dict[str, int]
    scroll_width: int
    inner_width: int

    @property
    def scrolls_sideways(self) -> bool:
        return self.scroll_width > self.inner_width


def measure(page: Page) -> Measure:
    result: dict[str, Any] = page.evaluate(_MEASURE, ONE_LINE)
    return Measure(
        broken=result["broken"],
        found=result["found"],
        scroll_width=result["scrollWidth"],
        inner_width=result["innerWidth"],
    )


@dataclass(frozen=True)
class Scene:
    """A help desk with what a person sees on a busy day: Alice's requests (one with a
    conversation and Markdown lists), Li's queue, an SLA shown to customers, notifications."""

    helpdesk: Helpdesk
    request: Ticket
    tickets: list[Ticket]


DESCRIPTION = """My laptop needs a bigger disk:

- the disk is **full**
- builds fail

1. back up the data
2. swap the disk
"""
SUMMARIES = [
    "Laptop upgrade for data analysis work",
    "数据分析工作需要升级电脑，现在的内存不够用了",
    "Cannot open https://intranet.example.com/finance/reports/quarterly-summary-2026",
    "Printer on the 3rd floor is jammed",
    "VPN drops every ten minutes when working from home",
]


def build_scene(helpdesk: Helpdesk) -> Scene:
    helpdesk.li.time_zone = "Asia/Shanghai"
    helpdesk.li.save(update_fields=["time_zone"])
    always = make_always_calendar()
    make_first_response_metric(
        helpdesk.it,
        always,
        is_shown_to_customers=True,
        goals=[{"target_minutes": 60, "calendar": always.pk}],
    )
    request = make_ticket(
        desk=helpdesk.it,
        reporter=helpdesk.alice,
        request_type=helpdesk.password_reset,
        summary="My laptop's disk is full",
        description=DESCRIPTION,
    )
    ticket_update(actor=helpdesk.li, ticket=request, changes={"assignee": helpdesk.li})
    ticket_comment(
        actor=helpdesk.li,
        ticket=request,
        body="Thanks, Alice. Before we swap it:\n\n- keep the laptop on\n- bring the charger",
    )
    tickets = [request]
    for index, summary in enumerate(SUMMARIES):
        ticket = make_ticket(
            desk=helpdesk.it,
            reporter=helpdesk.bob if index % 2 else helpdesk.alice,
            request_type=helpdesk.password_reset,
            summary=summary,
            priority=["critical", "high", "medium", "low", "medium"][index],
        )
        if index % 2 == 0:
            ticket_update(actor=helpdesk.li, ticket=ticket, changes={"assignee": helpdesk.li})
        tickets.append(ticket)
    # The unanswered ones breach their hour: the worker tells Li.
    sla_alerts_send(at=now() + datetime.timedelta(hours=2))
    return Scene(helpdesk=helpdesk, request=request, tickets=tickets)
