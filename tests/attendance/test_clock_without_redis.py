"""Clock-ins do not depend on Redis: with the cache unreachable the configuration comes from
PostgreSQL; with the broker down follow-up work waits in the outbox and nothing fails the punch."""

from __future__ import annotations

import socket
from datetime import date

import pytest
from django.core.cache import cache
from django_tenants.utils import schema_context
from kombu.exceptions import OperationalError as BrokerDown

from spotme import cache as shared_cache
from spotme.outbox import services as outbox
from spotme.outbox.models import OutboxMessage
from tenant_apps.attendance import agency_config, services
from tenant_apps.attendance.models import AttendanceDay, ClockEvent, OfficeSite
from tenant_apps.notifications.models import Notification
from tests.fixtures.attendance import INSIDE, OUTSIDE, at

MON = date(2025, 11, 17)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens there once the socket is closed


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "spotme.cache.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        }
    }
    agency_config._loaded.clear()
    yield
    shared_cache._failed_at = None
    agency_config._loaded.clear()


@pytest.fixture
def broker(monkeypatch):
    """The broker, down until the test sets `broker.down = False`."""
    publish = outbox._publish_one

    class Broker:
        down = True

        def publish(self, message):
            if self.down:
                raise BrokerDown("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
            publish(message)

    b = Broker()
    monkeypatch.setattr(outbox, "_publish_one", b.publish)
    yield b
    outbox._broker_failed_at = None


def test_the_cache_degrades_to_empty_instead_of_failing(cache_down):
    assert cache.get("x", "default") == "default" and not shared_cache.available()
    assert cache.add("x", 1) is False and cache.incr("x") == 1
    cache.set("x", 1)
    cache.delete("x")


def test_clock_in_api_and_page_work_with_the_cache_down(cache_down, cast, office, client_as):
    client = client_as("officer")  # logging in works too
    response = client.post("/api/v1/attendance/clock/", {"direction": "in", "latitude": INSIDE.latitude,
                           "longitude": INSIDE.longitude, "accuracy": 10}, content_type="application/json",
                           HTTP_IDEMPOTENCY_KEY="tanpa-redis-1")  # fmt: skip
    assert response.status_code == 201, response.content
    assert response.json()["inside"] is True  # the office site came from PostgreSQL
    response = client.post("/attendance/clock/", {"direction": "out", "idempotency_key": "tanpa-redis-2"})
    assert response.status_code == 302
    with schema_context(cast.agency.schema_name):
        assert ClockEvent.objects.count() == 2


def test_configuration_comes_from_postgresql_without_the_cache_and_from_the_token_again_after(
    cast, office, settings, monkeypatch
):
    with schema_context(cast.agency.schema_name):
        agency_config._loaded.clear()
        assert [s.name for s in services.sites_for(cast.officer_1)] == ["Ibu Pejabat"]
        token = cache.get(agency_config.KEY)
        monkeypatch.setattr(shared_cache, "_failed_at", 10.0**12)  # "failed just now": unavailable
        monkeypatch.setattr(agency_config, "DEGRADED_TTL", 0)
        OfficeSite.objects.filter(pk=office.pk).update(name="Pejabat Baharu")  # no signal, no token change
        assert [s.name for s in services.sites_for(cast.officer_1)] == ["Pejabat Baharu"]
        monkeypatch.setattr(shared_cache, "_failed_at", None)  # Redis is back: its token is used again
        config = agency_config.current()
        assert cache.get(agency_config.KEY) == token and agency_config.current() is config


def test_a_notification_waits_in_the_outbox_while_the_broker_is_down(
    cast, office, broker, mailoutbox, django_capture_on_commit_callbacks
):
    with schema_context(cast.agency.schema_name):
        with django_capture_on_commit_callbacks(execute=True):
            event = services.clock(cast.officer_1, "in", position=OUTSIDE, now=at(MON, "08:00"))
        assert event.pk and AttendanceDay.objects.filter(officer=cast.officer_1, date=MON).exists()
        note = Notification.objects.get(recipient=cast.supervisor_1.user)
        [message] = OutboxMessage.objects.all()
        assert (message.task, message.args, message.published_at) == (
            "notifications.send_email",
            [note.pk],
            None,
        )
        assert message.attempts == 1 and "refused" in message.last_error
        assert mailoutbox == []
        # While the broker is known to be down, later writes do not even try (nothing waits).
        with django_capture_on_commit_callbacks(execute=True):
            services.clock(cast.officer_1, "out", position=OUTSIDE, now=at(MON, "17:00"))
        assert OutboxMessage.objects.filter(attempts=0, published_at=None).count() == 1

        # The broker is back: the beat relay publishes the backlog (eager here: emails are sent).
        broker.down = False
        outbox._broker_failed_at = None
        assert outbox.relay(min_age=outbox.RELAY_MIN_AGE) == 0, "young rows are left to their own publication"
        assert outbox.relay() == 2
        assert not OutboxMessage.objects.filter(published_at=None).exists()
        assert len(mailoutbox) == 2 and outbox.relay() == 0


def test_a_notification_is_published_after_commit_when_the_broker_is_up(
    cast, office, mailoutbox, django_capture_on_commit_callbacks
):
    with schema_context(cast.agency.schema_name):
        with django_capture_on_commit_callbacks(execute=True):
            services.clock(cast.officer_1, "in", position=OUTSIDE, now=at(MON, "08:00"))
        assert OutboxMessage.objects.get().published_at is not None
        assert len(mailoutbox) == 1


def test_published_rows_are_purged_after_a_week_pending_ones_never(cast):
    from datetime import timedelta

    from django.utils import timezone

    from spotme.outbox import services as outbox
    from spotme.outbox.models import OutboxMessage

    with schema_context(cast.agency.schema_name):
        now = timezone.now()
        old = OutboxMessage.objects.create(task="x", published_at=now - timedelta(days=8))
        recent = OutboxMessage.objects.create(task="x", published_at=now - timedelta(days=6))
        pending = OutboxMessage.objects.create(task="x", created_at=now - timedelta(days=30))
        assert outbox.purge_published() == 1
        assert set(OutboxMessage.objects.values_list("pk", flat=True)) >= {recent.pk, pending.pk}
        assert not OutboxMessage.objects.filter(pk=old.pk).exists()
