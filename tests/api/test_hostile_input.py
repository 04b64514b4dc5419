"""Issue 17: each request that was a 500 is now a 4xx in the API's one error shape, and writes nothing."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django_tenants.utils import schema_context

from spotme.audit.models import LogEntry
from tenant_apps.attendance import services as attendance
from tenant_apps.attendance.models import AttendanceIssue, ClockEvent
from tenant_apps.notifications.models import Notification
from tenant_apps.organisation.models import OrgUnit
from tenant_apps.people.models import Officer
from tenant_apps.tasks.models import Task
from tests.fixtures.agencies import PASSWORD
from tests.fixtures.attendance import INSIDE, at

MON = date(2025, 11, 17)  # a Monday, no holiday in Selangor


@pytest.fixture
def as_user(cast, client_for):
    def make(who: str, language: str = "en"):
        client = client_for(cast.agency, HTTP_ACCEPT_LANGUAGE=language)
        client.login_as(cast.LOGINS[who], PASSWORD)
        return client

    return make


def counts(cast) -> dict:
    with schema_context(cast.agency.schema_name):
        return {
            model.__name__: model.objects.count()
            for model in (ClockEvent, AttendanceIssue, Task, Notification, Officer, OrgUnit, LogEntry)
        }


def assert_error(response, status: int = 400, code: str | None = None) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"] and isinstance(body["code"], str), body
    if code:
        assert body["code"] == code, body
    return body


def post_raw(client, path: str, raw: str, method: str = "post"):
    return getattr(client, method)(path, raw, content_type="application/json")


def test_a_json_body_that_is_not_an_object_is_a_400_everywhere(cast, office, as_user):
    with schema_context(cast.agency.schema_name):
        attendance.clock(cast.officer_1, "in", position=INSIDE, now=at(MON, "09:25"))
        issue = AttendanceIssue.objects.filter(officer=cast.officer_1).first()
        task = Task.objects.create(title="T", created_by=cast.supervisor_1)
    officer, supervisor = as_user("officer_1"), as_user("supervisor_1")
    before = counts(cast)
    for client, path in [
        (officer, "/api/v1/attendance/clock/"),
        (officer, f"/api/v1/attendance/issues/{issue.pk}/answer/"),
        (supervisor, f"/api/v1/attendance/issues/{issue.pk}/decide/"),
        (officer, "/api/v1/notifications/read/"),
        (supervisor, f"/api/v1/tasks/{task.pk}/transition/"),
    ]:
        for raw in ('["in"]', '"in"', "1", "null", "true"):
            assert_error(post_raw(client, path, raw), code="not_an_object")
    assert counts(cast) == before


def test_nesting_nul_bytes_and_non_json_numbers_are_refused_by_the_parser(cast, office, as_user):
    client = as_user("admin")
    officer = as_user("officer_1")  # signing in saves the browser's language on the account: audited
    before = counts(cast)
    deep = "[" * 50_000 + "]" * 50_000
    assert_error(post_raw(client, "/api/v1/org-units/", '{"name": ' + deep + "}"), code="too_deep")
    assert_error(post_raw(client, "/api/v1/org-units/", '{"name": "a\\u0000b"}'), code="null_character")
    assert_error(post_raw(client, "/api/v1/org-units/", '{"na\\u0000me": "x"}'), code="null_character")
    assert_error(post_raw(client, "/api/v1/attendance/clock/", '{"direction": "in", "latitude": NaN}'))
    with schema_context(cast.agency.schema_name):
        attendance.clock(cast.officer_1, "in", position=INSIDE, now=at(MON, "09:25"))
        issue = AttendanceIssue.objects.filter(officer=cast.officer_1).first()
    answer = post_raw(officer, f"/api/v1/attendance/issues/{issue.pk}/answer/", '{"reason": "x\\u0000"}')
    assert_error(answer, code="null_character")
    after = counts(cast)
    assert after["OrgUnit"] == before["OrgUnit"] and after["LogEntry"] == before["LogEntry"]


def test_nul_in_the_query_string_is_a_400(cast, as_user):
    client = as_user("admin")
    for path in ("/api/v1/officers/?role=%00", "/api/v1/tasks/?scope=a%00", "/api/v1/org-units/?x=%00"):
        assert_error(client.get(path), code="null_character")
    assert client.get("/attendance/month/?officer=%00").status_code == 400


def test_multipart_and_lists_to_officers_are_a_400_not_a_list_in_full_name(cast, as_user):
    client = as_user("admin")
    before = counts(cast)
    listed = client.post(
        "/api/v1/officers/",
        {"mykad": "930303105017", "full_name": ["x", None], "email": "x@a.gov.my"},
        content_type="application/json",
    )
    body = assert_error(listed, code="invalid")
    assert "full_name" in body["fields"]
    assert counts(cast) == before
    # A form body (multipart): one value per field, roles repeated — as a form would send them.
    created = client.post(
        "/api/v1/officers/",
        {
            "mykad": "930303105017",
            "full_name": "Pegawai Borang",
            "email": "f@a.gov.my",
            "roles": ["penyelia"],
        },
    )
    assert created.status_code == 201, created.content
    assert created.json()["full_name"] == "Pegawai Borang" and "penyelia" in created.json()["roles"]


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/attendance/holiday-overrides/?year=0",
        "/api/v1/attendance/holiday-overrides/?year=13382390",
        "/api/v1/attendance/officer-patterns/?year=1577961",
        "/api/v1/attendance/calendar/?month=9999-12",
        "/api/v1/attendance/calendar/?month=0000-01",
        "/api/v1/attendance/days/?from=0001-01-01",
        "/api/v1/dashboard/me/?year=0",
        "/api/v1/dashboard/team/?year=abc",
        "/api/v1/dashboard/agency/?start=0001-01-01&end=0001-01-31",
        "/api/v1/officers/?limit=99999999999999999999999",
        "/api/v1/officers/?limit=1000000000",
        "/api/v1/officers/?offset=-1",
        "/api/v1/officers/?offset=136503322548423239688908320450543616",
        "/api/v1/org-units/?limit=abc",
    ],
)
def test_years_dates_months_limits_out_of_range_are_a_400(as_user, path):
    assert_error(as_user("admin").get(path))


def test_a_limit_is_capped_and_a_good_one_still_pages(cast, as_user):
    client = as_user("admin")
    page = client.get("/api/v1/officers/?limit=2&offset=1").json()
    assert page["count"] == 7 and len(page["results"]) == 2


def test_month_page_with_officer_abc_is_a_404(as_user):
    assert as_user("admin").get("/attendance/month/?officer=abc").status_code == 404


def test_options_on_the_device_settings_is_not_a_500(as_user):
    response = as_user("admin").options("/api/v1/devices/settings/")
    assert response.status_code == 200 and "name" in response.json()


def test_a_device_csv_with_nul_bytes_is_rejected_and_imports_nothing(cast, as_user):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tenant_apps.devices.models import DeviceBatch

    client = as_user("admin")
    upload = SimpleUploadedFile("log.csv", b"user_id,timestamp,status\n1\x00,2025-11-17 08:00:00,0\n")
    response = client.post("/api/v1/devices/upload/", {"file": upload})
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == "null_character"
    with schema_context(cast.agency.schema_name):
        assert DeviceBatch.objects.get().status == DeviceBatch.Status.REJECTED


def test_patch_of_one_field_keeps_the_others_and_is_audited(cast, as_user):
    client = as_user("admin")
    unit = cast.sub_unit
    with schema_context(cast.agency.schema_name):
        logged = LogEntry.objects.count()
    for name in ("Seksyen Baharu", "Seksyen Baharu 2"):  # the second PATCH used to be a 500
        response = client.patch(
            f"/api/v1/org-units/{unit.pk}/", {"name": name}, content_type="application/json"
        )
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["name"], body["code"], body["parent"]) == (name, "BTM-APP", cast.unit.pk)
    with schema_context(cast.agency.schema_name):
        stored = OrgUnit.objects.get(pk=unit.pk)
        assert (stored.name, stored.code, stored.parent_id) == ("Seksyen Baharu 2", "BTM-APP", cast.unit.pk)
        assert LogEntry.objects.count() == logged + 2


def test_errors_speak_malay_by_default_and_english_on_request(as_user):
    malay = as_user("admin", language="ms").post("/api/v1/org-units/", "[]", content_type="application/json")
    english = as_user("admin", language="en").post(
        "/api/v1/org-units/", "[]", content_type="application/json"
    )
    assert english.json()["detail"] == "The JSON body must be an object."
    assert malay.json()["detail"] != english.json()["detail"] and malay.json()["code"] == "not_an_object"


def test_validation_errors_have_the_one_shape(as_user):
    body = assert_error(
        as_user("admin").post("/api/v1/org-units/", json.dumps({"name": ""}), content_type="application/json")
    )
    assert body["code"] == "invalid" and "name" in body["fields"]


def test_an_application_id_that_is_not_a_number_is_a_404(operator_client):
    """schemathesis: POST /api/v1/applications/<garbage>/approve/ (and reject, retry) was a 500."""
    for action in ("approve", "reject", "retry"):
        response = operator_client.post(
            f"/api/v1/applications/%F2%AE%90%BBA/{action}/", {}, content_type="application/json"
        )
        assert response.status_code == 404, (action, response.content[:200])
    assert operator_client.get("/api/v1/applications/abc/").status_code == 404
