"""Celery tasks for provisioning. Idempotent: a duplicate delivery of the same task does nothing; a
delivery after its worker was killed takes the job over once that worker's lease has expired."""

from __future__ import annotations

import logging
import time

from django.db import transaction
from django.utils import timezone

from spotme.celery import app

log = logging.getLogger(__name__)


# A redelivered task that finds another worker's live lease checks again when it ends, this often.
MAX_LEASE_WAITS = 10


@app.task(name="provisioning.provision_application", bind=True, acks_late=True, max_retries=MAX_LEASE_WAITS)
def provision_application(self, application_id: int) -> str:
    """Provision an approved application. Claimed with a lease (spotme/leases.py) that a heartbeat
    renews: a worker killed mid-way leaves the application PROVISIONING with a lease that expires,
    after which the redelivered task (or the operator's retry) claims it again. Provisioning is one
    transaction, so the dead attempt left nothing behind and starting over is safe."""
    from django.db.models import F, Q

    from shared_apps.onboarding.models import AgencyApplication, ApplicationStatus, ProvisioningEvent
    from spotme import leases
    from tenants.models import Agency

    from .services import AgencyRequest, provision_agency

    stale = AgencyApplication.objects.filter(pk=application_id, status=ApplicationStatus.PROVISIONING).first()
    previous_owner = stale.lease_owner if stale else ""
    owner = leases.claim(
        AgencyApplication.objects.filter(
            Q(status=ApplicationStatus.QUEUED) | Q(status=ApplicationStatus.PROVISIONING), pk=application_id
        ),
        status=ApplicationStatus.PROVISIONING,
        provisioning_attempts=F("provisioning_attempts") + 1,
        provisioning_started_at=timezone.now(),
    )
    if owner is None:
        app_row = AgencyApplication.objects.filter(pk=application_id).first()
        if app_row is None or app_row.status != ApplicationStatus.PROVISIONING:
            return f"skipped: {app_row.status if app_row else 'gone'}"
        # Another worker holds a live lease: look again when it would have expired (if that worker
        # finishes, the application is PROVISIONED by then and this ends as "skipped").
        wait = (
            max(1.0, (app_row.lease_expires_at - timezone.now()).total_seconds() + 1)
            if app_row.lease_expires_at
            else 1.0
        )
        raise self.retry(countdown=wait)

    app_row = AgencyApplication.objects.get(pk=application_id)
    resumed = previous_owner and previous_owner != owner
    ProvisioningEvent.objects.create(
        application=app_row,
        kind=ProvisioningEvent.Kind.STARTED,
        message=f"attempt {app_row.provisioning_attempts}"
        + (f" (taken over from {previous_owner}, whose lease expired)" if resumed else ""),
    )
    if Agency.objects.filter(application_id=application_id).exists():
        # The previous attempt committed and its worker died before recording it.
        agency = Agency.objects.get(application_id=application_id)
        from .services import agency_url

        _record_success(application_id, owner, agency_url(agency), 0)
        return "provisioned"

    started = time.monotonic()
    request = AgencyRequest(
        name=app_row.agency_name,
        subdomain=app_row.subdomain,
        state=app_row.state,
        admin_mykad=app_row.admin_mykad,
        admin_email=app_row.admin_email,
        admin_name=app_row.admin_name,
        admin_phone=app_row.admin_phone,
        ministry=app_row.ministry,
        expected_officers=app_row.expected_officers,
        language=app_row.language,
    )
    try:
        with leases.Heartbeat(AgencyApplication, application_id, owner):
            result = provision_agency(request, application=app_row)
    except Exception as exc:  # every failure is shown to the operator, who can retry
        log.exception("provisioning of application %s failed", application_id)
        message = "; ".join(getattr(exc, "messages", [])) or f"{type(exc).__name__}: {exc}"
        with transaction.atomic():
            # Only while the lease is ours: a worker that lost it must not overwrite the outcome of
            # the one that took over.
            leases.release(
                AgencyApplication, application_id, owner, status=ApplicationStatus.FAILED, last_error=message
            )
            ProvisioningEvent.objects.create(
                application_id=application_id,
                kind=ProvisioningEvent.Kind.FAILED,
                message=message,
                duration_ms=int((time.monotonic() - started) * 1000),
            )
        return "failed"
    _record_success(application_id, owner, result.url, result.duration_ms)
    return "provisioned"


def _record_success(application_id: int, owner: str, url: str, duration_ms: int) -> None:
    from shared_apps.onboarding.models import AgencyApplication, ApplicationStatus, ProvisioningEvent

    with transaction.atomic():
        # The agency exists: that is the truth whoever holds the lease now.
        AgencyApplication.objects.filter(pk=application_id).update(
            status=ApplicationStatus.PROVISIONED,
            provisioned_at=timezone.now(),
            last_error="",
            lease_owner="",
            lease_expires_at=None,
        )
        ProvisioningEvent.objects.create(
            application_id=application_id,
            kind=ProvisioningEvent.Kind.SUCCEEDED,
            message=url,
            duration_ms=duration_ms,
        )


@app.task(name="provisioning.send_welcome", bind=True, acks_late=True, max_retries=10, default_retry_delay=60)
def send_welcome(
    self, agency_id: int, to: str, name: str, login_id: str, encrypted_password: str, language: str
) -> str:
    """The org admin's welcome e-mail, once (shared_apps.onboarding.tasks.send_once), retried while
    the mail server fails. Enqueued through the outbox by provisioning.services.provision_agency."""
    from shared_apps.onboarding.tasks import send_once
    from spotme.crypto import decrypt
    from tenants.models import Agency

    from . import emails
    from .services import agency_url

    agency = Agency.objects.filter(pk=agency_id).first()
    if agency is None:
        return "gone"

    def send() -> None:
        emails.org_admin_welcome(
            agency=agency,
            to=to,
            name=name,
            url=agency_url(agency),
            login_id=login_id,
            temporary_password=decrypt(encrypted_password),
            language=language,
        )

    try:
        sent = send_once(f"welcome:{agency_id}", send)
    except OSError as exc:  # the mail server: try again later
        raise self.retry(exc=exc) from exc
    return "sent" if sent else "already sent"
