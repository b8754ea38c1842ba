"""English dates: "3 Dec 2026, 14:05" (Django's other English formats stay as they are)."""

DATETIME_FORMAT = "j M Y, H:i"
DATE_FORMAT = "j M Y"
TIME_FORMAT = "H:i"
