"""Pulls against a real HTTP server on loopback (tests/devices/conftest.py) standing in for an
agency's device API: a normal pull, a timeout, a 500, malformed JSON, a bad record, duplicates —
each recorded as a batch, with nothing half-written — retries with backoff, and the per-agency lock."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django_tenants.utils import schema_context

from tenant_apps.attendance.models import AttendanceDay, ClockEvent
from tenant_apps.devices import services, tasks
from tenant_apps.devices.client import PullError
from tenant_apps.devices.models import DeviceBatch, DeviceIntegration, UnmatchedPunch
from tests.fixtures.people import OFFICER_1, OFFICER_2

from .conftest import MON, Reply, at, configure, records

EVENING = at(MON, "22:00")
GOOD = records(
    (OFFICER_1, "2025-11-17 08:02:11", 0),
    (OFFICER_1, "2025-11-17 17:15:40", 1),
    (OFFICER_2, "2025-11-17 09:20:00", 0),
    (OFFICER_2, "2025-11-17 18:01:00", 1),
    ("77", "2025-11-17 08:30:00", 0),  # nobody's: kept for the org admin to map
)


def nothing_written():
    assert not ClockEvent.objects.filter(source="biometric").exists()
    assert not AttendanceDay.objects.exists()
    assert DeviceIntegration.current().watermark is None


def test_normal_pull(cast, device_api):
    device_api.answer(Reply(body=GOOD))
    configure(cast.agency, device_api.url)
    with schema_context(cast.agency.schema_name):
        batch = services.pull(now=EVENING)
        assert batch.status == DeviceBatch.Status.IMPORTED
        assert (batch.received, batch.new, batch.duplicate, batch.unmatched) == (5, 4, 0, 1)
        assert batch.unmatched_ids == ["77"]
        assert batch.days_recomputed == 2
        day = AttendanceDay.objects.get(officer=cast.officer_1, date=MON)
        assert day.first_in == at(MON, "08:02") + timedelta(seconds=11)
        assert day.primary == "hadir" and "lewat" not in day.codes
        late = AttendanceDay.objects.get(officer=cast.officer_2, date=MON)
        assert "lewat" in late.codes
        assert late.provisional  # the next morning's pull has not landed yet
        assert UnmatchedPunch.objects.filter(device_user_id="77").count() == 1
        integration = DeviceIntegration.current()
        assert integration.watermark == EVENING and integration.last_pull_ok
    request = device_api.requests[0]
    assert request["headers"]["Authorization"] == "Bearer rahsia-token-123"
    assert request["query"]["until"] == ["2025-11-17T22:00:00+08:00"]
    assert request["query"]["since"] == ["2025-11-15T20:00:00+08:00"]  # 2 days back, minus the overlap


def test_the_next_morning_pull_makes_the_day_final_and_asks_from_the_watermark(cast, device_api):
    device_api.answer(Reply(body=GOOD))
    configure(cast.agency, device_api.url)
    with schema_context(cast.agency.schema_name):
        services.pull(now=EVENING)
        device_api.answer(Reply(body=records()))
        services.pull(now=EVENING + timedelta(hours=9))  # 07:00 the next day
        assert not AttendanceDay.objects.filter(provisional=True).exists()
        assert DeviceIntegration.current().complete_through == MON
    assert device_api.requests[1]["query"]["since"] == ["2025-11-17T20:00:00+08:00"]  # watermark − 2 h


@pytest.mark.parametrize(
    "reply, code",
    [
        (Reply(status=500, body=b"oops"), "server"),
        (Reply(status=503, body=b"maintenance"), "server"),
        (Reply(delay=2.5, body=GOOD), "timeout"),
    ],
    ids=["500", "503", "timeout"],
)
def test_transient_failures_write_nothing_and_are_raised_for_a_retry(cast, device_api, reply, code):
    device_api.answer(reply)
    configure(cast.agency, device_api.url, timeout_seconds=1)
    with schema_context(cast.agency.schema_name):
        with pytest.raises(PullError) as raised:
            services.pull(now=EVENING)
        assert raised.value.transient and raised.value.code == code
        batch = DeviceBatch.objects.get()
        assert batch.status == DeviceBatch.Status.FAILED and batch.errors[0]["code"] == code
        nothing_written()
        integration = DeviceIntegration.current()
        assert integration.last_pull_ok is False and integration.last_error


@pytest.mark.parametrize(
    "body, code",
    [
        (b'{"data": [{"user_id": "1", "timestamp": "2025-11-17 08:00:00"', "json"),
        (b'{"rows": []}', "records_path"),
        (records((OFFICER_1, "2025-11-17 08:02:11", 0), (OFFICER_2, "yesterday at 8", 0)), "timestamp"),
        (records((OFFICER_1, "2025-11-17 08:02:11", "sideways")), "status"),
    ],
    ids=["truncated-json", "no-records", "bad-time", "bad-status"],
)
def test_malformed_payloads_are_rejected_whole(cast, device_api, body, code):
    device_api.answer(Reply(body=body))
    configure(cast.agency, device_api.url)
    with schema_context(cast.agency.schema_name):
        batch = services.pull(now=EVENING)  # not retried: the same window would answer the same
        assert batch.status == DeviceBatch.Status.REJECTED
        assert code in {e["code"] for e in batch.errors}
        nothing_written()
        assert not UnmatchedPunch.objects.exists()


def test_a_refused_request_is_not_retried(cast, device_api):
    device_api.answer(Reply(status=401, body=b"no"))
    configure(cast.agency, device_api.url)
    with schema_context(cast.agency.schema_name):
        batch = services.pull(now=EVENING)
        assert batch.status == DeviceBatch.Status.FAILED and batch.errors[0]["code"] == "refused"
        nothing_written()


def test_duplicates_and_pulling_again_change_nothing(cast, device_api):
    twice = records(
        (OFFICER_1, "2025-11-17 08:02:11", 0),
        (OFFICER_1, "2025-11-17 08:02:11", 0),  # the terminal sent it twice
        (OFFICER_1, "2025-11-17 17:15:40", 1),
    )
    device_api.answer(Reply(body=twice))
    configure(cast.agency, device_api.url)
    with schema_context(cast.agency.schema_name):
        first = services.pull(now=EVENING)
        assert (first.received, first.new, first.duplicate) == (3, 2, 1)
        before = list(AttendanceDay.objects.values())
        again = services.pull(now=EVENING + timedelta(hours=1))  # the overlap brings them back
        assert (again.received, again.new, again.duplicate, again.days_recomputed) == (3, 0, 3, 0)
        assert list(AttendanceDay.objects.values()) == before
        assert ClockEvent.objects.filter(source="biometric").count() == 2


def test_the_task_retries_server_errors_with_backoff(cast, device_api):
    device_api.answer(Reply(status=500), Reply(status=502), Reply(body=GOOD))
    configure(cast.agency, device_api.url)
    with schema_context(cast.agency.schema_name):
        result = tasks.pull_agency.delay().get()
        assert result["status"] == "imported" and result["new"] == 4
        statuses = list(DeviceBatch.objects.order_by("pk").values_list("status", flat=True))
        assert statuses == ["failed", "failed", "imported"]
    assert len(device_api.requests) == 3


def test_the_task_gives_up_after_its_retries(cast, device_api):
    device_api.answer(Reply(status=500))
    configure(cast.agency, device_api.url)
    with schema_context(cast.agency.schema_name):
        result = tasks.pull_agency.delay().get()
        assert result == {"status": "failed", "error": "server"}
        assert DeviceBatch.objects.filter(status="failed").count() == tasks.MAX_RETRIES + 1
        nothing_written()


def test_never_two_pulls_at_once_for_one_agency(cast, device_api):
    device_api.answer(Reply(body=GOOD))
    configure(cast.agency, device_api.url)
    with schema_context(cast.agency.schema_name):
        token = tasks.acquire_lease()
        assert tasks.acquire_lease() is None
        assert tasks.running_pull()[0] == token
        assert tasks.pull_agency.delay().get() == {"status": "busy"}
        assert device_api.requests == []
        tasks.release_lease(token)
        assert tasks.running_pull() is None
        assert tasks.pull_agency.delay().get()["status"] == "imported"
        assert tasks.running_pull() is None, "the pull gives its lease back"


def test_test_connection_reads_without_writing(cast, device_api):
    device_api.answer(Reply(body=GOOD))
    configure(cast.agency, device_api.url)
    with schema_context(cast.agency.schema_name):
        result = services.test_connection()
        assert result["ok"] and result["records"] == 5 and result["unmatched_ids"] == ["77"]
        nothing_written()
        assert not DeviceBatch.objects.exists()
        device_api.answer(Reply(status=500))
        assert services.test_connection()["code"] == "server"


def test_the_token_is_stored_encrypted(cast, device_api):
    configure(cast.agency, device_api.url, secret="sangat-rahsia")
    with schema_context(cast.agency.schema_name):
        integration = DeviceIntegration.current()
        assert "sangat-rahsia" not in integration.secret_encrypted
        assert integration.secret == "sangat-rahsia"
