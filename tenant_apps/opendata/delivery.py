"""Sending webhook deliveries: sign, POST, log the attempt, schedule the next one.

Signature (docs/integrations.md): `X-SpotMe-Signature: sha256=<hex>` where hex is
HMAC-SHA256(secret, "<X-SpotMe-Timestamp>." + raw body). The timestamp is inside the signed text,
so a captured delivery cannot be replayed later with a fresh timestamp; receivers refuse timestamps
older than a few minutes and may use `X-SpotMe-Delivery` (unique per delivery, the same on every
retry) to ignore a delivery they already processed.

Retries: a non-2xx answer or a network error schedules the next attempt after
base × 4^(attempt-1) seconds (30 s, 2 min, 8 min, 32 min, 2 h 8 min, 8 h 32 min, then 12 h), with up
to 10 % jitter, until SPOTME_WEBHOOK_MAX_ATTEMPTS; then the delivery is `failed`. Each attempt first
*claims* the delivery (one conditional UPDATE that pushes next_attempt_at a lease ahead), so a
countdown task and the periodic sweep never send the same attempt twice, and a worker that dies
mid-attempt leaves the delivery to the sweep once the lease is over."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import random
import time
from datetime import timedelta

import httpx
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import DeliveryStatus, WebhookAttempt, WebhookDelivery

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=2)
MAX_DELAY_SECONDS = 12 * 3600
USER_AGENT = "SPOT-Me-Webhooks/1"


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def encode(payload: dict) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False, sort_keys=True).encode()


def retry_delay(attempt: int) -> float:
    """Seconds to wait after failed attempt number `attempt` (1-based)."""
    base = settings.SPOTME_WEBHOOK_RETRY_BASE_SECONDS * 4 ** (attempt - 1)
    delay = min(base, MAX_DELAY_SECONDS)
    return delay + random.uniform(0, delay * 0.1)  # noqa: S311 (jitter, not a secret)


def claim(delivery_id: int, now=None) -> WebhookDelivery | None:
    """Take the delivery for one attempt if it is due; None if another attempt has it or it is done."""
    now = now or timezone.now()
    claimed = WebhookDelivery.objects.filter(
        Q(next_attempt_at__lte=now) | Q(next_attempt_at__isnull=True),
        pk=delivery_id,
        status=DeliveryStatus.PENDING,
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + LEASE)
    if not claimed:
        return None
    return WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)


def attempt(delivery_id: int, *, now=None) -> WebhookDelivery | None:
    """One attempt at a delivery. Returns the delivery as left (None if it was not due)."""
    from .services import check_url

    delivery = claim(delivery_id, now)
    if delivery is None:
        return None
    endpoint = delivery.endpoint
    status_code, error, excerpt = None, "", ""
    started = time.monotonic()
    if not endpoint.is_active:
        error = "webhook deactivated"
    else:
        try:
            check_url(endpoint.url)
            body = encode(delivery.payload)
            timestamp = int(time.time())
            headers = {
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
                "X-SpotMe-Event": delivery.event,
                "X-SpotMe-Delivery": str(delivery.event_id),
                "X-SpotMe-Timestamp": str(timestamp),
                "X-SpotMe-Signature": sign(endpoint.secret, timestamp, body),
            }
            with httpx.Client(
                timeout=settings.SPOTME_WEBHOOK_TIMEOUT_SECONDS, follow_redirects=False
            ) as client:
                response = client.post(endpoint.url, content=body, headers=headers)
            status_code = response.status_code
            excerpt = response.text[:500]
        except ValidationError as exc:
            error = "refused: " + " ".join(exc.messages)
        except httpx.HTTPError as exc:
            error = f"{type(exc).__name__}: {exc}"
        except Exception as exc:  # a bad secret key, a bug: logged, retried like a failure
            log.exception("webhook delivery %s failed", delivery.pk)
            error = f"{type(exc).__name__}"
    duration_ms = int((time.monotonic() - started) * 1000)
    return _record(delivery, status_code, error[:300], excerpt, duration_ms)


def _record(delivery: WebhookDelivery, status_code, error: str, excerpt: str, duration_ms: int):
    now = timezone.now()
    ok = status_code is not None and 200 <= status_code < 300
    with transaction.atomic():
        WebhookAttempt.objects.create(
            delivery=delivery,
            number=delivery.attempts,
            at=now,
            status_code=status_code,
            error=error,
            response_excerpt=excerpt,
            duration_ms=duration_ms,
        )
        delivery.last_status_code = status_code
        delivery.last_error = error
        delivery.response_excerpt = excerpt
        if ok:
            delivery.status, delivery.delivered_at, delivery.next_attempt_at = (
                DeliveryStatus.DELIVERED,
                now,
                None,
            )
        elif delivery.attempts >= settings.SPOTME_WEBHOOK_MAX_ATTEMPTS or not delivery.endpoint.is_active:
            delivery.status, delivery.next_attempt_at = DeliveryStatus.FAILED, None
        else:
            delivery.next_attempt_at = now + timedelta(seconds=retry_delay(delivery.attempts))
        delivery.save(
            update_fields=[
                "status",
                "delivered_at",
                "next_attempt_at",
                "last_status_code",
                "last_error",
                "response_excerpt",
            ]
        )
    log.info(
        "webhook %s %s attempt %d: %s",
        delivery.event,
        delivery.event_id,
        delivery.attempts,
        status_code or error,
    )
    return delivery


def due(now=None):
    """Deliveries waiting for an attempt now (the sweep's query; index on status, next_attempt_at)."""
    now = now or timezone.now()
    return WebhookDelivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)


def redeliver(delivery: WebhookDelivery) -> WebhookDelivery:
    """One more attempt at a failed (or delivered) delivery, from the admin page: the same event id."""
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.PENDING, next_attempt_at=timezone.now(), delivered_at=None
    )
    delivery.refresh_from_db()
    return delivery
