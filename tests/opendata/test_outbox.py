"""Issue 15: webhook deliveries are enqueued through the transactional outbox with the deliveries
themselves. With the broker down at the commit the delivery and its outbox row wait; the relay
publishes it when the broker is back and the receiver gets the event once."""

from __future__ import annotations

from django_tenants.utils import schema_context

from spotme.outbox import services as outbox
from spotme.outbox.models import OutboxMessage
from tenant_apps.opendata.models import DeliveryStatus, WebhookDelivery
from tenant_apps.people import actions
from tests.fixtures.broker import broker_down  # noqa: F401 (fixture)

from .test_webhooks import hook  # noqa: F401 (fixture)


def test_a_delivery_waits_for_the_broker(in_agency, hook, receiver, committed, broker_down):  # noqa: F811
    with committed():
        actions.update_officer(in_agency.officer_1, grade="F44")
    [delivery] = WebhookDelivery.objects.all()
    [message] = OutboxMessage.objects.filter(task="opendata.deliver_webhook")
    assert message.args == [delivery.pk] and message.published_at is None and message.attempts == 1
    assert delivery.status == DeliveryStatus.PENDING and receiver.requests == []

    broker_down.back()
    assert outbox.relay() == 1
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and len(receiver.requests) == 1
    assert outbox.relay() == 0


def test_send_again_goes_through_the_outbox_too(in_agency, hook, receiver, committed, admin_session):  # noqa: F811
    with schema_context(in_agency.agency.schema_name), committed():
        actions.update_officer(in_agency.officer_1, grade="F44")
    with schema_context(in_agency.agency.schema_name):
        [delivery] = WebhookDelivery.objects.all()
    with committed():
        assert admin_session.post(f"/api/v1/webhook-deliveries/{delivery.pk}/redeliver/").status_code == 202
    with schema_context(in_agency.agency.schema_name):
        assert OutboxMessage.objects.filter(task="opendata.deliver_webhook", args=[delivery.pk]).count() == 2
    assert len(receiver.requests) == 2
