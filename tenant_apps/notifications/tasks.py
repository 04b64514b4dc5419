from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone, translation

from spotme.celery import app

from .errors import TransientPushError


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


@app.task(name="notifications.send_push", acks_late=True)
def send_push(notification_id: int) -> int:
    """One delivery task per browser of the recipient, each retried on its own. Returns how many."""
    from . import push
    from .models import Notification, PushSubscription

    note = Notification.objects.filter(pk=notification_id).first()
    if note is None or not push.enabled():
        return 0
    if (timezone.now() - note.created_at).total_seconds() > settings.SPOTME_PUSH_TTL_SECONDS:
        return 0  # held back too long (a broker outage): old news on a phone
    ids = list(PushSubscription.objects.filter(user_id=note.recipient_id).values_list("pk", flat=True))
    for subscription_id in ids:
        push_to_device.delay(notification_id, subscription_id)
    return len(ids)


@app.task(
    name="notifications.push_to_device",
    acks_late=True,
    autoretry_for=(TransientPushError,),
    retry_backoff=15,  # 15 s, 30 s, 1 min … (with jitter), at most 10 min apart
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=6,
)
def push_to_device(notification_id: int, subscription_id: int) -> str:
    """Send one notification to one browser (push.deliver): "sent", "gone" (removed after 404/410),
    "failed" (counted); network errors, 429 and 5xx are retried. A repeated delivery (a retry after
    a lost acknowledgement) carries the same tag, so the phone replaces rather than doubles it."""
    from . import push
    from .models import Notification, PushSubscription

    note = Notification.objects.select_related("recipient").filter(pk=notification_id).first()
    subscription = PushSubscription.objects.filter(pk=subscription_id).first()
    if note is None or subscription is None or subscription.user_id != note.recipient_id:
        return "skipped"  # unsubscribed, moved to someone else, or the notification was purged
    return push.deliver(note, subscription)


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
