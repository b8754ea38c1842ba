"""Every HTML page is sent with a Content-Security-Policy that allows no inline script or style,
and no template needs one: no <script> without src, no <style>, no style="", no on* handler."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from deskline.core.middleware import CONTENT_SECURITY_POLICY, ContentSecurityPolicyMiddleware

DESKLINE = Path(__file__).resolve().parents[2]
# E-mail bodies are read by mail programs, never served as pages: they need inline styles (mail
# programs drop style sheets), and the policy does not reach them (ADR 0020).
EMAIL_BODIES = {DESKLINE / "mail/templates/mail/notification.html"}
TEMPLATES = sorted(
    path
    for path in DESKLINE.glob("**/templates/**/*.html")
    if "node_modules" not in path.parts and path not in EMAIL_BODIES
)

# What the policy forbids, as it may be written in a template.
INLINE = {
    "a <script> without src": re.compile(r"<script(?![^>]*\ssrc=)[^>]*>", re.IGNORECASE),
    "a <style> element": re.compile(r"<style[\s>]", re.IGNORECASE),
    'a style="" attribute': re.compile(r"\sstyle\s*=", re.IGNORECASE),
    "an on* event handler": re.compile(r"\son[a-z]+\s*=", re.IGNORECASE),
    "an hx-on handler (evaluated code)": re.compile(r"hx-on", re.IGNORECASE),
    "a javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


def test_the_policy_allows_only_deskline_itself():
    directives = dict(part.split(" ", 1) for part in CONTENT_SECURITY_POLICY.split("; "))

    assert directives == {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "frame-ancestors": "'none'",
        "form-action": "'self'",
        "base-uri": "'self'",
        "object-src": "'none'",
    }
    assert "unsafe" not in CONTENT_SECURITY_POLICY


def test_the_template_scan_sees_every_template_of_both_front_ends():
    names = {path.relative_to(DESKLINE).as_posix() for path in TEMPLATES}

    assert "core/templates/deskline/base.html" in names
    assert "core/templates/500.html" in names
    assert "portal/templates/portal/request.html" in names
    assert "workspace/templates/workspace/ticket.html" in names
    assert "mail/templates/mail/preferences.html" in names  # a page, unlike the e-mail bodies
    assert all(path.exists() for path in EMAIL_BODIES)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda path: path.relative_to(DESKLINE).as_posix())
def test_no_template_holds_inline_script_style_or_handlers(path: Path):
    text = path.read_text()

    found = {
        what: pattern.findall(text) for what, pattern in INLINE.items() if pattern.search(text)
    }

    assert found == {}


def test_the_scan_catches_what_the_policy_would_block():
    samples = [
        '<select onchange="this.form.submit()">',
        "<script>alert(1)</script>",
        '<script type="module">',
        "<style>p { color: red }</style>",
        '<p style="color: red">',
        '<button hx-on::after-request="x()">',
    ]

    for sample in samples:
        assert any(pattern.search(sample) for pattern in INLINE.values()), sample
    assert not any(
        pattern.search('<script src="/static/app.js" defer></script>')
        for pattern in INLINE.values()
    )


def _through_middleware(response: HttpResponse) -> HttpResponse:
    return ContentSecurityPolicyMiddleware(lambda request: response)(RequestFactory().get("/"))


def test_an_html_response_gets_the_policy():
    response = _through_middleware(HttpResponse("<p>hi</p>"))

    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


def test_json_and_files_are_sent_without_a_policy():
    response = _through_middleware(JsonResponse({"code": "ok"}))

    assert "Content-Security-Policy" not in response


def test_a_response_with_its_own_policy_keeps_it():
    own = HttpResponse("<p>hi</p>")
    own["Content-Security-Policy"] = "default-src 'none'"

    assert _through_middleware(own)["Content-Security-Policy"] == "default-src 'none'"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/no-such-page/", "/api/v1/docs"])
def test_pages_error_pages_and_the_api_docs_are_sent_with_the_policy(url: str):
    response = Client().get(url)

    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY


@pytest.mark.django_db
def test_the_api_docs_load_swagger_ui_from_our_own_static_files():
    html = Client().get("/api/v1/docs").content.decode()

    assert '<script src="/static/ninja/swagger-ui-bundle.js">' in html
    assert "cdn.jsdelivr.net" not in html


@pytest.mark.django_db
def test_the_api_itself_answers_json_without_a_policy():
    response = Client().get("/api/v1/desks")

    assert response["Content-Type"].startswith("application/json")
    assert "Content-Security-Policy" not in response


def test_the_server_error_page_takes_its_looks_from_the_stylesheet():
    html = render_to_string("500.html")

    assert '<link rel="stylesheet" href="/static/deskline/app.css">' in html
    assert "style=" not in html
