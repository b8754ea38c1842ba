"""`python -m deskline.bench`: see deskline/bench/run.py."""

from __future__ import annotations

import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deskline.settings")
django.setup()

from deskline.bench.run import main  # noqa: E402 - needs the app registry

sys.exit(main())
