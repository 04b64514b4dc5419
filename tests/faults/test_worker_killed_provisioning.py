"""Drill: the Celery worker is killed with SIGKILL in the middle of provisioning an agency.

The provisioning is slowed down from outside — a trigger on the public Domain table sleeps (once) in
the provisioning transaction, after the template schema was cloned — and the worker (a real one, on
a Redis of its own) is killed while it sleeps. Then: nothing half-built is left, the operator is
told the job is still running while its lease lives, and once the lease has expired a new worker
takes the redelivered task over and provisions the agency exactly once."""

from __future__ import annotations

import pytest
from django.db import connection
from django_tenants.utils import schema_exists

from shared_apps.onboarding import actions
from shared_apps.onboarding.models import ApplicationStatus, ProvisioningEvent
from tenants.models import Agency, Domain
from tests.fixtures.agencies import make_application

from ._jobs_helpers import backends_sleeping, private_redis, wait_for, workers

pytestmark = [pytest.mark.faults, pytest.mark.worker]

SLEEP_SECONDS = 6


@pytest.fixture
def slow_domain_insert(live_platform):
    """The first Domain insert sleeps (a sequence, not a row: it counts even in a transaction that
    dies)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            CREATE SEQUENCE drill_provisioning_seq;
            CREATE FUNCTION drill_slow_domain() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF nextval('drill_provisioning_seq') = 1 THEN PERFORM pg_sleep({SLEEP_SECONDS}); END IF;
                RETURN NEW;
            END $$;
            CREATE TRIGGER drill_slow_domain BEFORE INSERT ON public.tenants_domain
                FOR EACH ROW EXECUTE FUNCTION drill_slow_domain();
            """
        )
    yield
    with connection.cursor() as cursor:
        cursor.execute(
            "DROP TRIGGER IF EXISTS drill_slow_domain ON public.tenants_domain;"
            "DROP FUNCTION IF EXISTS drill_slow_domain(); DROP SEQUENCE IF EXISTS drill_provisioning_seq;"
        )


def test_provisioning_survives_its_worker_killed(slow_domain_insert, operator_live):
    app = make_application(
        "latihan-kebakaran",
        agency_name="Jabatan Latihan Kebakaran",
        admin_email="aminah@latihan.gov.my",
    )
    with private_redis() as redis_url, workers(redis_url) as group:
        first = group.start()
        actions.approve_application(app.pk, operator=operator_live)  # enqueued after commit
        wait_for(lambda: backends_sleeping() >= 1, timeout=90, what="provisioning to reach the slow insert")
        app.refresh_from_db()
        assert app.status == ApplicationStatus.PROVISIONING and app.lease_owner

        group.kill(first)

        # The lease is still live: the operator may not start a second provisioning yet.
        app.refresh_from_db()
        assert app.lease_is_live
        with pytest.raises(actions.ApplicationStateError, match="still running|masih berjalan"):
            actions.retry_provisioning(app.pk, operator=operator_live)

        # The dead worker's transaction ends with its connection: nothing of it remains.
        wait_for(lambda: backends_sleeping() == 0, timeout=SLEEP_SECONDS + 20, what="the orphaned backend")
        assert not schema_exists("agency_latihan_kebakaran")
        assert not Agency.objects.filter(subdomain="latihan-kebakaran").exists()
        assert not Domain.objects.filter(domain__startswith="latihan-kebakaran.").exists()
        app.refresh_from_db()
        assert app.status == ApplicationStatus.PROVISIONING, "stuck until someone takes it over"

        # A new worker: the broker redelivers the unacknowledged task, the expired lease is claimed.
        group.start()

        def done():
            app.refresh_from_db()
            return app.status in (ApplicationStatus.PROVISIONED, ApplicationStatus.FAILED)

        wait_for(done, timeout=120, what="the new worker to provision the agency")
    assert app.status == ApplicationStatus.PROVISIONED, app.last_error
    assert app.provisioning_attempts == 2 and app.lease_owner == ""
    assert Agency.objects.filter(application=app).count() == 1
    assert schema_exists("agency_latihan_kebakaran")
    events = ProvisioningEvent.objects.filter(application=app)
    assert events.filter(kind="succeeded").count() == 1
    assert "taken over from" in events.filter(kind="started").last().message
