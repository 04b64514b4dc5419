"""Web Push: a person's browsers (phones) that receive their notifications, and one delivery.

A browser subscribes from the notification settings (static/spotme/push.js): it asks its push
service (FCM, Mozilla's, Apple's …) for an endpoint, encrypted for the platform's VAPID public key,
and posts the endpoint and its keys here (`subscribe`). When `services.notify` creates a notification
and the person's preference for its kind allows push, the task `notifications.send_push` sends it to
each of their subscriptions (`deliver`): the payload is encrypted for the browser (RFC 8291,
aes128gcm) and the request signed with the VAPID key (RFC 8292), both by pywebpush. The service
worker (static/spotme/sw-push.js) shows it. A subscription the push service says is gone (404/410)
is removed; other failures are counted on it and retried with backoff by the task.

The endpoint is a URL the platform will POST to, chosen by the browser, i.e. by whoever calls the
API: outside development and tests it must be https on a public address, checked when subscribing
and again before every delivery (as webhooks are)."""

from __future__ import annotations

import ipaddress
import json
import socket
from urllib.parse import urlsplit

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from spotme.vapid import b64url_decode

from .errors import TransientPushError
from .models import Kind, Notification, PushSubscription

MAX_ENDPOINT_LENGTH = 1024
MAX_USER_AGENT_LENGTH = 300
P256DH_BYTES = 65  # an uncompressed P-256 point
AUTH_BYTES = 16
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
ICON = "spotme/icons/icon-192.png"  # the app's icon (PWA); left out of the payload when absent

# The notification's title on the phone, per kind, in the recipient's language.
TITLES = {
    Kind.CLOCK_OUTSIDE: gettext_lazy("Outside the office area"),
    Kind.MOVEMENT_NEW: gettext_lazy("New movement"),
    Kind.ISSUE_ANSWERED: gettext_lazy("Attendance issue answered"),
    Kind.ISSUE_DECIDED: gettext_lazy("Attendance issue decided"),
    Kind.TASK_ASSIGNED: gettext_lazy("New task"),
    Kind.TASK_COMMENTED: gettext_lazy("New comment on a task"),
    Kind.PATTERN_DECIDED: gettext_lazy("Working pattern decided"),
    Kind.PATTERN_REQUESTED: gettext_lazy("Working pattern request"),
    Kind.TASK_LOG_REVIEWED: gettext_lazy("Task log reviewed"),
    Kind.TASK_LOG_RETURNED: gettext_lazy("Task log returned for correction"),
    Kind.TASK_LOG_CORRECTED: gettext_lazy("Task log corrected"),
}


def enabled() -> bool:
    return settings.SPOTME_VAPID is not None


def public_key() -> str | None:
    return settings.SPOTME_VAPID.public_key if enabled() else None


# --- checking what a browser sends ------------------------------------------------------------------


