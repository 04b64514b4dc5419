"""Issue 17: every query parameter the OpenAPI schema declares is checked against its declaration
(spotme.api_query): an empty number, a value outside an enum, a boolean given as 0/1 or a malformed
date is a 400 in the API's one error shape, in the user's language, before the view runs."""

from __future__ import annotations

import pytest

from tests.fixtures.agencies import PASSWORD

from .test_hostile_input import assert_error, post_raw


@pytest.fixture
def as_user(cast, client_for):
    def make(who: str, language: str = "en"):
        client = client_for(cast.agency, HTTP_ACCEPT_LANGUAGE=language)
        client.login_as(cast.LOGINS[who], PASSWORD)
        return client

    return make


@pytest.mark.parametrize(
    "who, path, field",
    [
        ("admin", "/api/v1/officers/?limit=", "limit"),  # empty pagination values: not "absent"
        ("admin", "/api/v1/officers/?offset=", "offset"),
        ("admin", "/api/v1/attendance/holiday-overrides/?year=", "year"),
        ("officer_1", "/api/v1/dashboard/me/?year=", "year"),
        ("officer_1", "/api/v1/dashboard/me/?year=20x5", "year"),
        ("supervisor_1", "/api/v1/tasks/?status=open", "status"),  # outside the enum
        ("supervisor_1", "/api/v1/tasks/?priority=", "priority"),
        ("supervisor_1", "/api/v1/tasks/?scope=everyone", "scope"),
        ("supervisor_1", "/api/v1/tasks/?overdue=1", "overdue"),
        ("officer_1", "/api/v1/attendance/issues/?scope=all", "scope"),
        ("officer_1", "/api/v1/attendance/pattern-requests/?status=maybe", "status"),
        ("admin", "/api/v1/officers/?active=1", "active"),  # a boolean is true or false
        ("admin", "/api/v1/officers/?role=boss", "role"),
        ("admin", "/api/v1/attendance/sites/?active=0", "active"),
        ("admin", "/api/v1/webhook-deliveries/?status=lost", "status"),
        ("executive", "/api/v1/dashboard/agency/?start=2026-1-1", "start"),
        ("executive", "/api/v1/dashboard/agency/?granularity=year", "granularity"),
    ],
)
def test_a_value_the_schema_does_not_allow_is_a_400(as_user, who, path, field):
    body = assert_error(as_user(who).get(path), 400, "invalid")
    assert list(body["fields"]) == [field], body


def test_declared_values_still_pass(as_user):
    admin, supervisor = as_user("admin"), as_user("supervisor_1")
    assert admin.get("/api/v1/officers/?active=true&limit=5&offset=0&role=pegawai").status_code == 200
    assert admin.get("/api/v1/attendance/sites/?active=false").status_code == 200
    assert (
        supervisor.get("/api/v1/tasks/?status=baru&priority=high&scope=team&overdue=false").status_code == 200
    )
    assert as_user("officer_1").get("/api/v1/dashboard/me/?year=2026").status_code == 200


def test_the_message_speaks_the_users_language(as_user):
    body = assert_error(as_user("admin", "ms").get("/api/v1/officers/?active=1"), 400, "invalid")
    assert body["fields"]["active"] == ["Berikan true atau false."], body


def test_an_empty_location_status_in_the_clock_body_is_a_400(cast, office, as_user):
    response = post_raw(
        as_user("officer_1"), "/api/v1/attendance/clock/", '{"direction": "in", "location_status": ""}'
    )
    body = assert_error(response, 400)
    assert "location_status" in body["fields"], body


def test_json_endpoints_take_a_json_object_only(as_user):
    """Found by the long run: a form body (or a bare number) was parsed as an empty form and
    answered 200. These endpoints now take JSON objects only, as their schema says."""
    admin = as_user("admin")
    form = admin.put(
        "/api/v1/devices/settings/", "2.5e-286", content_type="application/x-www-form-urlencoded"
    )
    assert_error(form, 415)
    assert_error(
        post_raw(admin, "/api/v1/devices/settings/", "2.5e-286", method="patch"), 400, "not_an_object"
    )
    officer = as_user("officer_1")
    read = officer.post(
        "/api/v1/notifications/read/", "ids=1&ids=2", content_type="application/x-www-form-urlencoded"
    )
    assert_error(read, 415)
    assert_error(post_raw(officer, "/api/v1/notifications/read/", "[[], null]"), 400, "not_an_object")
    schema = admin.get("/api/schema/?format=json").json()["paths"]
    assert list(schema["/api/v1/devices/settings/"]["put"]["requestBody"]["content"]) == ["application/json"]
    assert list(schema["/api/v1/notifications/read/"]["post"]["requestBody"]["content"]) == [
        "application/json"
    ]
    # ... and the 415 they answer is a documented status, in the one error shape.
    for path, method in (("/api/v1/devices/settings/", "put"), ("/api/v1/notifications/read/", "post")):
        documented = schema[path][method]["responses"]["415"]["content"]["application/json"]["schema"]
        assert documented == {"$ref": "#/components/schemas/Error"}, (path, documented)
    # An operation with no body cannot answer 415 and does not claim to.
    assert "415" not in schema["/api/v1/devices/settings/"]["get"]["responses"]


def test_a_string_field_takes_a_string_not_a_number(cast, as_user):
    """Found by the long run: DRF's CharField turned a JSON number into text, so `{"endpoint": 5}`
    was accepted although the schema says `type: string`. Now a 400, in the user's language."""
    officer = as_user("officer_1")
    body = assert_error(post_raw(officer, "/api/v1/notifications/push/unsubscribe/", '{"endpoint": 5}'), 400)
    assert list(body["fields"]) == ["endpoint"], body
    admin_ms = as_user("admin", "ms")
    body = assert_error(post_raw(admin_ms, "/api/v1/org-units/", '{"name": 12345, "code": "X1"}'), 400)
    assert body["fields"]["name"] == ["Bukan rentetan teks yang sah."], body
    created = post_raw(admin_ms, "/api/v1/org-units/", '{"name": "12345", "code": "X1"}')
    assert created.status_code == 201, created.content


def test_optional_clock_fields_sent_as_null_mean_absent_as_the_schema_says(cast, office, as_user):
    """Found by the long run: `idempotency_key: null` was accepted while the schema said string.
    A phone's queue may write null for what it does not have, so the schema now says nullable."""
    officer = as_user("officer_1")
    raw = '{"direction": "in", "idempotency_key": null, "client_time": null, "sent_at": null, '
    raw += '"user_id": null}'
    response = post_raw(officer, "/api/v1/attendance/clock/", raw)
    assert response.status_code == 201, response.content
    schema = as_user("admin").get("/api/schema/?format=json").json()["components"]["schemas"]["ClockRequest"]
    for name in ("idempotency_key", "client_time", "sent_at", "user_id", "location_status"):
        assert schema["properties"][name].get("nullable") is True, name
    assert not schema["properties"]["direction"].get("nullable")
    assert_error(post_raw(officer, "/api/v1/attendance/clock/", '{"direction": null}'), 400)
