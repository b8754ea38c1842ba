"""Driving the configuration screens (Django admin) in tests: a signed-in client, a form's data."""

from __future__ import annotations

from typing import Any

from django.test import Client

from deskline.accounts.models import User


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def form_data(response: Any) -> dict[str, Any]:
    """The POST data of an admin form as it was rendered: the main form and every inline."""
    forms: list[Any] = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data: dict[str, Any] = {}
    for form in forms:
        for bound in form:
            value = bound.value()
            if value is None or value is False:
                continue  # an unchecked box or an empty choice is not sent
            if value is True:
                data[bound.html_name] = "on"
            elif isinstance(value, list | tuple):
                data[bound.html_name] = [str(item) for item in value]
            else:
                data[bound.html_name] = str(value)
    return data
