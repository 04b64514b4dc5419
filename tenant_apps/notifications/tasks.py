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
        text = note.text  # in the recipient's language
        subject = f"SPOT-Me: {text[:80]}"
        body = text + (f"\n\n{note.url}" if note.url else "")
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [note.recipient.email])
    Notification.objects.filter(pk=note.pk).update(emailed_at=timezone.now())
    return "sent"


@app.task(name="notifications.purge_old_everywhere")
def purge_old_everywhere() -> int:
    """Nightly: one retention task per active agency (its own period, AgencyProfile)."""
    from tenants.models import delay_in_each_active_agency

    return delay_in_each_active_agency(purge_old)


@app.task(name="notifications.purge_old", acks_late=True)
def purge_old() -> int:
    """Notifications older than the agency's retention period, read or not. Idempotent."""
    from tenant_apps.organisation.models import AgencyProfile, retention_cutoff

    from .models import Notification

    profile = AgencyProfile.current()
    cutoff = retention_cutoff(timezone.now(), profile.notification_retention_days) if profile else None
    if cutoff is None:
        return 0
    return Notification.objects.filter(created_at__lt=cutoff).delete()[1].get("notifications.Notification", 0)
