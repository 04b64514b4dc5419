"""Drill: the Celery worker is killed with SIGKILL in the middle of a device pull.

The agency's device API is a real HTTP server on loopback that stalls on the first request; the
worker (real, on a Redis of its own) is killed while it waits for the answer. While the pull's lease
lives, "pull now" answers busy; once it has expired (no heartbeat from a dead worker) a new worker
takes the redelivered pull over and imports the punches exactly once."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from provisioning.services import provision_agency
from tenant_apps.devices import tasks
from tenant_apps.devices.models import DeviceBatch, DeviceIntegration
from tests.devices.conftest import DeviceApi, Reply, configure, records, serve
from tests.fixtures.agencies import ADMIN_A, PASSWORD, activate_admin, make_request
from tests.fixtures.people import OFFICER_1, make_cast

from ._jobs_helpers import LEASE_SECONDS, private_redis, wait_for, workers

pytestmark = [pytest.mark.faults, pytest.mark.worker]


class StallingApi(DeviceApi):
    """The first request hangs until `release` is set; the others answer at once."""

    def __init__(self, body: bytes):
        super().__init__()
        self.release = threading.Event()
        self.body = body

    def next_reply(self) -> Reply:
        first = len(self.requests) == 1
        if first:
            self.release.wait(60)
        return Reply(body=self.body)


@pytest.fixture
def stalling_api():
    yesterday = (timezone.localtime() - timedelta(days=1)).strftime("%Y-%m-%d")
    api = StallingApi(
        records((OFFICER_1, f"{yesterday} 08:01:00", 0), (OFFICER_1, f"{yesterday} 17:05:00", 1))
    )
    server = serve(api)
    yield api
    api.release.set()
    server.shutdown()
    server.server_close()


def test_device_pull_survives_its_worker_killed(live_platform, stalling_api, client_for):
    agency = provision_agency(make_request("tarik-drill", admin_mykad=ADMIN_A), notify=False).agency
    activate_admin(agency, ADMIN_A)
    make_cast(agency)
    configure(agency, stalling_api.url, timeout_seconds=120)
    client = client_for(agency)
    client.login_as(ADMIN_A, PASSWORD)

    def pull_now():
        return client.post("/api/v1/devices/pull/")

    def batches(**filters):
        with schema_context(agency.schema_name):
            return list(DeviceBatch.objects.filter(**filters))

    with private_redis() as redis_url, workers(redis_url) as group:
        first = group.start()
        assert pull_now().status_code == 202
        wait_for(
            lambda: len(stalling_api.requests) == 1, timeout=90, what="the worker to call the device API"
        )
        busy = pull_now()
        assert busy.status_code == 409 and busy.json()["status"] == "busy"

        group.kill(first)
        stalling_api.release.set()  # its answer goes to a dead socket

        assert pull_now().status_code == 409, "the dead worker's lease is still live"
        with schema_context(agency.schema_name):
            wait_for(
                lambda: tasks.running_pull() is None, timeout=LEASE_SECONDS + 5, what="the lease to expire"
            )
        assert batches() == [], "the dead pull wrote nothing"

        # A new worker: the broker redelivers the unacknowledged pull, whose lease is now free.
        group.start()
        wait_for(lambda: batches(status="imported"), timeout=90, what="the redelivered pull")
    (batch,) = batches()
    assert batch.status == "imported" and batch.new == 2 and batch.source == "pull_now"
    assert len(stalling_api.requests) == 2
    with schema_context(agency.schema_name):
        integration = DeviceIntegration.objects.get()
        assert integration.lease_owner == "" and integration.last_pull_ok
