"""A provisioning whose worker died (its lease no longer renewed) is not stuck for ever: before the
lease expires the operator is told it is still running; after, Retry provisions it exactly once."""

from __future__ import annotations

from datetime import timedelta

from django.db.models.functions import Now
from django.utils import timezone

from shared_apps.onboarding.models import AgencyApplication, ApplicationStatus, ProvisioningEvent
from tenants.models import Agency

from .test_review import application  # noqa: F401 - the fixture


def crashed_mid_provisioning(app, *, lease_left: timedelta):
    """What a SIGKILLed worker leaves: PROVISIONING, its lease, no agency (its transaction died)."""
    AgencyApplication.objects.filter(pk=app.pk).update(
        status=ApplicationStatus.PROVISIONING,
        provisioning_attempts=1,
        lease_owner="worker-1:4242:deadbeef",
        lease_expires_at=timezone.now() + lease_left,
    )
    app.refresh_from_db()
    return app


def test_retry_is_refused_while_the_lease_is_live(operator_client, application):  # noqa: F811
    app = crashed_mid_provisioning(application, lease_left=timedelta(seconds=50))
    detail = operator_client.get(f"/console/applications/{app.pk}/").content.decode()
    assert 'id="retry"' not in detail and 'id="lease-note"' in detail
    response = operator_client.post(f"/console/applications/{app.pk}/retry/", follow=True)
    assert "masih berjalan" in response.content.decode()
    api = operator_client.post(f"/api/v1/applications/{app.pk}/retry/", HTTP_ACCEPT_LANGUAGE="en")
    assert api.status_code in (400, 409) and "still running" in str(api.json())
    app.refresh_from_db()
    assert app.status == ApplicationStatus.PROVISIONING


def test_retry_after_the_lease_expired_provisions_once(
    operator_client,
    application,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    app = crashed_mid_provisioning(application, lease_left=timedelta(seconds=-1))
    detail = operator_client.get(f"/console/applications/{app.pk}/").content.decode()
    assert 'id="retry"' in detail
    with django_capture_on_commit_callbacks(execute=True):
        operator_client.post(f"/console/applications/{app.pk}/retry/")
    app.refresh_from_db()
    assert app.status == ApplicationStatus.PROVISIONED and app.lease_owner == ""
    assert app.provisioning_attempts == 2
    assert Agency.objects.filter(application=app).count() == 1
    assert ProvisioningEvent.objects.filter(application=app, kind="succeeded").count() == 1


def test_a_redelivered_task_takes_over_an_expired_lease(application):  # noqa: F811
    from provisioning.tasks import provision_application

    app = crashed_mid_provisioning(application, lease_left=timedelta(seconds=30))
    AgencyApplication.objects.filter(pk=app.pk).update(lease_expires_at=Now())
    assert provision_application.apply(args=[app.pk]).get() == "provisioned"
    started = ProvisioningEvent.objects.filter(application=app, kind="started").last()
    assert "taken over from worker-1:4242:deadbeef" in started.message
    # A second delivery of the same message changes nothing.
    assert provision_application.apply(args=[app.pk]).get() == "skipped: provisioned"
    assert Agency.objects.filter(application=app).count() == 1
