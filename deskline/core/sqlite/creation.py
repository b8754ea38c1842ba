from __future__ import annotations

import contextlib
import os
from typing import Any

from django.db.backends.sqlite3 import creation

_SQLiteCreation: Any = creation.DatabaseCreation  # django-stubs leave out _destroy_test_db


class DatabaseCreation(_SQLiteCreation):
    """Also remove the test database's write-lock file (see `base.py`) with the database."""

    def _destroy_test_db(self, test_database_name: Any, verbosity: Any) -> None:
        super()._destroy_test_db(test_database_name, verbosity)
        if test_database_name and not self.is_in_memory_db(test_database_name):
            with contextlib.suppress(FileNotFoundError):
                os.remove(f"{test_database_name}-writelock")
