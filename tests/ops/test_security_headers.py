"""Content-Security-Policy, Permissions-Policy and the other security headers; templates that the
policy does not break (no inline script, style or event handler: only our own static files, put in
the page under the response's nonce by spotme_inline)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.fixtures.agencies import ADMIN_A, PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def directives(header: str) -> dict[str, list[str]]:
    result = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            result[words[0]] = words[1:]
    return result


def assert_secure_headers(response) -> None:
    csp = directives(response["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    # 'self', and this response's nonce when the page carries a static file inline (one per response).
    nonces = set()
    for directive in ("script-src", "style-src"):
        assert csp[directive][0] == "'self'"
        assert all(re.fullmatch(r"'nonce-[A-Za-z0-9+/]{22}=='", word) for word in csp[directive][1:])
        nonces.update(csp[directive][1:])
    assert len(nonces) <= 1
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    policy = response["Permissions-Policy"]
    assert "geolocation=(self)" in policy
    assert "camera=()" in policy and "microphone=()" in policy
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


def test_headers_on_the_apex(apex_client):
    assert_secure_headers(apex_client.get("/"))


def test_headers_on_the_clock_in_page(agency_a, client_for):
    client = client_for(agency_a)
    client.login_as(ADMIN_A, PASSWORD)
    response = client.get("/")
    assert response.status_code == 200
    assert_secure_headers(response)
    html = response.content.decode()
    nonce = directives(response["Content-Security-Policy"])["script-src"][1][len("'nonce-") : -1]
    # The clock card's scripts and the stylesheet come inside the page, each under the nonce; no
    # other inline script or style.
    clock_js = (ROOT / "platform/spotme/web/static/spotme/clock.js").read_text()
    assert f'<script nonce="{nonce}">{clock_js}</script>' in html
    assert f'<style nonce="{nonce}">' in html
    assert len(re.findall(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>", html)) == len(
        re.findall(f'<script nonce="{re.escape(nonce)}">', html)
    )
    assert html.count("<style") == html.count(f'<style nonce="{nonce}">')


def test_a_page_rendered_without_its_request_loads_the_files_by_url():
    """A template rendered without the request (as Django's default error handlers do) has no nonce:
    the files are then loaded by URL, as before."""
    from django.template import Context, Template

    html = Template(
        '{% load spotme_inline %}{% inline_style "spotme/spotme.css" %}{% inline_script "spotme/phone.js" %}'
    ).render(Context({}))
    assert html == (
        '<link rel="stylesheet" href="/static/spotme/spotme.css">'
        '<script src="/static/spotme/phone.js" defer></script>'
    )


def test_api_docs_work_under_the_policy(apex_client):
    page = apex_client.get("/api/docs/")
    assert_secure_headers(page)
    html = page.content.decode()
    assert "<style" not in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "no inline script"
    script = re.search(r'<script src="([^"]*script=[^"]*)"', html).group(1).replace("&amp;", "&")
    response = apex_client.get(script)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")


INLINE = [
    # A JSON data block (type="application/json") is never executed: CSP has nothing to block there.
    (
        re.compile(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>", re.IGNORECASE),
        "inline <script>",
    ),
    (re.compile(r"<style\b", re.IGNORECASE), "<style> element"),
    (re.compile(r"\sstyle\s*=", re.IGNORECASE), "style attribute"),
    (re.compile(r"\son[a-z]+\s*=", re.IGNORECASE), "inline event handler"),
    (re.compile(r"javascript:", re.IGNORECASE), "javascript: URL"),
]


def project_templates() -> list[Path]:
    folders = [ROOT / "platform", ROOT / "tenant_apps", ROOT / "shared_apps", ROOT / "tenants"]
    return sorted(p for folder in folders for p in folder.rglob("templates/**/*.html"))


@pytest.mark.parametrize("template", project_templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_templates_have_nothing_inline(template):
    """script-src and style-src 'self' block inline code: every template uses external files and
    classes (a tree's indentation is a class, the API docs' start-up script a separate response)."""
    text = template.read_text()
    for pattern, what in INLINE:
        match = pattern.search(text)
        assert match is None, (
            f"{what} in {template.name}: {text[max(0, match.start() - 40) : match.end() + 40]!r}"
        )
