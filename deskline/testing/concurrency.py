"""Running the same work in several threads at once, each with its own database connection."""

from __future__ import annotations

import threading
from collections.abc import Callable

from django.db import connection


def run_together(
    work: Callable[[int], object], count: int
) -> tuple[list[object], list[BaseException]]:
    """Call `work(0)` ... `work(count - 1)` in `count` threads released at the same instant;
    what they returned and what they raised (asserted on by the caller, in the main thread)."""
    start = threading.Barrier(count)
    results: list[object] = []
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            start.wait(timeout=30)
            results.append(work(index))
        except BaseException as error:  # collected and asserted on in the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    return results, errors
