"""Drill: Redis (the Celery broker) is stopped when a JDN operator approves an application.

The approval answers success — the e-mail and the provisioning task are outbox rows committed with
it (spotme.outbox) — and nothing leaves while the broker is down. Redis comes back; the outbox's sweeper
(the beat task outbox.relay_everywhere) publishes the rows; a real worker provisions the agency and
the applicant gets the "approved" e-mail and the agency's welcome exactly once, on a real mail server.
Nothing of the project is mocked: a private redis-server is killed and started again."""

from __future__ import annotations

import shutil
import tempfile
import time
from pathlib import Path

import pytest

from shared_apps.onboarding import actions
from shared_apps.onboarding.models import ApplicationStatus, SentOnboardingEmail
from spotme.outbox.models import OutboxMessage
from spotme.outbox.tasks import relay_everywhere
from tenants.models import Agency
from tests.fixtures.agencies import make_application

from ._jobs_helpers import wait_for, workers
from .smtp_sink import SmtpSink
from .stack import Redis

pytestmark = [pytest.mark.faults, pytest.mark.worker]


@pytest.fixture
def redis():
    folder = Path(tempfile.mkdtemp(prefix="spotme-drill-redis-"))
    server = Redis(folder)
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def test_approval_while_redis_is_down_provisions_once_it_is_back(live_platform, operator_live, redis):
    app = make_application(
        "bomba-daerah",
        agency_name="Jabatan Bomba Daerah",
        admin_email="aminah@bomba.gov.my",
        language="en",
    )
    with SmtpSink() as smtp, workers(redis.url, **smtp.worker_env()) as group:
        group.start()
        redis.stop()

        approved = actions.approve_application(app.pk, operator=operator_live)  # no exception
        assert approved.status == ApplicationStatus.QUEUED
        pending = OutboxMessage.objects.filter(published_at=None)
        assert sorted(pending.values_list("task", flat=True)) == [
            "onboarding.send_application_email",
            "provisioning.provision_application",
        ]
        assert pending.filter(attempts__gte=1).exists(), "the publication after commit was tried"

        redis.start()
        # The sweeper, as beat runs it every 30 s: it leaves rows younger than RELAY_MIN_AGE to their
        # own publication, so it publishes them on one of its runs a few seconds from now.
        wait_for(lambda: relay_everywhere() or not pending.exists(), timeout=90, what="the outbox relay")

        def provisioned():
            app.refresh_from_db()
            return app.status in (ApplicationStatus.PROVISIONED, ApplicationStatus.FAILED)

        wait_for(provisioned, timeout=120, what="the worker to provision the agency")
        assert app.status == ApplicationStatus.PROVISIONED, app.last_error
        wait_for(lambda: len(smtp.messages) >= 2, timeout=60, what="the two e-mails")

        # Published once more (an overlapping relay, a redelivery): still nothing twice.
        OutboxMessage.objects.update(published_at=None)
        wait_for(lambda: relay_everywhere() or not pending.exists(), timeout=90, what="the second relay")
        time.sleep(5)  # what a duplicate would need to arrive (the worker is idle and local)

    agency = Agency.objects.get(application=app)
    assert Agency.objects.filter(subdomain="bomba-daerah").count() == 1
    subjects = sorted(str(m["Subject"]) for m in smtp.messages)
    assert len(subjects) == 2, subjects
    assert all(m["To"] == "aminah@bomba.gov.my" for m in smtp.messages)
    assert any(app.reference in s for s in subjects)
    assert set(SentOnboardingEmail.objects.values_list("key", flat=True)) == {
        f"approved:{app.pk}",
        f"welcome:{agency.pk}",
    }
