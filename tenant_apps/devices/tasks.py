"""Scheduled device pulls. The beat task (public schema) looks at every active agency and enqueues one
pull task per agency whose next pull time has come; each pull runs in its agency's schema
(tenant-schemas-celery carries it), holds a lease on the agency's DeviceIntegration row (renewed by a
heartbeat, so a killed worker's lease expires within SPOTME_LEASE_SECONDS), and retries itself with
backoff on timeouts and server errors. One agency's failure or slowness never holds up another's."""

from __future__ import annotations

import logging

from django.utils import timezone
from django_tenants.utils import schema_context

from spotme.celery import app

log = logging.getLogger(__name__)

MAX_RETRIES = 4
BACKOFF_SECONDS = (60, 180, 600, 1800)


def _active_agencies():
    from tenants.models import Agency, AgencyStatus

    return Agency.objects.filter(status=AgencyStatus.ACTIVE).exclude(schema_name="public")


@app.task(name="devices.pulls_due_everywhere")
def pulls_due_everywhere() -> int:
    """Enqueue the pulls that are due. The next pull time moves on as the task is enqueued, so a
    pull that is still retrying is never enqueued a second time by the next beat."""
    from .models import DeviceIntegration
    from .services import next_pull_time

    now = timezone.now()
    enqueued = 0
    for agency in _active_agencies():
        try:
            with schema_context(agency.schema_name):
                due = DeviceIntegration.objects.filter(enabled=True, next_pull_at__lte=now).first()
                if due is None or not due.scheduled:
                    continue
                DeviceIntegration.objects.filter(pk=due.pk).update(next_pull_at=next_pull_time(due, now))
                pull_agency.delay()
                enqueued += 1
        except Exception:  # one agency's broken data must not stop the others' pulls
            log.exception("device pull scheduling failed", extra={"agency": agency.schema_name})
    return enqueued


def acquire_lease() -> str | None:
    """Claim the agency's pull: the owner token, or None while another pull's lease is live."""
    from spotme import leases

    from .models import DeviceIntegration

    integration = DeviceIntegration.current()
    return leases.claim(DeviceIntegration.objects.filter(pk=integration.pk))


def release_lease(token: str) -> None:
    from spotme import leases

    from .models import DeviceIntegration

    leases.release(DeviceIntegration, DeviceIntegration.current().pk, token)


def running_pull():
    """(owner, expires_at) of the pull in progress, or None (for "pull now": busy or not)."""
    from spotme import leases

    from .models import DeviceIntegration

    return leases.holder(DeviceIntegration, DeviceIntegration.current().pk)


@app.task(name="devices.pull", bind=True, acks_late=True, max_retries=MAX_RETRIES)
def pull_agency(self, source: str = "scheduled", user_id: int | None = None) -> dict:
    """One agency's pull (its schema is the task's). Never two at once for the same agency: a pull
    that finds the lease held leaves it to the running one (the overlap window covers it)."""
    from spotme import leases

    from .client import PullError
    from .models import DeviceIntegration
    from .services import pull

    token = acquire_lease()
    if token is None:
        return {"status": "busy"}
    try:
        by = None
        if user_id is not None:
            from spotme.accounts.models import User

            by = User.objects.filter(pk=user_id).first()
        with leases.Heartbeat(DeviceIntegration, DeviceIntegration.current().pk, token):
            batch = pull(source=source, by=by)
        return {"status": batch.status, "batch": batch.pk, "new": batch.new}
    except PullError as exc:
        retries = self.request.retries or 0
        if retries >= MAX_RETRIES:
            return {"status": "failed", "error": exc.code}
        release_lease(token)
        token = None
        raise self.retry(exc=exc, countdown=BACKOFF_SECONDS[min(retries, len(BACKOFF_SECONDS) - 1)]) from exc
    finally:
        if token is not None:
            release_lease(token)
