"""Webhooks against a real HTTP server on loopback: the signature verifies, a 500 (or a refused
connection) is retried on the backoff schedule, every attempt is logged, and events are batched
(one day.closed per agency per day, however many officers)."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tenant_apps.attendance import services as attendance
from tenant_apps.attendance.models import AttendanceIssue, IssueStatus
from tenant_apps.opendata import delivery as sending
from tenant_apps.opendata import services
from tenant_apps.opendata.events import publish
from tenant_apps.opendata.models import DeliveryStatus, WebhookDelivery
from tenant_apps.opendata.tasks import deliver_webhook, retry_due_everywhere
from tenant_apps.people import actions
from tenant_apps.people.models import Officer

DAY = date(2026, 11, 23)
ISSUE = {"id": 1, "officer": 1, "date": "2026-11-23"}


def verify(secret: str, headers: dict, body: bytes, tolerance: int = 300) -> bool:
    """The receiver's check, as docs/integrations.md shows it."""
    timestamp = headers["x-spotme-timestamp"]
    if abs(time.time() - int(timestamp)) > tolerance:
        return False
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest("sha256=" + expected, headers["x-spotme-signature"])


@pytest.fixture
def hook(in_agency, receiver):
    """A webhook on the loopback receiver for every event: (endpoint, secret)."""
    result = services.create_endpoint(
        url=receiver.url, events=["day.closed", "issue.decided", "officer.changed"], description="HRMIS"
    )
    return result.endpoint, result.secret


def deliveries():
    return list(WebhookDelivery.objects.order_by("pk"))


def test_signed_delivery_verifies_and_is_logged(in_agency, hook, receiver, committed):
    endpoint, secret = hook
    with committed():
        actions.update_officer(in_agency.officer_1, grade="F44")
    [got] = receiver.requests
    assert got.path == "/hooks/spotme"
    assert verify(secret, got.headers, got.body)
    assert not verify("whsec_wrong", got.headers, got.body)
    tampered = got.body.replace(b"F44", b"F48").replace(b"grade", b"gradX")
    assert not verify(secret, got.headers, tampered)
    payload = json.loads(got.body)
    assert payload["event"] == "officer.changed" == got.headers["x-spotme-event"]
    assert payload["id"] == got.headers["x-spotme-delivery"]
    assert payload["data"]["officers"] == [
        {"id": in_agency.officer_1.pk, "change": "updated", "fields": ["grade"]}
    ]
    assert payload["data"]["links"]["officers"].endswith(
        f"/api/v1/open/officers/?ids={in_agency.officer_1.pk}"
    )
    assert payload["agency"]["subdomain"] == "selangor-test"
    assert "Pegawai Satu" not in got.body.decode(), "thin payloads: no names"
    [delivery] = deliveries()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == (
        DeliveryStatus.DELIVERED,
        1,
        200,
    )
    assert delivery.delivered_at is not None and str(delivery.event_id) == payload["id"]
    [attempt] = delivery.log.all()
    assert (attempt.number, attempt.status_code, attempt.response_excerpt) == (1, 200, '{"ok": true}')


def test_a_500_is_retried_with_backoff_until_delivered(in_agency, hook, receiver, settings, committed):
    settings.SPOTME_WEBHOOK_RETRY_BASE_SECONDS = 30
    receiver.answers = [500, 503]
    with committed():
        actions.set_officer_active(in_agency.officer_2, False)
    [delivery] = deliveries()
    wait = (delivery.next_attempt_at - timezone.now()).total_seconds()
    assert (
        delivery.status == DeliveryStatus.PENDING
        and delivery.attempts == 1
        and delivery.last_status_code == 500
    )
    assert 25 <= wait <= 34, "30 s (+ up to 10 % jitter) after the first failure"
    assert delivery.response_excerpt == "receiver is down"

    # Not due yet: neither a task nor the sweep sends it.
    assert deliver_webhook(delivery.pk) == "not due"
    assert retry_due_everywhere() == 0
    assert len(receiver.requests) == 1

    # Due: the sweep picks it up; the second answer is 503, the next wait is 4 × longer.
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert retry_due_everywhere() == 1
    delivery.refresh_from_db()
    wait = (delivery.next_attempt_at - timezone.now()).total_seconds()
    assert delivery.attempts == 2 and delivery.last_status_code == 503 and 115 <= wait <= 133

    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert deliver_webhook(delivery.pk) == DeliveryStatus.DELIVERED
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.DELIVERED and delivery.next_attempt_at is None
    assert [(a.number, a.status_code) for a in delivery.log.all()] == [(1, 500), (2, 503), (3, 200)]
    # Every retry is the same event: the same id and body, freshly timestamped and signed.
    assert len({r.headers["x-spotme-delivery"] for r in receiver.requests}) == 1
    assert len({r.body for r in receiver.requests}) == 1
    assert all(verify(hook[1], r.headers, r.body) for r in receiver.requests)


