""" "Pull now" while a pull holds its lease answers busy (409 / a warning), and a lease whose worker
stopped renewing it (killed) frees the agency within SPOTME_LEASE_SECONDS, not 15 minutes."""

from __future__ import annotations

from django.conf import settings
from django.db.models.functions import Now
from django_tenants.utils import schema_context

from tenant_apps.devices import tasks
from tenant_apps.devices.models import DeviceBatch, DeviceIntegration
from tests.fixtures.people import OFFICER_1

from .conftest import Reply, configure, records
from .test_pages_and_api import admin


def test_pull_now_says_busy_while_a_pull_holds_its_lease(cast, client_for, device_api):
    device_api.answer(Reply(body=records((OFFICER_1, "2025-11-17 08:00:00", 0))))
    configure(cast.agency, device_api.url)
    client = admin(cast, client_for)
    with schema_context(cast.agency.schema_name):
        token = tasks.acquire_lease()  # a pull running on some worker

    busy = client.post("/api/v1/devices/pull/")
    assert busy.status_code == 409
    body = busy.json()
    assert body["status"] == "busy" and "sedang berjalan" in body["detail"]  # Malay by default
    assert 1 <= body["retry_after_seconds"] <= 61 and busy["Retry-After"] == str(body["retry_after_seconds"])
    page = client.post("/devices/pull/", follow=True)
    assert "sedang berjalan" in page.content.decode()
    assert device_api.requests == []

    with schema_context(cast.agency.schema_name):
        # The worker was killed: nobody renews its lease, which runs out.
        DeviceIntegration.objects.update(lease_expires_at=Now())
        assert tasks.running_pull() is None
    assert client.post("/api/v1/devices/pull/").status_code == 202  # eager in tests: done already
    with schema_context(cast.agency.schema_name):
        assert DeviceBatch.objects.get().status == "imported"
        assert DeviceIntegration.objects.get().lease_owner == "", "the new pull released its lease"
        assert token  # the dead worker's token no longer matters


def test_busy_message_in_english(cast, client_for, device_api):
    configure(cast.agency, device_api.url)
    client = admin(cast, client_for)
    with schema_context(cast.agency.schema_name):
        tasks.acquire_lease()
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)  # no choice on this browser: the header decides
    response = client.post("/api/v1/devices/pull/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    assert "A pull is already running" in response.json()["detail"]
