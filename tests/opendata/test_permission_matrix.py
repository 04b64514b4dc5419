"""Data Terbuka pages and management endpoints for every role (see tests/people/test_permission_matrix.py):
only the agency's org admins manage tokens, webhooks and deliveries; other roles are refused, and
so is another agency's org admin (their session does not exist here: the login page / 403). The
open-data endpoints answer API tokens only: a browser session of any role is a 401."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from tenant_apps.opendata import services
from tenant_apps.opendata.events import publish
from tenant_apps.opendata.models import WebhookDelivery
from tests.fixtures.people import ROLES, walk_matrix

from .conftest import make_token


def row(anonymous, other_agency, officer, supervisor_of_target, supervisor_other, executive, org_admin):
    return dict(
        anonymous=anonymous,
        other_agency=other_agency,
        officer=officer,
        supervisor_of_target=supervisor_of_target,
        supervisor_other=supervisor_other,
        executive=executive,
        org_admin=org_admin,
    )


ANON, OUT, NO_TOKEN = 302, 403, 401
#                   anon  other officer sup_t sup_o exec admin
ADMIN_PAGE = row(ANON, ANON, OUT, OUT, OUT, OUT, 200)
ADMIN_POST = row(ANON, ANON, OUT, OUT, OUT, OUT, 302)
ADMIN_POST_SHOWS = row(ANON, ANON, OUT, OUT, OUT, OUT, 200)  # a page showing a new secret once
API = row(OUT, OUT, OUT, OUT, OUT, OUT, 200)
API_CREATE = row(OUT, OUT, OUT, OUT, OUT, OUT, 201)
API_ACCEPTED = row(OUT, OUT, OUT, OUT, OUT, OUT, 202)
OPEN = row(*[NO_TOKEN] * 7)

MATRIX = [
    ("GET", "/open-data/", ADMIN_PAGE),
    ("GET", "/open-data/tokens/new/", ADMIN_PAGE),
    ("POST", "/open-data/tokens/new/", ADMIN_POST_SHOWS),
    ("GET", "/open-data/tokens/{t}/", ADMIN_PAGE),
    ("POST", "/open-data/tokens/{t}/revoke/", ADMIN_POST),
    ("GET", "/open-data/webhooks/new/", ADMIN_PAGE),
    ("POST", "/open-data/webhooks/new/", ADMIN_POST_SHOWS),
    ("GET", "/open-data/webhooks/{w}/", ADMIN_PAGE),
    ("GET", "/open-data/webhooks/{w}/edit/", ADMIN_PAGE),
    ("POST", "/open-data/webhooks/{w}/edit/", ADMIN_POST),
    ("POST", "/open-data/webhooks/{w}/rotate-secret/", ADMIN_POST_SHOWS),
    ("POST", "/open-data/webhooks/{w}/ping/", ADMIN_POST),
    ("GET", "/open-data/deliveries/{d}/", ADMIN_PAGE),
    ("POST", "/open-data/deliveries/{d}/redeliver/", ADMIN_POST),
    ("GET", "/api/v1/api-tokens/", API),
    ("POST", "/api/v1/api-tokens/", API_CREATE),
    ("GET", "/api/v1/api-tokens/{t}/", API),
    ("GET", "/api/v1/api-tokens/{t}/uses/", API),
    ("POST", "/api/v1/api-tokens/{t}/revoke/", API),
    ("GET", "/api/v1/webhooks/", API),
    ("POST", "/api/v1/webhooks/", API_CREATE),
    ("GET", "/api/v1/webhooks/{w}/", API),
    ("PATCH", "/api/v1/webhooks/{w}/", API),
    ("PUT", "/api/v1/webhooks/{w}/", API),
    ("POST", "/api/v1/webhooks/{w}/rotate-secret/", API),
    ("POST", "/api/v1/webhooks/{w}/ping/", API_ACCEPTED),
    ("GET", "/api/v1/webhook-deliveries/", API),
    ("GET", "/api/v1/webhook-deliveries/{d}/", API),
    ("POST", "/api/v1/webhook-deliveries/{d}/redeliver/", API_ACCEPTED),
    ("GET", "/api/v1/open/attendance-days/", OPEN),
    ("GET", "/api/v1/open/officers/", OPEN),
    ("GET", "/api/v1/open/officers/{o}/", OPEN),
    ("GET", "/api/v1/open/movements/", OPEN),
]
HOOK = {"url": "https://hooks.example.gov.my/spotme", "events": ["day.closed", "officer.changed"]}
BODIES = {
    ("POST", "/open-data/tokens/new/"): {
        "name": "HRMIS",
        "scopes": ["officers:read"],
        "expires_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
    },
    ("POST", "/open-data/webhooks/new/"): HOOK,
    ("POST", "/open-data/webhooks/{w}/edit/"): {**HOOK, "is_active": "on"},
    ("POST", "/api/v1/api-tokens/"): {
        "name": "HRMIS",
        "scopes": ["attendance:read"],
        "expires_at": (timezone.now() + timedelta(days=30)).isoformat(),
    },
    ("POST", "/api/v1/webhooks/"): HOOK,
    ("PATCH", "/api/v1/webhooks/{w}/"): {"description": "Sistem HR"},
    ("PUT", "/api/v1/webhooks/{w}/"): {**HOOK, "is_active": False},
}


@pytest.fixture
def targets(cast):
    _, token = make_token(cast.agency)
    with schema_context(cast.agency.schema_name):
        webhook = services.create_endpoint(url=HOOK["url"], events=HOOK["events"]).endpoint
        # A delivery that has failed for good (sent nowhere: nothing is committed in these tests).
        publish(cast.agency.schema_name, {"day.closed": [{"date": "2026-11-23", "officers_closed": 7}]})
        delivery = WebhookDelivery.objects.get()
        WebhookDelivery.objects.filter(pk=delivery.pk).update(status="failed", next_attempt_at=None)
    return dict(t=token.pk, w=webhook.pk, d=delivery.pk, o=cast.officer_1.pk)


@pytest.mark.parametrize("role", ROLES)
def test_opendata_permission_matrix(cast, targets, client_as, role, settings):
    settings.SPOTME_WEBHOOK_ALLOW_PRIVATE = True  # no DNS lookups for the example address
    walk_matrix(client_as(role), role, MATRIX, BODIES, **targets)


def test_another_agencys_admin_sees_none_of_it_on_their_own_host(cast, targets, other_agency_client):
    """Agency B's admin, on B's subdomain, asking for A's ids: they do not exist there."""
    for path in (
        "/open-data/tokens/{t}/",
        "/open-data/webhooks/{w}/",
        "/open-data/deliveries/{d}/",
        "/api/v1/api-tokens/{t}/",
        "/api/v1/webhooks/{w}/",
        "/api/v1/webhook-deliveries/{d}/",
    ):
        assert other_agency_client.get(path.format(**targets)).status_code == 404, path
    assert other_agency_client.get("/api/v1/api-tokens/").json()["results"] == []
    assert other_agency_client.post("/api/v1/api-tokens/{t}/revoke/".format(**targets)).status_code == 404


