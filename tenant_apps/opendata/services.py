"""Writes about tokens and webhooks. Each function validates and writes in one transaction; the
changes are recorded by django-auditlog (never the token hash or the encrypted secret)."""

from __future__ import annotations

import hashlib
import ipaddress
import secrets
import socket
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from spotme.crypto import encrypt

from .models import ApiToken, Event, Scope, WebhookEndpoint

TOKEN_PREFIX = "spotme_"
MAX_TOKEN_DAYS = 366
MAX_ENDPOINTS = 20


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    plaintext: str  # shown once, never stored


def create_token(*, name: str, scopes, expires_at, created_by=None) -> NewToken:
    name = (name or "").strip()
    scopes = sorted(set(scopes or ()))
    errors = {}
    if not name:
        errors["name"] = _("Give the token a name.")
    if not scopes or any(s not in Scope.values for s in scopes):
        errors["scopes"] = _("Choose at least one scope.")
    now = timezone.now()
    if expires_at is None or expires_at <= now:
        errors["expires_at"] = _("The expiry must be in the future.")
    elif expires_at > now + timedelta(days=MAX_TOKEN_DAYS):
        errors["expires_at"] = _("A token may be valid for at most a year.")
    if errors:
        raise ValidationError(errors)
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        name=name,
        prefix=plaintext[: len(TOKEN_PREFIX) + 6],
        token_hash=hash_token(plaintext),
        scopes=scopes,
        expires_at=expires_at,
        created_by=created_by,
    )
    return NewToken(token, plaintext)


def revoke_token(token: ApiToken, *, by=None) -> ApiToken:
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token.pk)
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.revoked_by = by
            token.save(update_fields=["revoked_at", "revoked_by"])
    return token


# --- webhooks ---------------------------------------------------------------------------------------


def check_url(url: str, *, resolve: bool = True) -> None:
    """Refuse what would make the platform call into its own network: http (unless allowed) and
    addresses that are loopback, private, link-local or reserved (unless allowed). Checked when the
    URL is saved and again before every delivery."""
    parts = urlsplit(url or "")
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValidationError({"url": _("Enter a full https:// address.")})
    if parts.scheme == "http" and not settings.SPOTME_WEBHOOK_ALLOW_HTTP:
        raise ValidationError({"url": _("The address must use https://.")})
    if parts.username or parts.password:
        raise ValidationError({"url": _("Do not put a user name or password in the address.")})
    if settings.SPOTME_WEBHOOK_ALLOW_PRIVATE or not resolve:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError) as exc:
        raise ValidationError({"url": _("This host name cannot be found.")}) from exc
    for info in infos:
        ip = ipaddress.ip_address(info[4][0])
        if not ip.is_global or ip.is_multicast:
            raise ValidationError({"url": _("This address is inside a private network and cannot be used.")})


def _new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(32)


def _clean_events(events) -> list[str]:
    events = sorted(set(events or ()))
    if not events or any(e not in Event.values for e in events):
        raise ValidationError({"events": _("Choose at least one event.")})
    return events


@dataclass(frozen=True)
class EndpointWithSecret:
    endpoint: WebhookEndpoint
    secret: str  # shown once


def create_endpoint(*, url: str, events, description: str = "", created_by=None) -> EndpointWithSecret:
    events = _clean_events(events)
    check_url(url)
    with transaction.atomic():
        if WebhookEndpoint.objects.count() >= MAX_ENDPOINTS:
            raise ValidationError(_("An agency may have at most %(n)d webhooks.") % {"n": MAX_ENDPOINTS})
        secret = _new_secret()
        endpoint = WebhookEndpoint.objects.create(
            url=url,
            events=events,
            description=(description or "").strip(),
            secret_encrypted=encrypt(secret),
            secret_prefix=secret[:10],
            created_by=created_by,
        )
    return EndpointWithSecret(endpoint, secret)


def update_endpoint(endpoint: WebhookEndpoint, **changes) -> WebhookEndpoint:
    if "events" in changes:
        changes["events"] = _clean_events(changes["events"])
    if "url" in changes and changes["url"] != endpoint.url:
        check_url(changes["url"])
    fields = [f for f in ("url", "events", "description", "is_active") if f in changes]
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        for field in fields:
            setattr(endpoint, field, changes[field])
        endpoint.save(update_fields=[*fields, "updated_at"])
    return endpoint


def rotate_secret(endpoint: WebhookEndpoint) -> EndpointWithSecret:
    """A new secret from now on (deliveries not yet sent are signed with it too)."""
    secret = _new_secret()
    with transaction.atomic():
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=endpoint.pk)
        endpoint.secret_encrypted = encrypt(secret)
        endpoint.secret_prefix = secret[:10]
        endpoint.save(update_fields=["secret_encrypted", "secret_prefix", "updated_at"])
    return EndpointWithSecret(endpoint, secret)
