"""Responses whose bodies are already built in the shape of their documented schema."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpResponse
from ninja.responses import NinjaJSONEncoder


def prebuilt(data: Any, status: int = 200) -> HttpResponse:
    """Serialise `data` as the API's JSON without ninja validating it a second time.

    The hot read endpoints (ticket list, search, detail) build their bodies with the `*_out`
    functions of api/schemas.py; re-validating 50 tickets through pydantic cost about a fifth of
    a list request. tests/test_schemas.py checks the bodies still match the documented schemas.
    """
    return HttpResponse(
        json.dumps(data, cls=NinjaJSONEncoder),
        status=status,
        content_type="application/json; charset=utf-8",
    )