def test_token_shown_once_and_never_again(cast, admin_session):
    created = admin_session.post(
        "/api/v1/api-tokens/",
        {
            "name": "HRMIS",
            "scopes": ["officers:read"],
            "expires_at": (timezone.now() + timedelta(days=7)).isoformat(),
        },
        content_type="application/json",
    )
    assert created.status_code == 201 and "no-store" in created["Cache-Control"]
    token = created.json()["token"]
    assert token.startswith(created.json()["prefix"])
    listed = admin_session.get("/api/v1/api-tokens/").content.decode()
    detail = admin_session.get(f"/api/v1/api-tokens/{created.json()['id']}/").content.decode()
    page = admin_session.get(f"/open-data/tokens/{created.json()['id']}/").content.decode()
    assert token not in listed and token not in detail and token not in page
    # The page flow shows it once, too.
    response = admin_session.post(
        "/open-data/tokens/new/",
        {
            "name": "Sistem Gaji",
            "scopes": ["attendance:read"],
            "expires_on": (timezone.localdate() + timedelta(days=5)).isoformat(),
        },
    )
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert b'id="new-token"' in response.content


def test_token_expiry_limits(cast, admin_session):
    too_long = admin_session.post(
        "/api/v1/api-tokens/",
        {
            "name": "HRMIS",
            "scopes": ["officers:read"],
            "expires_at": (timezone.now() + timedelta(days=400)).isoformat(),
        },
        content_type="application/json",
    )
    past = admin_session.post(
        "/api/v1/api-tokens/",
        {
            "name": "HRMIS",
            "scopes": ["officers:read"],
            "expires_at": (timezone.now() - timedelta(days=1)).isoformat(),
        },
        content_type="application/json",
    )
    assert too_long.status_code == past.status_code == 400
    assert "expires_at" in too_long.json()["fields"] and "expires_at" in past.json()["fields"]


def test_nav_entry_only_for_org_admins(cast, client_as):
    assert b'id="nav-opendata"' in client_as("org_admin").get("/open-data/").content
    assert b'id="nav-opendata"' not in client_as("executive").get("/").content


def test_page_flows(cast, admin_session):
    created = admin_session.post(
        "/open-data/webhooks/new/",
        {"url": "https://hooks.example.gov.my/a", "events": ["day.closed"], "description": "HRMIS"},
    )
    assert created.status_code == 200 and "no-store" in created["Cache-Control"]
    secret = created.content.decode().split('id="webhook-secret" class="secret">')[1].split("<")[0]
    assert secret.startswith("whsec_")
    with schema_context(cast.agency.schema_name):
        from tenant_apps.opendata.models import WebhookEndpoint

        webhook = WebhookEndpoint.objects.get()
        assert webhook.secret == secret
    page = admin_session.get(f"/open-data/webhooks/{webhook.pk}/").content.decode()
    assert secret not in page and webhook.secret_prefix in page
    edited = admin_session.post(
        f"/open-data/webhooks/{webhook.pk}/edit/",
        {"url": "https://hooks.example.gov.my/b", "events": ["issue.decided"]},
    )
    assert edited.status_code == 302
    with schema_context(cast.agency.schema_name):
        webhook.refresh_from_db()
    assert (webhook.url, webhook.events, webhook.is_active) == (
        "https://hooks.example.gov.my/b",
        ["issue.decided"],
        False,
    )
    bad = admin_session.post("/open-data/webhooks/new/", {"url": "ftp://x", "events": []})
    assert bad.status_code == 400

    _, token = make_token(cast.agency)
    assert admin_session.post(f"/open-data/tokens/{token.pk}/revoke/").status_code == 302
    with schema_context(cast.agency.schema_name):
        token.refresh_from_db()
    assert token.revoked_at is not None
    listing = admin_session.get("/open-data/").content.decode()
    assert token.prefix in listing and "https://hooks.example.gov.my/b" in listing
