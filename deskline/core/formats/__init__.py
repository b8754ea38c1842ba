"""How Deskline writes dates and times, one format per language (FORMAT_MODULE_PATH).

`en/formats.py` and `zh_Hans/formats.py` are the one place the formats live: templates use
`|date:"DATETIME_FORMAT"` and Python code `datetime_text` or `datetime_formatter`. English reads
"3 Dec 2026, 14:05", Chinese "2026年12月3日 14:05"; always 24-hour, so no "p.m." ever meets the
full stop of a sentence. E-mails keep their own wording.
"""
