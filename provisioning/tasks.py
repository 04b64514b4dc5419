"""Celery tasks for provisioning. Idempotent: a duplicate delivery of the same task does nothing."""

from __future__ import annotations

import logging
import time

from django.db import transaction
from django.utils import timezone

from spotme.celery import app

log = logging.getLogger(__name__)


@app.task(name="provisioning.provision_application", acks_late=True)
def provision_application(application_id: int) -> str:
    from shared_apps.onboarding.models import AgencyApplication, ApplicationStatus, ProvisioningEvent

    from .services import AgencyRequest, provision_agency

    # Claim the application: only one worker moves it from QUEUED to PROVISIONING.
    with transaction.atomic():
        app_row = AgencyApplication.objects.select_for_update().get(pk=application_id)
        if app_row.status != ApplicationStatus.QUEUED:
            return f"skipped: {app_row.status}"
        app_row.status = ApplicationStatus.PROVISIONING
        app_row.provisioning_attempts += 1
        app_row.provisioning_started_at = timezone.now()
        app_row.save(update_fields=["status", "provisioning_attempts", "provisioning_started_at"])
        ProvisioningEvent.objects.create(
            application=app_row,
            kind=ProvisioningEvent.Kind.STARTED,
            message=f"attempt {app_row.provisioning_attempts}",
        )

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
        result = provision_agency(request, application=app_row)
    except Exception as exc:  # every failure is shown to the operator, who can retry
        log.exception("provisioning of application %s failed", application_id)
        message = "; ".join(getattr(exc, "messages", [])) or f"{type(exc).__name__}: {exc}"
        with transaction.atomic():
            AgencyApplication.objects.filter(pk=application_id).update(
                status=ApplicationStatus.FAILED, last_error=message
            )
            ProvisioningEvent.objects.create(
                application_id=application_id,
                kind=ProvisioningEvent.Kind.FAILED,
                message=message,
                duration_ms=int((time.monotonic() - started) * 1000),
            )
        return "failed"
    with transaction.atomic():
        AgencyApplication.objects.filter(pk=application_id).update(
            status=ApplicationStatus.PROVISIONED, provisioned_at=timezone.now(), last_error=""
        )
        ProvisioningEvent.objects.create(
            application_id=application_id,
            kind=ProvisioningEvent.Kind.SUCCEEDED,
            message=result.url,
            duration_ms=result.duration_ms,
        )
    return "provisioned"
