from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation

from spotme.celery import app


@app.task(
    name="notifications.send_email",
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_notification_email(notification_id: int) -> str:
    """Idempotent: a notification is emailed once, whatever the retries."""
    from .models import Notification

    note = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    if note is None or note.emailed_at is not None or not note.recipient.email:
        return "skipped"
    with translation.override(note.recipient.preferred_language or settings.LANGUAGE_CODE):
        subject = f"SPOT-Me: {note.message[:80]}"
        body = note.message + (f"\n\n{note.url}" if note.url else "")
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [note.recipient.email])
    Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())
    return "sent"
