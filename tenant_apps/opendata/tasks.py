"""Webhook deliveries through Celery (tenant-aware: the task runs in the schema it was sent from)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from spotme.celery import app

# Retries closer than this ride on a countdown task; later ones wait for the periodic sweep (a Redis
# broker redelivers long-countdown tasks after its visibility timeout; the sweep has no such limit).
COUNTDOWN_LIMIT_SECONDS = 15 * 60


@app.task(name="opendata.deliver_webhook", acks_late=True)
def deliver_webhook(delivery_id: int) -> str:
    from . import delivery as sending
    from .models import DeliveryStatus

    result = sending.attempt(delivery_id)
    if result is None:
        return "not due"
    if result.status == DeliveryStatus.PENDING and result.next_attempt_at is not None:
        wait = (result.next_attempt_at - timezone.now()).total_seconds()
        if wait <= COUNTDOWN_LIMIT_SECONDS:
            deliver_webhook.apply_async((delivery_id,), countdown=max(wait, 0))
    return result.status


def enqueue(schema_name: str, delivery_ids) -> None:
    """Ask for the deliveries' sending through the transactional outbox (spotme.outbox), in the
    transaction that writes them and in their schema: published after its commit, or by the relay
    when the broker was away then. Idempotent on the worker's side (delivery.attempt)."""
    from spotme.outbox import services as outbox

    with schema_context(schema_name), transaction.atomic():
        for delivery_id in delivery_ids:
            outbox.enqueue("opendata.deliver_webhook", delivery_id)


def _send_now(schema_name: str, delivery_ids) -> None:
    """The periodic sweep publishes directly: it runs again if the broker is away (no outbox rows
    piling up for the same deliveries meanwhile)."""
    with schema_context(schema_name):
        for delivery_id in delivery_ids:
            deliver_webhook.delay(delivery_id)


@app.task(name="opendata.retry_due_everywhere")
def retry_due_everywhere() -> int:
    """Every few minutes: deliveries whose next attempt is due and that no countdown task carries."""
    from tenants.models import Agency, AgencyStatus

    from .delivery import due

    n = 0
    for agency in Agency.objects.filter(status=AgencyStatus.ACTIVE).exclude(schema_name="public"):
        with schema_context(agency.schema_name):
            ids = list(due().values_list("pk", flat=True)[:1000])
        if ids:
            _send_now(agency.schema_name, ids)
            n += len(ids)
    return n


@app.task(name="opendata.purge_old_everywhere")
def purge_old_everywhere() -> int:
    """Nightly: one retention task per active agency (its own periods, AgencyProfile)."""
    from tenants.models import delay_in_each_active_agency

    return delay_in_each_active_agency(purge_old)


@app.task(name="opendata.purge_old", acks_late=True)
def purge_old() -> dict:
    """Token-use rows and finished webhook deliveries (with their attempts) past the agency's
    retention periods. Deliveries still being retried stay whatever their age. Idempotent."""
    from tenant_apps.organisation.models import AgencyProfile, retention_cutoff

    from .models import DeliveryStatus, TokenUse, WebhookDelivery

    profile = AgencyProfile.current()
    if profile is None:
        return {}
    now = timezone.now()
    done = {"token_uses": 0, "webhook_deliveries": 0}
    if cutoff := retention_cutoff(now, profile.token_use_retention_days):
        done["token_uses"] = TokenUse.objects.filter(at__lt=cutoff).delete()[1].get("opendata.TokenUse", 0)
    if cutoff := retention_cutoff(now, profile.webhook_delivery_retention_days):
        finished = WebhookDelivery.objects.filter(created_at__lt=cutoff)
        finished = finished.exclude(status=DeliveryStatus.PENDING)
        done["webhook_deliveries"] = finished.delete()[1].get("opendata.WebhookDelivery", 0)
    return done
