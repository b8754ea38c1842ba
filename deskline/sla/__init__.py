"""Service level agreements: business calendars, metrics and goals, and each ticket's cycles."""
