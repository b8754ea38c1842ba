"""Every write to SLA rows.

- `cycles`: a ticket's cycles as things happen to it (called by the ticket actions, in their
  transaction), and the deadline each plan gives the ticket.
- `setup`: the desk admins' calendars, metrics and goals (`calendar_save`, `metric_save`, ...).
- `validation`: checking those before they are saved, for the API and the configuration
  screens alike (no forms, no admin helpers).
"""

from deskline.sla.actions.cycles import (
    SlaPlan,
    desk_metrics,
    sla_plan,
    sla_plan_move,
    sla_save,
    ticket_cycles,
    tickets_due_refresh,
)
from deskline.sla.actions.setup import (
    calendar_delete,
    calendar_save,
    metric_delete,
    metric_save,
    require_sla_admin,
)
from deskline.sla.actions.validation import (
    CALENDAR_ATTRIBUTES,
    CALENDAR_FIELDS,
    CALENDAR_MESSAGES,
    GOAL_ATTRIBUTES,
    GOAL_MESSAGES,
    MAX_JSON_DEPTH,
    MAX_ROW_ID,
    METRIC_ATTRIBUTES,
    NAME_MAX,
    PRIORITIES,
    calendar_clean,
    calendar_validate,
    goal_validate,
    is_nested_deeper_than,
    metric_validate,
)

__all__ = [
    "CALENDAR_ATTRIBUTES",
    "CALENDAR_FIELDS",
    "CALENDAR_MESSAGES",
    "GOAL_ATTRIBUTES",
    "GOAL_MESSAGES",
    "MAX_JSON_DEPTH",
    "MAX_ROW_ID",
    "METRIC_ATTRIBUTES",
    "NAME_MAX",
    "PRIORITIES",
    "SlaPlan",
    "calendar_clean",
    "calendar_delete",
    "calendar_save",
    "calendar_validate",
    "desk_metrics",
    "goal_validate",
    "is_nested_deeper_than",
    "metric_delete",
    "metric_save",
    "metric_validate",
    "require_sla_admin",
    "sla_plan",
    "sla_plan_move",
    "sla_save",
    "ticket_cycles",
    "tickets_due_refresh",
]
