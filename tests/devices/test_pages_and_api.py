"""The org admin's pages and API: settings (the token never shown back), upload with a dry run and a
row-by-row report, batches, unmatched IDs and their mapping, pull now and test connection."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context

from tenant_apps.attendance.models import ClockEvent
from tenant_apps.devices.models import DeviceBatch, DeviceEnrolment, DeviceIntegration
from tests.fixtures.agencies import PASSWORD
from tests.fixtures.people import OFFICER_1

from .conftest import Reply, records

GOOD = f"{OFFICER_1}\t2025-11-17 08:02:11\t0\t1\t0\n{OFFICER_1}\t2025-11-17 17:15:40\t1\t1\t0\n".encode()
BAD = f"{OFFICER_1}\t2025-11-17 08:02:11\t0\t1\t0\n{OFFICER_1}\tsemalam\t1\t1\t0\n".encode()


def admin(cast, client_for):
    client = client_for(cast.agency)
    client.login_as(cast.LOGINS["admin"], PASSWORD)
    return client


def test_settings_page_saves_and_never_shows_the_token(cast, client_for):
    client = admin(cast, client_for)
    response = client.post(
        "/devices/",
        {
            "enabled": "on",
            "endpoint_url": "https://peranti.example.gov.my/api/attlog",
            "auth_kind": "bearer",
            "secret": "token-yang-rahsia",
            "since_param": "from",
            "until_param": "to",
            "window_format": "iso",
            "overlap_minutes": 60,
            "timeout_seconds": 20,
            "payload_format": "json",
            "records_path": "data",
            "field_user_id": "pin",
            "field_timestamp": "time",
            "field_status": "state",
            "field_verify": "",
            "field_work_code": "",
            "device_timezone": "Asia/Kuala_Lumpur",
            "pull_times_text": "22:00, 07:00, 12:30",
            "user_id_mapping": "mykad",
            "direction_mode": "status",
        },
    )
    assert response.status_code == 302
    page = client.get("/devices/")
    assert b"token-yang-rahsia" not in page.content
    assert b'id="token-state">' in page.content
    with schema_context(cast.agency.schema_name):
        integration = DeviceIntegration.current()
        assert integration.pull_times == ["07:00", "12:30", "22:00"]
        assert integration.secret == "token-yang-rahsia" and integration.next_pull_at is not None
    api = client.get("/api/v1/devices/settings/").json()
    assert api["has_secret"] is True and "secret" not in api and "secret_encrypted" not in api
    # Saving again without a token keeps the stored one.
    client.patch("/api/v1/devices/settings/", {"overlap_minutes": 30}, content_type="application/json")
    with schema_context(cast.agency.schema_name):
        assert DeviceIntegration.current().secret == "token-yang-rahsia"


def test_settings_are_validated(cast, client_for):
    client = admin(cast, client_for)
    response = client.patch(
        "/api/v1/devices/settings/",
        {"pull_times": ["7am"], "device_timezone": "Mars/Olympus", "auth_kind": "header", "auth_header": ""},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert {"pull_times", "device_timezone"} <= set(response.json()["fields"])
    response = client.patch(
        "/api/v1/devices/settings/", {"enabled": True, "endpoint_url": ""}, content_type="application/json"
    )
    assert response.status_code == 400 and "endpoint_url" in response.json()["fields"]


def test_upload_page_dry_run_then_import(cast, client_for):
    client = admin(cast, client_for)
    dry = client.post("/devices/upload/", {"file": SimpleUploadedFile("ATTLOG.dat", GOOD), "dry_run": "on"})
    assert dry.status_code == 200 and b'data-status="checked"' in dry.content
    real = client.post("/devices/upload/", {"file": SimpleUploadedFile("ATTLOG.dat", GOOD)})
    assert real.status_code == 302
    detail = client.get(real["Location"])
    assert b'id="new">2<' in detail.content
    bad = client.post("/devices/upload/", {"file": SimpleUploadedFile("ATTLOG.dat", BAD)})
    assert (
        bad.status_code == 400 and b'data-row="2"' in bad.content and b'data-code="timestamp"' in bad.content
    )
    assert client.get("/devices/batches/").status_code == 200


def test_upload_through_the_api(cast, client_for):
    client = admin(cast, client_for)
    response = client.post(
        "/api/v1/devices/upload/",
        {
            "file": SimpleUploadedFile(
                "x.csv", b"user_id,timestamp\n" + OFFICER_1.encode() + b",2025-11-17 08:00:00\n"
            )
        },
    )
    assert response.status_code == 201 and response.json()["new"] == 1
    rejected = client.post("/api/v1/devices/upload/", {"file": SimpleUploadedFile("ATTLOG.dat", BAD)})
    assert rejected.status_code == 400 and rejected.json()["errors"][0]["row"] == 2
    batches = client.get("/api/v1/devices/batches/").json()
    assert batches["count"] == 2


def test_unmatched_ids_are_listed_and_mapped(cast, client_for):
    client = admin(cast, client_for)
    client.post(
        "/devices/upload/", {"file": SimpleUploadedFile("a.dat", b"555\t2025-11-17 08:00:00\t0\t1\t0\n")}
    )
    assert client.get("/api/v1/devices/unmatched/").json()[0]["device_user_id"] == "555"
    page = client.get("/devices/unmatched/")
    assert b'data-id="555"' in page.content
    wrong = client.post("/devices/unmatched/", {"device_user_id": "555", "officer_mykad": "000000000000"})
    assert wrong.status_code == 400
    response = client.post("/devices/unmatched/", {"device_user_id": "555", "officer_mykad": OFFICER_1})
    assert response.status_code == 302
    with schema_context(cast.agency.schema_name):
        assert DeviceEnrolment.objects.get(device_user_id="555").officer == cast.officer_1
        assert ClockEvent.objects.filter(officer=cast.officer_1, source="biometric").count() == 1
    assert client.get("/api/v1/devices/unmatched/").json() == []


def test_pull_now_and_test_connection(cast, client_for, device_api):
    device_api.answer(Reply(body=records((OFFICER_1, "2025-11-17 08:00:00", 0))))
    client = admin(cast, client_for)
    client.patch(
        "/api/v1/devices/settings/",
        {"endpoint_url": device_api.url, "secret": "abc"},
        content_type="application/json",
    )
    test = client.post("/api/v1/devices/test-connection/").json()
    assert test["ok"] and test["records"] == 1
    assert client.post("/devices/test-connection/").status_code == 302
    assert client.post("/api/v1/devices/pull/").status_code == 202  # eager in tests: done already
    with schema_context(cast.agency.schema_name):
        batch = DeviceBatch.objects.get()
        assert (batch.source, batch.status, batch.new) == ("pull_now", "imported", 1)
        assert batch.created_by_label == cast.LOGINS["admin"]


def test_the_api_is_in_the_openapi_schema(cast, client_for):
    schema = admin(cast, client_for).get("/api/schema/").content.decode()
    for path in (
        "/api/v1/devices/settings/",
        "/api/v1/devices/upload/",
        "/api/v1/devices/batches/",
        "/api/v1/devices/unmatched/",
        "/api/v1/devices/unmatched/map/",
        "/api/v1/devices/pull/",
        "/api/v1/devices/test-connection/",
    ):
        assert path in schema, path


def test_settings_changes_are_audited_without_the_token(cast, client_for):
    from spotme.audit.models import LogEntry

    client = admin(cast, client_for)
    client.patch(
        "/api/v1/devices/settings/",
        {"endpoint_url": "https://peranti.example.gov.my/x", "secret": "jangan-dilog"},
        content_type="application/json",
    )
    with schema_context(cast.agency.schema_name):
        entries = LogEntry.objects.filter(content_type__model="deviceintegration")
        assert entries.exists()
        text = " ".join(str(e.changes) for e in entries)
        assert "peranti.example.gov.my" in text
        assert "jangan-dilog" not in text and "secret" not in text
