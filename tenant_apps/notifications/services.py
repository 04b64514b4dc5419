"""Sending notifications. `notify` is called inside the writing transaction; rows, emails and pushes
exist only if that transaction commits: the email and the push (push.py) are tasks in the
transactional outbox (spotme/outbox), written in the same transaction and published to Celery after
the commit, or later by the relay when the broker is down — a notification never fails or delays
the write that caused it."""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone, translation

from spotme.outbox import services as outbox

from . import push
from .models import Kind, Notification, Preference
from .rendering import source_of, stored_params


def preferences_for(user, kind: str) -> tuple[bool, bool, bool]:
    """(in the centre, by email, by push) for this kind; all on unless the person said otherwise."""
    pref = Preference.objects.filter(user=user, kind=kind).first()
    return (pref.in_app, pref.email, pref.push) if pref else (True, True, True)


def notify(recipient, kind: Kind | str, message, *, url: str = "", **params) -> Notification | None:
    """`message` is a lazy translatable string with %(name)s placeholders. Its source and the
    parameters are stored, so the centre shows it in the reader's language of the moment
    (Notification.text); `message` keeps it in the recipient's language (Malay unless they chose
    English) as it was written."""
    if recipient is None or not recipient.is_active:
        return None
    in_app, by_email, by_push = preferences_for(recipient, kind)
    if not (in_app or by_email or by_push):
        return None
    with translation.override(recipient.preferred_language or settings.LANGUAGE_CODE):
        text = str(message) % params if params else str(message)
    note = Notification.objects.create(
        recipient=recipient,
        kind=kind,
        message=text[:500],
        template=source_of(message) or "",
        params=stored_params(params),
        url=url,
        read_at=None if in_app else timezone.now(),
    )
    if by_email and recipient.email:
        outbox.enqueue("notifications.send_email", note.pk)
    if by_push:
        push.enqueue(note)
    return note


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def mark_read(user, ids=None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
