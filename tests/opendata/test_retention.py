"""Issue 17, item 5: retention of token uses, webhook deliveries and notifications, per agency and
its own periods (AgencyProfile), by nightly Celery beat jobs. Only what is older than the period goes."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tenants.utils import schema_context

from spotme.accounts.models import User
from tenant_apps.notifications import tasks as notification_tasks
from tenant_apps.notifications.models import Notification
from tenant_apps.opendata import tasks as opendata_tasks
from tenant_apps.opendata.models import (
    ApiToken,
    DeliveryStatus,
    TokenUse,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from tests.fixtures.accounts import set_profile
from tests.fixtures.agencies import ADMIN_A, ADMIN_B

DAY = timedelta(days=1)


def fill(agency, admin: str) -> None:
    """Rows 10 and 100 days old (and one pending delivery 100 days old) in the agency's schema."""
    now = timezone.now()
    with schema_context(agency.schema_name):
        user = User.objects.get(username=admin)
        token = ApiToken.objects.create(
            name="HRMIS",
            prefix="sp_x",
            token_hash=f"{agency.pk:064d}",
            scopes=["officers"],
            expires_at=now + 30 * DAY,
        )
        endpoint = WebhookEndpoint.objects.create(
            url="https://example.org/hook", events=["day_closed"], secret_encrypted="x"
        )
        for age in (10, 100):
            TokenUse.objects.create(
                token=token, at=now - age * DAY, method="GET", path="/api/v1/open/x/", status=200
            )
            note = Notification.objects.create(recipient=user, kind="task_assigned", message=f"{age}")
            Notification.objects.filter(pk=note.pk).update(created_at=now - age * DAY)
            for status in (DeliveryStatus.DELIVERED, DeliveryStatus.FAILED):
                delivery = WebhookDelivery.objects.create(
                    endpoint=endpoint, event="day_closed", payload={}, status=status
                )
                WebhookAttempt.objects.create(delivery=delivery, number=1, status_code=200)
                WebhookDelivery.objects.filter(pk=delivery.pk).update(created_at=now - age * DAY)
        pending = WebhookDelivery.objects.create(endpoint=endpoint, event="day_closed", payload={})
        WebhookDelivery.objects.filter(pk=pending.pk).update(created_at=now - 100 * DAY)


def counts(agency) -> dict:
    with schema_context(agency.schema_name):
        return {
            "uses": TokenUse.objects.count(),
            "notes": Notification.objects.filter(kind="task_assigned").count(),
            "deliveries": WebhookDelivery.objects.count(),
            "attempts": WebhookAttempt.objects.count(),
        }


def test_defaults_are_sensible(agency_a):
    from tenant_apps.organisation.models import AgencyProfile

    with schema_context(agency_a.schema_name):
        profile = AgencyProfile.current()
        assert (
            profile.token_use_retention_days,
            profile.webhook_delivery_retention_days,
            profile.notification_retention_days,
        ) == (90, 30, 180)
    beat = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"opendata.purge_old_everywhere", "notifications.purge_old_everywhere"} <= beat


def test_only_rows_older_than_each_agencys_period_are_deleted(agency_a, agency_b):
    fill(agency_a, ADMIN_A)
    fill(agency_b, ADMIN_B)
    before = {"uses": 2, "notes": 2, "deliveries": 5, "attempts": 4}
    assert counts(agency_a) == counts(agency_b) == before
    set_profile(
        agency_a,
        token_use_retention_days=50,
        webhook_delivery_retention_days=50,
        notification_retention_days=50,
    )
    set_profile(
        agency_b, token_use_retention_days=0, webhook_delivery_retention_days=0, notification_retention_days=0
    )  # 0: keep for ever

    assert opendata_tasks.purge_old_everywhere() == 2  # eager: each agency's task ran in its schema
    assert notification_tasks.purge_old_everywhere() == 2

    # A: the 100-day-old rows went; the 10-day-old ones and the pending delivery stayed.
    assert counts(agency_a) == {"uses": 1, "notes": 1, "deliveries": 3, "attempts": 2}
    with schema_context(agency_a.schema_name):
        assert TokenUse.objects.get().at > timezone.now() - 11 * DAY
        assert Notification.objects.get(kind="task_assigned").message == "10"
        assert WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING).count() == 1
    # B keeps everything.
    assert counts(agency_b) == before

    # Idempotent.
    opendata_tasks.purge_old_everywhere()
    notification_tasks.purge_old_everywhere()
    assert counts(agency_a) == {"uses": 1, "notes": 1, "deliveries": 3, "attempts": 2}
