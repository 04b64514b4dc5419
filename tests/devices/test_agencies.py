"""Two agencies pulling at once stay isolated: each agency's data lands in its own schema only, one
agency's slow or failing API never delays or breaks the other's pull, and the beat fans out one
pull task per agency whose pull time has come."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context

from provisioning.services import provision_agency
from tenant_apps.attendance.models import ClockEvent
from tenant_apps.devices import services, tasks
from tenant_apps.devices.client import PullError
from tenant_apps.devices.models import DeviceBatch, DeviceIntegration
from tests.fixtures.agencies import ADMIN_A, ADMIN_B, make_request

from .conftest import MON, Reply, at, configure, records

EVENING = at(MON, "22:00")


def pull_in_thread(agency, results: dict):
    def run():
        started = time.perf_counter()
        try:
            with schema_context(agency.schema_name):
                try:
                    batch = services.pull(now=EVENING)
                    results[agency.schema_name] = (batch.status, batch.new, time.perf_counter() - started)
                except PullError as exc:
                    results[agency.schema_name] = ("failed", exc.code, time.perf_counter() - started)
        finally:
            connection.close()

    return threading.Thread(target=run)


def test_two_agencies_pulling_at_once_stay_isolated(live_platform, device_api, device_api_2):
    a = provision_agency(make_request("peranti-a", admin_mykad=ADMIN_A), notify=False).agency
    b = provision_agency(make_request("peranti-b", admin_mykad=ADMIN_B), notify=False).agency
    # Each API answers with punches of both admins' MyKad numbers: an agency must store only the
    # punches of its own officers (the other ID is unmatched there), whatever the other one does.
    both = records((ADMIN_A, "2025-11-17 08:00:00", 0), (ADMIN_B, "2025-11-17 08:30:00", 0))
    device_api.answer(Reply(body=both, delay=4))  # agency A's API is slow
    device_api_2.answer(Reply(body=both))
    configure(a, device_api.url, timeout_seconds=10)
    configure(b, device_api_2.url)

    results: dict = {}
    threads = [pull_in_thread(a, results), pull_in_thread(b, results)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert results[a.schema_name][:2] == ("imported", 1)
    assert results[b.schema_name][:2] == ("imported", 1)
    # B was not held up by A's slow API: it finished well inside A's wait (no fixed time budget,
    # which a loaded machine can miss without anything being wrong).
    assert results[a.schema_name][2] >= 4 and results[b.schema_name][2] < results[a.schema_name][2] - 1
    with schema_context(a.schema_name):
        assert list(ClockEvent.objects.values_list("officer__user__username", flat=True)) == [ADMIN_A]
        assert DeviceBatch.objects.get().unmatched_ids == [ADMIN_B]
    with schema_context(b.schema_name):
        assert list(ClockEvent.objects.values_list("officer__user__username", flat=True)) == [ADMIN_B]
        assert DeviceBatch.objects.get().unmatched_ids == [ADMIN_A]

    # A failing API in one agency, at the same time: the other imports as usual.
    device_api.answer(Reply(status=500))
    device_api_2.answer(Reply(body=records((ADMIN_B, "2025-11-17 17:30:00", 1))))
    results.clear()
    threads = [pull_in_thread(a, results), pull_in_thread(b, results)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert results[a.schema_name][:2] == ("failed", "server")
    assert results[b.schema_name][:2] == ("imported", 1)


def test_the_beat_enqueues_each_due_agency_once(platform_db, provision, device_api, device_api_2):
    a = provision("jadual-a", admin_mykad=ADMIN_A).agency
    b = provision("jadual-b", admin_mykad=ADMIN_B).agency
    c = provision("jadual-c", admin_mykad=ADMIN_A).agency  # no integration
    device_api.answer(Reply(status=500))  # A keeps failing
    device_api_2.answer(Reply(body=records((ADMIN_B, "2025-11-17 08:30:00", 0))))
    configure(a, device_api.url)
    configure(b, device_api_2.url)
    past = timezone.now() - timedelta(minutes=1)
    for agency in (a, b):
        with schema_context(agency.schema_name):
            DeviceIntegration.objects.update(next_pull_at=past)
    assert tasks.pulls_due_everywhere() == 2
    with schema_context(a.schema_name):
        assert set(DeviceBatch.objects.values_list("status", flat=True)) == {"failed"}
        assert DeviceIntegration.current().next_pull_at > timezone.now()  # moved on: not enqueued again
    with schema_context(b.schema_name):
        assert DeviceBatch.objects.get().status == "imported"
    with schema_context(c.schema_name):
        assert not DeviceBatch.objects.exists()
    assert tasks.pulls_due_everywhere() == 0  # nothing due until the next pull time


def test_next_pull_time_follows_the_configured_local_times(agency_schema):
    integration = DeviceIntegration.current()
    integration.enabled, integration.endpoint_url = True, "https://peranti.example.gov.my/api"
    integration.pull_times = ["07:00", "22:00"]
    assert services.next_pull_time(integration, at(MON, "06:59")) == at(MON, "07:00")
    assert services.next_pull_time(integration, at(MON, "07:00")) == at(MON, "22:00")
    assert services.next_pull_time(integration, at(MON, "23:00")) == at(MON + timedelta(days=1), "07:00")
    integration.enabled = False
    assert services.next_pull_time(integration, at(MON, "06:00")) is None