def check_endpoint(url: str, *, resolve: bool = True) -> str:
    """The endpoint, or a ValidationError saying why the platform will not POST to it."""
    if len(url) > MAX_ENDPOINT_LENGTH:
        raise ValidationError(
            _("The address is longer than %(n)d characters.") % {"n": MAX_ENDPOINT_LENGTH}, code="too_long"
        )
    try:
        parts = urlsplit(url)
        hostname, port = parts.hostname, parts.port
    except ValueError:
        parts, hostname, port = None, None, None
    if parts is None or parts.scheme not in ("https", "http") or not hostname:
        raise ValidationError(_("Enter a full https:// address."), code="invalid")
    if parts.username or parts.password:
        raise ValidationError(_("Do not put a user name or password in the address."), code="invalid")
    loopback = hostname in LOOPBACK_HOSTS
    if loopback and settings.SPOTME_PUSH_ALLOW_LOOPBACK:
        return url
    if parts.scheme != "https":
        raise ValidationError(_("The address must use https://."), code="insecure")
    if not resolve:
        return url
    try:
        infos = socket.getaddrinfo(hostname, port or 443, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        raise ValidationError(_("This host name cannot be found."), code="unknown_host") from None
    for info in infos:
        ip = ipaddress.ip_address(info[4][0])
        if not ip.is_global or ip.is_multicast:
            raise ValidationError(
                _("This address is inside a private network and cannot be used."), code="private_address"
            )
    return url


def check_key(value: str, length: int) -> str:
    """A base64url key of exactly `length` bytes (a P-256 point must also lie on the curve)."""
    try:
        raw = b64url_decode(value)
    except ValueError:
        raise ValidationError(_("This is not base64url text."), code="invalid") from None
    if len(raw) != length:
        raise ValidationError(
            _("The key must be %(n)d bytes long, not %(got)d.") % {"n": length, "got": len(raw)},
            code="invalid_length",
        )
    if length == P256DH_BYTES:
        from cryptography.hazmat.primitives.asymmetric import ec

        try:
            ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
        except ValueError:
            raise ValidationError(_("This is not a P-256 public key."), code="invalid") from None
    return value.strip().rstrip("=")


# --- subscribing ------------------------------------------------------------------------------------


def subscribe(user, *, endpoint: str, p256dh: str, auth: str, user_agent: str = "") -> PushSubscription:
    """Store (or renew) this browser's subscription for `user`; inputs already checked."""
    subscription, _created = PushSubscription.objects.update_or_create(
        endpoint=endpoint,
        defaults={
            "user": user,
            "p256dh": p256dh,
            "auth": auth,
            "user_agent": user_agent[:MAX_USER_AGENT_LENGTH],
            "failures": 0,
            "last_error": "",
        },
    )
    return subscription


def unsubscribe(user, endpoint: str) -> int:
    """This browser stops receiving `user`'s notifications (only their own subscription goes)."""
    return PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()[0]


def subscriptions_of(user):
    return PushSubscription.objects.filter(user=user).order_by("-created_at", "-pk")


def has_subscriptions(user) -> bool:
    return PushSubscription.objects.filter(user=user).exists()


# --- one delivery -----------------------------------------------------------------------------------


def _icon_url() -> str:
    from django.contrib.staticfiles.storage import staticfiles_storage

    try:
        return staticfiles_storage.url(ICON) if staticfiles_storage.exists(ICON) else ""
    except (ValueError, OSError):  # the manifest does not know it (no icon in this build)
        return ""


def payload(note: Notification) -> dict:
    """What the service worker shows (sw-push.js), in the recipient's language (the message was
    rendered in it when the notification was created)."""
    with translation.override(note.recipient.preferred_language or settings.LANGUAGE_CODE):
        title = str(TITLES.get(note.kind, "SPOT-Me"))
    data = {
        "title": title,
        "body": note.message,
        "url": note.url or "/notifications/",
        "tag": f"spotme-notification-{note.pk}",  # a repeated delivery replaces, never doubles
        "lang": note.recipient.preferred_language or settings.LANGUAGE_CODE,
    }
    icon = _icon_url()
    if icon:
        data["icon"] = icon
    return data


def _record_failure(subscription_id: int, error: str) -> None:
    PushSubscription.objects.filter(pk=subscription_id).update(
        failures=F("failures") + 1, last_failure_at=timezone.now(), last_error=error[:300]
    )


def deliver(note: Notification, subscription: PushSubscription) -> str:
    """Send one notification to one browser. Returns "sent", "gone" (removed), "refused" or
    "failed" (counted, not worth retrying); raises TransientPushError when a retry may succeed."""
    from py_vapid import Vapid02
    from pywebpush import WebPushException, webpush

    keys = settings.SPOTME_VAPID
    if keys is None:
        return "off"
    try:
        check_endpoint(subscription.endpoint)
    except ValidationError as exc:
        _record_failure(subscription.pk, "refused: " + " ".join(exc.messages))
        return "refused"
    session = requests.Session()
    session.max_redirects = 0  # a push service answers, it does not redirect: never follow one
    try:
        webpush(
            subscription_info={
                "endpoint": subscription.endpoint,
                "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
            },
            data=json.dumps(payload(note), ensure_ascii=False),
            vapid_private_key=Vapid02.from_raw(keys.private_key.encode()),
            vapid_claims={"sub": keys.subject},  # aud (the endpoint's origin) and exp added by webpush
            ttl=settings.SPOTME_PUSH_TTL_SECONDS,
            timeout=settings.SPOTME_PUSH_TIMEOUT_SECONDS,
            headers={"Urgency": "normal"},
            requests_session=session,
        )
    except WebPushException as exc:
        status = exc.status_code
        if status in (404, 410):  # the browser unsubscribed or the subscription expired
            PushSubscription.objects.filter(pk=subscription.pk).delete()
            return "gone"
        _record_failure(subscription.pk, f"HTTP {status}" if status else str(exc.message))
        if status is None or status == 429 or status >= 500:
            raise TransientPushError(f"push service answered {status}") from None
        return "failed"
    except requests.RequestException as exc:
        _record_failure(subscription.pk, f"{type(exc).__name__}: {exc}")
        raise TransientPushError(type(exc).__name__) from None
    finally:
        session.close()
    PushSubscription.objects.filter(pk=subscription.pk).update(
        last_success_at=timezone.now(), failures=0, last_error=""
    )
    return "sent"


def enqueue(note: Notification) -> None:
    """Inside the notifying transaction: push it after commit (outbox), if the person has a device."""
    from spotme.outbox import services as outbox

    if enabled() and has_subscriptions(note.recipient):
        outbox.enqueue("notifications.send_push", note.pk)
