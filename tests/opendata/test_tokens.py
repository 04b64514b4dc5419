"""API tokens on the open-data endpoints: scopes, expiry, revocation, another agency's token, the
rate per token, one audit row per request, and what the endpoints return."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from tenant_apps.attendance.models import AttendanceDay
from tenant_apps.movements.models import Movement
from tenant_apps.opendata import services
from tenant_apps.opendata.models import ApiToken, Scope, TokenUse

from .conftest import bearer, make_token

DAY = date(2026, 11, 23)


@pytest.fixture
def api(cast, client_for):
    return client_for(cast.agency)


@pytest.fixture
def days(cast):
    with schema_context(cast.agency.schema_name):
        for officer in (cast.officer_1, cast.officer_2, cast.officer_3):
            AttendanceDay.objects.create(
                officer=officer, date=DAY, primary="hadir", codes=["hadir"], closed=True
            )
        AttendanceDay.objects.create(
            officer=cast.officer_1, date=DAY - timedelta(days=1), primary="tidak_hadir"
        )


def uses(agency, token):
    with schema_context(agency.schema_name):
        return list(TokenUse.objects.filter(token=token).order_by("pk").values_list("path", "status"))


def test_token_is_stored_as_hash_and_shown_once(cast):
    plaintext, token = make_token(cast.agency)
    with schema_context(cast.agency.schema_name):
        stored = ApiToken.objects.get(pk=token.pk)
    assert plaintext.startswith("spotme_") and len(plaintext) > 40
    assert plaintext not in str(stored.__dict__.values())
    assert stored.token_hash == services.hash_token(plaintext) and plaintext.startswith(stored.prefix)


def test_scope_enforced(cast, api, days):
    officers_only, token = make_token(cast.agency, scopes=[Scope.OFFICERS])
    assert api.get("/api/v1/open/officers/", **bearer(officers_only)).status_code == 200
    refused = api.get(f"/api/v1/open/attendance-days/?date={DAY}", **bearer(officers_only))
    assert refused.status_code == 403
    assert refused.json()["code"] == "scope_missing"
    assert api.get("/api/v1/open/movements/", **bearer(officers_only)).status_code == 403
    assert [s for _, s in uses(cast.agency, token)] == [200, 403, 403]


def test_expired_and_revoked_tokens_refused_with_a_clear_message(cast, api):
    expired, expired_token = make_token(cast.agency, expires_in=timedelta(days=1))
    with schema_context(cast.agency.schema_name):
        ApiToken.objects.filter(pk=expired_token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    response = api.get("/api/v1/open/officers/", HTTP_ACCEPT_LANGUAGE="en", **bearer(expired))
    assert response.status_code == 401
    assert response.json() == {"detail": "This API token has expired.", "code": "token_expired"}
    assert response["WWW-Authenticate"].startswith("Bearer")

    revoked, revoked_token = make_token(cast.agency)
    assert api.get("/api/v1/open/officers/", **bearer(revoked)).status_code == 200
    with schema_context(cast.agency.schema_name):
        services.revoke_token(revoked_token)
    response = api.get("/api/v1/open/officers/", HTTP_ACCEPT_LANGUAGE="en", **bearer(revoked))
    assert response.status_code == 401
    assert response.json() == {"detail": "This API token has been revoked.", "code": "token_revoked"}
    # Refusals of a known token are audited too.
    assert [s for _, s in uses(cast.agency, revoked_token)] == [200, 401]
    assert [s for _, s in uses(cast.agency, expired_token)] == [401]


def test_expiry_is_checked_at_each_request(cast, api):
    plaintext, token = make_token(cast.agency)
    assert api.get("/api/v1/open/officers/", **bearer(plaintext)).status_code == 200
    with schema_context(cast.agency.schema_name):
        ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    assert api.get("/api/v1/open/officers/", **bearer(plaintext)).json()["code"] == "token_expired"


def test_another_agencys_token_is_refused(cast, agency_b, api, client_for):
    theirs, _ = make_token(agency_b)
    assert client_for(agency_b).get("/api/v1/open/officers/", **bearer(theirs)).status_code == 200
    response = api.get("/api/v1/open/officers/", **bearer(theirs))
    assert response.status_code == 401 and response.json()["code"] == "token_invalid"


def test_missing_malformed_and_unknown_tokens(cast, api, admin_session):
    assert api.get("/api/v1/open/officers/").status_code == 401
    assert api.get("/api/v1/open/officers/", HTTP_AUTHORIZATION="Bearer").status_code == 401
    assert api.get("/api/v1/open/officers/", HTTP_AUTHORIZATION="Bearer a b").status_code == 401
    assert api.get("/api/v1/open/officers/", **bearer("spotme_not-a-real-token")).status_code == 401
    # A signed-in org admin's session is not an API token.
    assert admin_session.get("/api/v1/open/officers/").status_code == 401


def test_malay_by_default(cast, api):
    plaintext, token = make_token(cast.agency)
    with schema_context(cast.agency.schema_name):
        services.revoke_token(token)
    body = api.get("/api/v1/open/officers/", **bearer(plaintext)).json()
    assert body["code"] == "token_revoked" and body["detail"]


def test_rate_limited_per_token(cast, api, settings):
    settings.SPOTME_OPENDATA_RATE = "3/minute"
    first, first_token = make_token(cast.agency)
    second, _ = make_token(cast.agency, name="Sistem Gaji")
    codes = [api.get("/api/v1/open/officers/", **bearer(first)).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = api.get("/api/v1/open/officers/", **bearer(first))
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert limited.json()["code"] == "throttled"
    assert api.get("/api/v1/open/officers/", **bearer(second)).status_code == 200, "each token its own count"
    assert [s for _, s in uses(cast.agency, first_token)] == [200, 200, 200, 429, 429]


def test_each_use_is_one_insert(cast, api, days):
    plaintext, token = make_token(cast.agency, scopes=[Scope.ATTENDANCE])
    with CaptureQueriesContext(connection) as queries:
        response = api.get(
            f"/api/v1/open/attendance-days/?date={DAY}", REMOTE_ADDR="10.1.2.3", **bearer(plaintext)
        )
    assert response.status_code == 200
    writes = [
        q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]
    assert len(writes) == 1 and "opendata_tokenuse" in writes[0]
    with schema_context(cast.agency.schema_name):
        use = TokenUse.objects.get(token=token)
    assert (use.method, use.path, use.status, use.ip_address) == (
        "GET",
        f"/api/v1/open/attendance-days/?date={DAY}",
        200,
        "10.1.2.3",
    )


def test_attendance_days_filters_and_pagination(cast, api, days):
    plaintext, _ = make_token(cast.agency, scopes=[Scope.ATTENDANCE])
    body = api.get(f"/api/v1/open/attendance-days/?date={DAY}&limit=2", **bearer(plaintext)).json()
    assert body["count"] == 3 and len(body["results"]) == 2 and "offset=2" in body["next"]
    assert set(body["results"][0]) >= {"officer", "date", "primary", "worked_minutes", "closed"}
    rows = api.get(
        f"/api/v1/open/attendance-days/?from={DAY - timedelta(days=5)}&to={DAY}&officer={cast.officer_1.pk}",
        **bearer(plaintext),
    ).json()["results"]
    assert [(r["date"], r["primary"]) for r in rows] == [
        (str(DAY - timedelta(days=1)), "tidak_hadir"),
        (str(DAY), "hadir"),
    ]
    other_unit = api.get(
        f"/api/v1/open/attendance-days/?date={DAY}&org_unit={cast.unit.pk}", **bearer(plaintext)
    )
    assert other_unit.json()["count"] == 3, "a unit includes its sub-units"
    bad = api.get("/api/v1/open/attendance-days/?from=2025-01-01&to=2026-12-31", **bearer(plaintext))
    assert bad.status_code == 400
    assert api.get("/api/v1/open/attendance-days/?date=23-11-2026", **bearer(plaintext)).status_code == 400


def test_officers_carry_no_private_fields(cast, api):
    plaintext, _ = make_token(cast.agency, scopes=[Scope.OFFICERS])
    body = api.get(
        f"/api/v1/open/officers/?ids={cast.officer_1.pk},{cast.officer_2.pk}", **bearer(plaintext)
    ).json()
    assert [r["id"] for r in body["results"]] == sorted([cast.officer_1.pk, cast.officer_2.pk])
    row = body["results"][0]
    assert set(row) == {
        "id", "mykad", "full_name", "email", "grade", "position", "org_unit", "supervisor",
        "join_date", "leave_date", "is_active", "roles", "updated_at",
    }  # fmt: skip
    assert "phone" not in row and "password" not in row
    one = api.get(f"/api/v1/open/officers/{cast.officer_1.pk}/", **bearer(plaintext)).json()
    assert one["org_unit"]["code"] == "BTM-APP"


def test_movements(cast, api):
    with schema_context(cast.agency.schema_name):
        Movement.objects.create(
            officer=cast.officer_1,
            date=DAY,
            whole_day=True,
            kind="meeting",
            place="Putrajaya",
            purpose="Mesyuarat",
        )
    plaintext, _ = make_token(cast.agency, scopes=[Scope.MOVEMENTS])
    rows = api.get(f"/api/v1/open/movements/?date={DAY}", **bearer(plaintext)).json()["results"]
    assert [(r["officer"], r["place"]) for r in rows] == [(cast.officer_1.pk, "Putrajaya")]
    assert "attachment" not in rows[0] and "latitude" not in rows[0]


def test_open_data_in_the_schema(cast, admin_session):
    schema = admin_session.get("/api/schema/?format=json").json()
    assert {
        "/api/v1/open/attendance-days/",
        "/api/v1/open/officers/",
        "/api/v1/open/officers/{id}/",
        "/api/v1/open/movements/",
        "/api/v1/api-tokens/",
        "/api/v1/api-tokens/{id}/revoke/",
        "/api/v1/webhooks/",
        "/api/v1/webhooks/{id}/rotate-secret/",
        "/api/v1/webhook-deliveries/",
        "/api/v1/webhook-deliveries/{id}/redeliver/",
    } <= set(schema["paths"])
    assert schema["components"]["securitySchemes"]["ApiToken"]["scheme"] == "bearer"
    days_op = schema["paths"]["/api/v1/open/attendance-days/"]["get"]
    assert days_op["security"] == [{"ApiToken": []}]