def test_network_errors_are_retried_and_the_last_attempt_fails(in_agency, receiver, settings, committed):
    settings.SPOTME_WEBHOOK_MAX_ATTEMPTS = 3
    endpoint = services.create_endpoint(
        url="http://127.0.0.1:9/nothing-listens", events=["issue.decided"]
    ).endpoint
    with committed():  # the first attempt is published through the outbox after the commit
        publish(in_agency.agency.schema_name, {"issue.decided": [ISSUE]})
    for _ in range(2):
        WebhookDelivery.objects.update(next_attempt_at=timezone.now())
        retry_due_everywhere()
    [delivery] = WebhookDelivery.objects.filter(endpoint=endpoint)
    assert (
        delivery.status == DeliveryStatus.FAILED
        and delivery.attempts == 3
        and delivery.next_attempt_at is None
    )
    assert all(a.status_code is None and "ConnectError" in a.error for a in delivery.log.all())
    # The admin sends it again (one more attempt, the same event id) once the receiver is up.
    services.update_endpoint(endpoint, url=receiver.url)
    sending.redeliver(delivery)
    assert deliver_webhook(delivery.pk) == DeliveryStatus.DELIVERED
    assert json.loads(receiver.requests[0].body)["id"] == str(delivery.event_id)


def test_retry_schedule():
    from django.conf import settings

    base = settings.SPOTME_WEBHOOK_RETRY_BASE_SECONDS
    for n, expected in [(1, base), (2, 4 * base), (3, 16 * base), (12, 12 * 3600)]:
        assert expected <= sending.retry_delay(n) <= expected * 1.1


def test_a_claimed_attempt_is_not_sent_twice(in_agency, hook, receiver):
    publish(in_agency.agency.schema_name, {"issue.decided": [{"id": 1, "officer": 1, "date": "2026-11-23"}]})
    [delivery] = deliveries()
    receiver.requests.clear()
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.PENDING, next_attempt_at=timezone.now()
    )
    assert sending.claim(delivery.pk) is not None
    assert sending.claim(delivery.pk) is None, "the lease keeps a second worker off"
    assert deliver_webhook(delivery.pk) == "not due"
    assert receiver.requests == []


def test_day_closed_is_one_delivery_per_day_with_a_summary(in_agency, hook, receiver, committed):
    with committed():
        closed = attendance.close_day(DAY)
    with committed():
        attendance.close_day(DAY)  # the nightly close is re-runnable: no second delivery
    [got] = [r for r in receiver.requests if r.headers["x-spotme-event"] == "day.closed"]
    data = json.loads(got.body)["data"]
    assert data["date"] == str(DAY) and data["officers_closed"] == closed >= 7
    assert sum(data["summary"].values()) == closed
    assert data["links"]["attendance_days"].endswith(f"/api/v1/open/attendance-days/?date={DAY}")
    assert WebhookDelivery.objects.filter(event="day.closed").count() == 1


def test_issue_decided(in_agency, hook, receiver, committed):
    issue = AttendanceIssue.objects.create(
        officer=in_agency.officer_1, date=DAY, code="lewat", status=IssueStatus.ANSWERED, reason="Jalan sesak"
    )
    with committed():
        attendance.decide_issue(issue, supervisor=in_agency.supervisor_1, accept=False, comment="Tiada bukti")
    [got] = [r for r in receiver.requests if r.headers["x-spotme-event"] == "issue.decided"]
    [item] = json.loads(got.body)["data"]["issues"]
    assert item == {
        "id": issue.pk,
        "officer": in_agency.officer_1.pk,
        "date": str(DAY),
        "code": "lewat",
        "status": "rejected",
        "decided_at": item["decided_at"],
    }
    assert "Jalan sesak" not in got.body.decode() and "Tiada bukti" not in got.body.decode()


def test_changes_in_one_transaction_are_one_delivery(in_agency, hook, receiver, committed):
    from django.db import transaction

    with committed(), transaction.atomic():
        actions.update_officer(in_agency.officer_1, grade="F44")
        actions.update_officer(in_agency.officer_2, position="Ketua Seksyen")
        actions.update_officer(in_agency.officer_3, grade="F41")  # unchanged: no event
    [got] = receiver.requests
    officers = json.loads(got.body)["data"]["officers"]
    assert [(o["id"], o["fields"]) for o in officers] == [
        (in_agency.officer_1.pk, ["grade"]),
        (in_agency.officer_2.pk, ["position"]),
    ]


