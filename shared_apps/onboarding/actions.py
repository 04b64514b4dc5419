"""What can happen to an application. Each action writes, logs and notifies in one transaction;
e-mails and the provisioning task are outbox rows (spotme.outbox) written in that transaction and
published after its commit — or, when the broker is down then, by the outbox relay once it is back:
an approval answered "done" always ends in a provisioned agency and its e-mails (onboarding/tasks.py)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from spotme.outbox import services as outbox

from .models import AgencyApplication, ApplicationStatus, ProvisioningEvent


class ApplicationStateError(Exception):
    """The application is not in a state that allows this action."""


def submit_application(*, form, language: str) -> AgencyApplication:
    with transaction.atomic():
        app: AgencyApplication = form.save(commit=False)
        app.language = language
        app.save()
        _email("received", app)
    return app


def _locked(app_id: int) -> AgencyApplication:
    return AgencyApplication.objects.select_for_update().get(pk=app_id)


def _email(kind: str, app: AgencyApplication) -> None:
    outbox.enqueue("onboarding.send_application_email", kind, app.pk)


def _enqueue_provisioning(app: AgencyApplication) -> None:
    # provisioning.tasks.provision_application: idempotent, so a second publication does nothing.
    outbox.enqueue("provisioning.provision_application", app.pk)


def approve_application(app_id: int, *, operator) -> AgencyApplication:
    with transaction.atomic():
        app = _locked(app_id)
        if app.status != ApplicationStatus.SUBMITTED:
            raise ApplicationStateError(_("Only a submitted application can be approved."))
        app.status = ApplicationStatus.QUEUED
        app.reviewed_by = operator
        app.reviewed_at = timezone.now()
        app.save(update_fields=["status", "reviewed_by", "reviewed_at"])
        ProvisioningEvent.objects.create(
            application=app, kind=ProvisioningEvent.Kind.QUEUED, actor=operator, message="approved"
        )
        _email("approved", app)
        _enqueue_provisioning(app)
    return app


def reject_application(app_id: int, *, operator, reason: str) -> AgencyApplication:
    with transaction.atomic():
        app = _locked(app_id)
        if app.status != ApplicationStatus.SUBMITTED:
            raise ApplicationStateError(_("Only a submitted application can be rejected."))
        app.status = ApplicationStatus.REJECTED
        app.rejection_reason = reason
        app.reviewed_by = operator
        app.reviewed_at = timezone.now()
        app.save(update_fields=["status", "rejection_reason", "reviewed_by", "reviewed_at"])
        ProvisioningEvent.objects.create(
            application=app, kind=ProvisioningEvent.Kind.REJECTED, actor=operator, message=reason
        )
        _email("rejected", app)
    return app


def retry_provisioning(app_id: int, *, operator) -> AgencyApplication:
    with transaction.atomic():
        app = _locked(app_id)
        if app.status == ApplicationStatus.PROVISIONING and app.lease_is_live:
            raise ApplicationStateError(
                _(
                    "Provisioning is still running (a worker holds it until %(time)s). If that worker "
                    "has stopped, it can be retried after that time."
                )
                % {"time": timezone.localtime(app.lease_expires_at).strftime("%H:%M:%S")}
            )
        if not app.can_retry:
            raise ApplicationStateError(_("Only a failed or stuck provisioning can be retried."))
        stuck = app.status == ApplicationStatus.PROVISIONING
        app.status = ApplicationStatus.QUEUED
        app.lease_owner, app.lease_expires_at = "", None
        app.save(update_fields=["status", "lease_owner", "lease_expires_at"])
        ProvisioningEvent.objects.create(
            application=app,
            kind=ProvisioningEvent.Kind.QUEUED,
            actor=operator,
            message="retry after the worker's lease expired" if stuck else "retry",
        )
        _enqueue_provisioning(app)
    return app
