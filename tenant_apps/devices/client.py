"""HTTP client for an agency's device API (httpx, explicit timeouts, bounded body)."""

from __future__ import annotations

import ipaddress
import socket
from datetime import datetime
from urllib.parse import urlparse
from zoneinfo import ZoneInfo

import httpx
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from .models import AuthKind, DeviceIntegration, PayloadFormat, WindowFormat
from .parsing import MAX_BYTES

MESSAGES = {
    "timeout": _("The device API did not answer in time."),
    "connection": _("The device API could not be reached."),
    "server": _("The device API answered with a server error."),
    "refused": _("The device API refused the request (check the URL and the token)."),
    "too_large": _("The device API's answer is too large."),
    "address": _("This address is not allowed (a private or local network address)."),
    "not_configured": _("No endpoint URL is set."),
    "secret": _("The stored token can no longer be read: set it again."),
}


class PullError(Exception):
    """The API did not deliver. `transient` errors (timeouts, 5xx, connection) are retried."""

    def __init__(self, code: str, *, transient: bool, status: int | None = None):
        self.code = code
        self.transient = transient
        self.status = status
        super().__init__(f"{code}{f' (HTTP {status})' if status else ''}")

    @property
    def message(self) -> str:
        text = str(MESSAGES[self.code])
        return f"{text} (HTTP {self.status})" if self.status else text


def check_address(url: str) -> None:
    """Refuse private, loopback and link-local targets unless the platform allows them
    (SPOTME_DEVICE_ALLOW_PRIVATE): an org admin must not be able to make our servers call internal
    services."""
    if getattr(settings, "SPOTME_DEVICE_ALLOW_PRIVATE", False):
        return
    host = urlparse(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError as exc:
        raise PullError("connection", transient=True) from exc
    for info in infos:
        ip = ipaddress.ip_address(info[4][0])
        if ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast:
            raise PullError("address", transient=False)


def _window(value: datetime, integration: DeviceIntegration) -> str:
    if integration.window_format == WindowFormat.EPOCH:
        return str(int(value.timestamp()))
    return value.astimezone(ZoneInfo(integration.device_timezone)).replace(microsecond=0).isoformat()


def fetch(integration: DeviceIntegration, since: datetime, until: datetime) -> bytes:
    """GET the endpoint for the window [since, until]; the body, or PullError."""
    if not integration.endpoint_url:
        raise PullError("not_configured", transient=False)
    check_address(integration.endpoint_url)
    headers = {
        "Accept": "text/csv" if integration.payload_format == PayloadFormat.CSV else "application/json",
        "User-Agent": "SPOT-Me device pull",
    }
    try:
        secret = integration.secret
    except Exception as exc:  # a rotated key: cryptography's InvalidToken
        raise PullError("secret", transient=False) from exc
    if integration.auth_kind == AuthKind.BEARER and secret:
        headers["Authorization"] = f"Bearer {secret}"
    elif integration.auth_kind == AuthKind.HEADER and secret and integration.auth_header:
        headers[integration.auth_header] = secret
    params = {
        integration.since_param: _window(since, integration),
        integration.until_param: _window(until, integration),
    }
    timeout = httpx.Timeout(integration.timeout_seconds, connect=min(10, integration.timeout_seconds))
    try:
        with httpx.stream(
            "GET", integration.endpoint_url, params=params, headers=headers, timeout=timeout
        ) as response:
            if response.status_code >= 500 or response.status_code == 429:
                raise PullError("server", transient=True, status=response.status_code)
            if response.status_code != 200:
                raise PullError("refused", transient=False, status=response.status_code)
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > MAX_BYTES:
                    raise PullError("too_large", transient=False)
            return bytes(body)
    except httpx.TimeoutException as exc:
        raise PullError("timeout", transient=True) from exc
    except httpx.TransportError as exc:
        raise PullError("connection", transient=True) from exc
