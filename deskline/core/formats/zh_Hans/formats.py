"""Simplified Chinese dates: "2026年12月3日 14:05"."""

DATETIME_FORMAT = "Y年n月j日 H:i"
DATE_FORMAT = "Y年n月j日"
TIME_FORMAT = "H:i"
