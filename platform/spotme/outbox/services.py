"""The transactional outbox: the one way a write asks for follow-up work (an email, a webhook…).

    enqueue("notifications.send_email", note.pk)   # inside the writing transaction

writes an `OutboxMessage` row in that transaction, so the work exists exactly when the data does,
and asks for it to be published to Celery right after the commit. Publishing is best effort and
never raises into the request: with the broker (Redis) down the row stays pending and the relay
publishes it when the broker is back — `relay_everywhere`, a beat task every RELAY_SECONDS, and the
first successful publication of this process after a failure, which drains its agency's backlog.
Without REDIS_URL tasks run in-process (eager), as everywhere else. Tasks must be idempotent: a
row published just before a crash is published again (at-least-once)."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import schema_context

from .models import OutboxMessage

log = logging.getLogger(__name__)

RELAY_SECONDS = 30.0  # the beat relay's period
# The beat relay leaves younger rows to their own after-commit publication.
RELAY_MIN_AGE = timedelta(seconds=20)
# Published rows are kept this long (to look into a delivery), then removed by the relay.
KEEP_PUBLISHED = timedelta(days=7)
BROKER_RETRY_AFTER = 5.0  # seconds the after-commit publication is skipped after a failure
_broker_failed_at: float | None = None


def enqueue(task: str, *args) -> OutboxMessage:
    """Queue Celery task `task` (its registered name) with JSON `args`, published after commit."""
    message = OutboxMessage.objects.create(task=task, args=list(args))
    schema = connection.schema_name

    def publish_after_commit() -> None:  # a named function: Django's robust on_commit logs its name
        _after_commit(schema, message.pk)

    transaction.on_commit(publish_after_commit, robust=True)
    return message


def broker_available() -> bool:
    return _broker_failed_at is None or time.monotonic() - _broker_failed_at >= BROKER_RETRY_AFTER


def _after_commit(schema: str, message_id: int) -> None:
    """Best effort, never raising: the write is committed, and whatever fails here (the broker,
    even the database) leaves the row pending for the relay."""
    if not broker_available():
        return  # the relay publishes it when the broker is back
    recovering = _broker_failed_at is not None
    try:
        with schema_context(schema):
            published = publish(OutboxMessage.objects.filter(pk=message_id, published_at__isnull=True))
            if published and recovering:
                relay()  # the backlog this process left while the broker was away
    except Exception:  # noqa: BLE001 - see the docstring
        log.warning("outbox publication after commit deferred to the relay", exc_info=True)


def _publish_one(message: OutboxMessage) -> None:
    from spotme.celery import app

    if message.task not in app.tasks:
        app.loader.import_default_modules()  # the apps' tasks modules (Celery's autodiscovery)
    # retry=False: fail at once when the broker is down (the row stays pending), never hold the
    # request. The task object carries the schema (tenant-schemas-celery) and eager mode.
    app.tasks[message.task].apply_async(args=message.args, retry=False)


def publish(messages) -> int:
    """Publish `messages` (a queryset of this schema's pending rows) in id order; stop at the first
    failure (the broker is down: the rest would fail too). Returns how many were published."""
    global _broker_failed_at
    done: list[int] = []
    try:
        for message in messages.order_by("id"):
            try:
                _publish_one(message)
            except Exception as exc:  # noqa: BLE001 - any publishing failure leaves the row pending
                if _broker_failed_at is None:
                    log.warning("broker unavailable, outbox publication deferred: %s", exc)
                _broker_failed_at = time.monotonic()
                OutboxMessage.objects.filter(pk=message.pk).update(
                    attempts=message.attempts + 1, last_error=str(exc)[:300]
                )
                break
            done.append(message.pk)
            if _broker_failed_at is not None:
                log.warning("broker available again, publishing the outbox")
                _broker_failed_at = None
    finally:
        if done:
            OutboxMessage.objects.filter(pk__in=done).update(published_at=timezone.now())
    return len(done)


def relay(*, min_age: timedelta | None = None, limit: int = 1000) -> int:
    """Publish this schema's pending rows (older than `min_age`), one relay at a time per row."""
    pending = OutboxMessage.objects.filter(published_at__isnull=True)
    if min_age is not None:
        pending = pending.filter(created_at__lte=timezone.now() - min_age)
    with transaction.atomic():
        claimed = pending.select_for_update(skip_locked=True).order_by("id")
        ids = list(claimed.values_list("pk", flat=True)[:limit])
        return publish(OutboxMessage.objects.filter(pk__in=ids)) if ids else 0


def purge_published(*, older_than: timedelta = KEEP_PUBLISHED) -> int:
    """Remove rows published more than `older_than` ago: the outbox stays small. Pending rows stay
    whatever their age."""
    cutoff = timezone.now() - older_than
    deleted, _ = OutboxMessage.objects.filter(published_at__lt=cutoff).delete()
    return deleted
