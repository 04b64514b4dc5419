"""A real Celery worker on Redis sends a webhook, gets a 500, and retries by itself on the backoff
schedule (base shortened to 1 s) until the receiver on loopback answers 200."""

from __future__ import annotations

import json
import time

import pytest
from django_tenants.utils import schema_context

from tests.fixtures.platform import celery_worker

pytestmark = pytest.mark.worker


@pytest.fixture
def webhook_worker(live_platform, settings):
    # Retries the worker schedules itself come 1 s after the first failure.
    with celery_worker(settings.REDIS_URL, SPOTME_WEBHOOK_RETRY_BASE_SECONDS="1") as proc:
        yield proc


def test_worker_retries_a_500_with_backoff(webhook_worker, receiver):
    from provisioning.services import provision_agency
    from tenant_apps.opendata import services
    from tenant_apps.opendata.models import DeliveryStatus, WebhookDelivery
    from tenant_apps.people import actions
    from tests.fixtures.agencies import make_request

    from .test_webhooks import verify

    agency = provision_agency(make_request("webhook-pekerja")).agency
    receiver.answers = [500]
    with schema_context(agency.schema_name):
        officer = actions.create_officer(mykad="900909105014", full_name="Pegawai", notify=False).officer
        secret = services.create_endpoint(url=receiver.url, events=["officer.changed"]).secret
        actions.update_officer(officer, grade="F44")  # commits (autocommit): enqueued to the worker
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with schema_context(agency.schema_name):
            delivery = WebhookDelivery.objects.first()
            if delivery is not None and delivery.status != DeliveryStatus.PENDING:
                break
        time.sleep(0.3)
    from spotme.outbox.models import OutboxMessage

    with schema_context(agency.schema_name):
        rows = list(OutboxMessage.objects.values())
    assert delivery.status == DeliveryStatus.DELIVERED, (delivery.attempts, delivery.last_error, rows)
    with schema_context(agency.schema_name):
        log = list(delivery.log.all())
    assert [a.status_code for a in log] == [500, 200]
    assert (log[1].at - log[0].at).total_seconds() >= 1.0, "waited for the backoff"
    first, second = receiver.requests
    assert first.body == second.body and json.loads(second.body)["data"]["officers"][0]["id"] == officer.pk
    assert verify(secret, second.headers, second.body)
