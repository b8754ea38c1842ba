"""Checks on Django's private API, for the tests of the modules that use it (README.md, "Django
internals"): each fails with a message saying what changed and which module relies on it."""

from __future__ import annotations

import hashlib
import inspect
import textwrap
from collections.abc import Callable
from typing import Any

import django

CHECKED_ON = "5.2.19"


def changed(what: str, module: str, detail: str) -> str:
    """The message of a failed check: what changed, in which Django, and what to do."""
    return (
        f"Django {django.get_version()} changed {what}, which {module} relies on "
        f"(checked on Django {CHECKED_ON}): {detail}. Read the new Django code, adapt {module}, "
        "then this test and README's 'Django internals'."
    )


def assert_parameters(function: Callable[..., Any], expected: list[str], module: str) -> None:
    """`function` takes exactly the parameters `expected`, by name and in order."""
    found = list(inspect.signature(function).parameters)
    assert found == expected, changed(
        f"the parameters of {function.__qualname__}", module, f"{found} instead of {expected}"
    )


def assert_source(function: Callable[..., Any], expected_sha256: str, module: str) -> None:
    """The source of a Django method that `module` repeats or mirrors, unchanged."""
    source = textwrap.dedent(inspect.getsource(function))
    digest = hashlib.sha256(source.encode()).hexdigest()
    assert digest == expected_sha256, changed(
        f"{function.__qualname__} ({inspect.getsourcefile(function)})",
        module,
        f"its source is not the one checked (sha256 {digest}); compare it with what {module} "
        "does in its place",
    )
