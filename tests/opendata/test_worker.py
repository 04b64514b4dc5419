"""A real Celery worker on Redis sends a webhook, gets a 500, and retries by itself on the backoff
schedule (base shortened to 1 s) until the receiver on loopback answers 200."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from spotme.celery import app as celery_app

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.worker


@pytest.fixture
def webhook_worker(live_platform, settings):
    queue = f"test-{uuid.uuid4().hex[:8]}"
    s = connection.settings_dict
    env = {
        **os.environ,
        "SPOTME_CELERY_EAGER": "0",
        "SPOTME_TESTING": "1",
        # Retries the worker schedules itself go to this test's queue, 1 s after the first failure.
        "SPOTME_CELERY_QUEUE": queue,
        "SPOTME_WEBHOOK_RETRY_BASE_SECONDS": "1",
        "DATABASE_URL": f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}",
        "REDIS_URL": settings.REDIS_URL,
        "DJANGO_SETTINGS_MODULE": "spotme.settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "platform")]),
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "spotme",
            "worker",
            "-Q",
            queue,
            "-c",
            "1",
            "--pool",
            "solo",
            "-l",
            "info",
            "--without-heartbeat",
            "--without-gossip",
        ],  # fmt: skip
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    old = (celery_app.conf.task_always_eager, celery_app.conf.task_default_queue)
    celery_app.conf.task_always_eager = False
    celery_app.conf.task_default_queue = queue
    try:
        yield proc
    finally:
        celery_app.conf.task_always_eager, celery_app.conf.task_default_queue = old
        proc.terminate()
        try:
            output = proc.communicate(timeout=20)[0]
        except subprocess.TimeoutExpired:
            proc.kill()
            output = proc.communicate()[0]
        print(output[-4000:])


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
    assert delivery.status == DeliveryStatus.DELIVERED, (delivery.attempts, delivery.last_error)
    with schema_context(agency.schema_name):
        log = list(delivery.log.all())
    assert [a.status_code for a in log] == [500, 200]
    assert (log[1].at - log[0].at).total_seconds() >= 1.0, "waited for the backoff"
    first, second = receiver.requests
    assert first.body == second.body and json.loads(second.body)["data"]["officers"][0]["id"] == officer.pk
    assert verify(secret, second.headers, second.body)
