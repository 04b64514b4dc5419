"""Sending notifications. `notify` is called inside the writing transaction; rows and emails exist
only if that transaction commits (emails go through Celery after the commit)."""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation

from .models import Kind, Notification, Preference


def preferences_for(user, kind: str) -> tuple[bool, bool]:
    pref = Preference.objects.filter(user=user, kind=kind).first()
    return (pref.in_app, pref.email) if pref else (True, True)


def notify(recipient, kind: Kind | str, message, *, url: str = "", **params) -> Notification | None:
    """`message` is a lazy translatable string with %(name)s placeholders, rendered in the recipient's
    language (Malay unless they chose English)."""
    if recipient is None or not recipient.is_active:
        return None
    in_app, by_email = preferences_for(recipient, kind)
    if not (in_app or by_email):
        return None
    with translation.override(recipient.preferred_language or settings.LANGUAGE_CODE):
        text = str(message) % params if params else str(message)
    note = Notification.objects.create(
        recipient=recipient,
        kind=kind,
        message=text[:500],
        url=url,
        read_at=None if in_app else timezone.now(),
    )
    if by_email and recipient.email:
        transaction.on_commit(partial(_enqueue_email, connection.schema_name, note.pk))
    return note


def _enqueue_email(schema_name: str, notification_id: int) -> None:
    """Enqueue in the schema the notification was written in (tenant-schemas-celery carries it to
    the worker), whatever schema the connection is on when the commit callback runs."""
    from django_tenants.utils import schema_context

    from .tasks import send_notification_email

    with schema_context(schema_name):
        send_notification_email.delay(notification_id)


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(user, ids=None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
