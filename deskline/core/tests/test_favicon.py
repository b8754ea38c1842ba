"""Every page names Deskline's SVG icon, and /favicon.ico leads to it instead of a 404."""

from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders
from django.test import Client


@pytest.mark.django_db
def test_favicon_ico_leads_to_the_svg_icon():
    response = Client().get("/favicon.ico")

    assert response.status_code == 301
    assert response["Location"] == "/static/deskline/favicon.svg"


@pytest.mark.django_db
def test_favicon_ico_refuses_a_post():
    assert Client().post("/favicon.ico").status_code == 405


def test_the_svg_icon_is_a_static_file():
    found = finders.find("deskline/favicon.svg")

    assert found is not None
    with open(found) as icon:
        assert icon.read().startswith("<svg xmlns=")


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/no-such-page/"])
def test_every_page_links_the_svg_icon(url: str):
    html = Client().get(url).content.decode()

    assert '<link rel="icon" href="/static/deskline/favicon.svg" type="image/svg+xml">' in html