def test_rolled_back_changes_send_nothing(in_agency, hook, receiver, committed):
    from django.db import transaction

    with committed():
        with transaction.atomic():
            actions.update_officer(in_agency.officer_1, grade="F44")
            transaction.set_rollback(True)
        actions.update_officer(in_agency.officer_2, grade="F48")
    [got] = receiver.requests
    assert [o["id"] for o in json.loads(got.body)["data"]["officers"]] == [in_agency.officer_2.pk]


def test_only_active_subscribed_endpoints_get_events(in_agency, receiver, committed):
    services.create_endpoint(url=receiver.url, events=["day.closed"])
    inactive = services.create_endpoint(url=receiver.url, events=["officer.changed"]).endpoint
    services.update_endpoint(inactive, is_active=False)
    with committed():
        actions.update_officer(in_agency.officer_1, grade="F44")
    assert receiver.requests == [] and WebhookDelivery.objects.count() == 0


def test_ping_and_secret_rotation(in_agency, hook, receiver, committed):
    from django.db import transaction

    from tenant_apps.opendata.events import send_ping

    endpoint, old_secret = hook
    new_secret = services.rotate_secret(endpoint).secret
    with committed(), transaction.atomic():
        send_ping(endpoint)
    [got] = receiver.requests
    assert got.headers["x-spotme-event"] == "ping"
    assert verify(new_secret, got.headers, got.body) and not verify(old_secret, got.headers, got.body)
    endpoint.refresh_from_db()
    assert new_secret not in endpoint.secret_encrypted and endpoint.secret == new_secret


def test_private_addresses_and_plain_http_refused_in_production(in_agency, receiver, settings, committed):
    settings.SPOTME_WEBHOOK_ALLOW_PRIVATE = False
    settings.SPOTME_WEBHOOK_ALLOW_HTTP = False
    for url in (receiver.url, "https://127.0.0.1/x", "https://169.254.169.254/latest", "https://10.0.0.5/x"):
        with pytest.raises(ValidationError):
            services.create_endpoint(url=url, events=["day.closed"])
    with pytest.raises(ValidationError):
        services.create_endpoint(url="https://user:pw@example.gov.my/x", events=["day.closed"])
    # Allowed when saved, refused later (e.g. the setting changed): checked again before each send.
    settings.SPOTME_WEBHOOK_ALLOW_PRIVATE = settings.SPOTME_WEBHOOK_ALLOW_HTTP = True
    services.create_endpoint(url=receiver.url, events=["issue.decided"])
    settings.SPOTME_WEBHOOK_ALLOW_PRIVATE = False
    with committed():
        publish(in_agency.agency.schema_name, {"issue.decided": [ISSUE]})
    [delivery] = deliveries()
    assert receiver.requests == [] and delivery.last_error.startswith("refused")


def test_secret_is_encrypted_at_rest(in_agency, hook):
    endpoint, secret = hook
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT secret_encrypted FROM opendata_webhookendpoint WHERE id = %s", [endpoint.pk])
        (stored,) = cursor.fetchone()
    assert secret not in stored and stored.startswith("gAAAA")


def test_an_import_is_batched_not_one_call_per_officer(in_agency, hook, receiver, committed, monkeypatch):
    from tenant_apps.opendata import events
    from tenant_apps.people import importing
    from tests.people.test_import import csv_bytes, mykad, row

    monkeypatch.setattr(events, "CHUNK", 2)
    rows = [row(mykad(9000 + n), f"Pegawai Baru {n}") for n in range(5)]
    with committed():
        report = importing.import_officers(
            file_name="baru.csv", data=csv_bytes(rows), dry_run=False, notify=False
        )
    assert report.created == 5
    assert len(receiver.requests) == 3, "5 officers in chunks of 2"
    sent = [o for r in receiver.requests for o in json.loads(r.body)["data"]["officers"]]
    new_ids = set(
        Officer.objects.filter(user__username__in=[r["mykad"] for r in rows]).values_list("pk", flat=True)
    )
    assert {o["id"] for o in sent} == new_ids and {o["change"] for o in sent} == {"created"}
    with committed():
        importing.import_officers(file_name="baru.csv", data=csv_bytes(rows), dry_run=True)
    assert len(receiver.requests) == 3, "a dry run sends nothing"


def test_a_failing_publish_never_breaks_the_write(in_agency, hook, committed, monkeypatch):
    from tenant_apps.opendata import events

    def broken(*args):
        raise RuntimeError("broker down")

    monkeypatch.setattr(events, "publish", broken)
    with committed():
        actions.update_officer(in_agency.officer_1, grade="F44")
    attendance.close_day(DAY)  # outside a transaction: published at once, and failing quietly
    in_agency.officer_1.refresh_from_db()
    assert in_agency.officer_1.grade == "F44"
