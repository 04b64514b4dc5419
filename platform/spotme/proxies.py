"""Which address a request came from, and which proxy headers to believe.

`X-Forwarded-For` and `X-Forwarded-Proto` are only facts when a proxy we run wrote them; from
anyone else they are whatever the client typed. The proxies are listed once, in
settings.SPOTME_TRUSTED_PROXIES (CIDRs; default none). `TrustedProxyMiddleware`, first in
MIDDLEWARE, resolves the client's address once per request and puts it in `REMOTE_ADDR`, and drops
the forwarded headers a client could have forged, so every reader downstream agrees: the audit
trail (spotme.audit.events.client_ip), django-axes, DRF's throttles (`get_ident`), the password
reset throttle, Django's `SECURE_PROXY_SSL_HEADER` and gunicorn's access line
(spotme.gunicorn_logging, which reads the same environ).

The client is found as a proxy finds it: starting from the peer, walk `X-Forwarded-For` from the
right while the hop is a trusted proxy; the first address that is not is the client. Addresses to
its left were written by the client itself and are ignored.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from functools import lru_cache

Network = ipaddress.IPv4Network | ipaddress.IPv6Network

PEER_KEY = "spotme.peer_addr"  # the TCP peer, kept in the environ when REMOTE_ADDR is rewritten
RESOLVED_KEY = "spotme.client_resolved"


def parse_address(value: str | None) -> str | None:
    """A bare IP address from "1.2.3.4", "1.2.3.4:5678", "[2001:db8::1]:443"; None if it is none."""
    value = (value or "").strip()
    if value.startswith("[") and "]" in value:
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:
        value = value.split(":")[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


@lru_cache(maxsize=8)
def parse_networks(text: str) -> tuple[Network, ...]:
    """"10.0.0.0/8, 192.168.1.5" → networks; raises ValueError on anything else."""
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip())


def is_trusted(address: str | None, trusted: Iterable[Network]) -> bool:
    if not address:
        return False
    ip = ipaddress.ip_address(address)
    return any(ip.version == net.version and ip in net for net in trusted)


def client_address(meta: Mapping, trusted: tuple[Network, ...]) -> str | None:
    """The client's address from a WSGI environ / request.META."""
    peer = parse_address(meta.get("REMOTE_ADDR"))
    if not trusted or not is_trusted(peer, trusted):
        return peer
    client = peer
    hops = [hop for hop in str(meta.get("HTTP_X_FORWARDED_FOR", "")).split(",") if hop.strip()]
    for hop in reversed(hops):
        address = parse_address(hop)
        if address is None:  # garbage from the client's side: the last proxy's view is all we know
            return client
        client = address
        if not is_trusted(address, trusted):
            return address
    return client


def trusted_networks() -> tuple[Network, ...]:
    from django.conf import settings

    return parse_networks(getattr(settings, "SPOTME_TRUSTED_PROXIES", "") or "")


class TrustedProxyMiddleware:
    """First in MIDDLEWARE: REMOTE_ADDR becomes the client; forwarded headers survive only when a
    trusted proxy sent them (then X-Forwarded-Proto feeds SECURE_PROXY_SSL_HEADER)."""

    FORWARDED_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST",
                         "HTTP_X_FORWARDED_PORT", "HTTP_FORWARDED")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        resolve(request.META)
        return self.get_response(request)


def resolve(meta: dict) -> None:
    """Rewrite the environ once: REMOTE_ADDR = the client; the peer kept under PEER_KEY."""
    if meta.get(RESOLVED_KEY):
        return
    trusted = trusted_networks()
    peer = meta.get("REMOTE_ADDR", "")
    from_proxy = is_trusted(parse_address(peer), trusted)
    client = client_address(meta, trusted)
    meta[PEER_KEY] = peer
    if client:
        meta["REMOTE_ADDR"] = client
    # X-Forwarded-For is consumed (REMOTE_ADDR holds its answer): readers that would take its first
    # address (DRF's get_ident without NUM_PROXIES) see the resolved client instead.
    meta.pop("HTTP_X_FORWARDED_FOR", None)
    if not from_proxy:
        for header in TrustedProxyMiddleware.FORWARDED_HEADERS:
            meta.pop(header, None)
    meta[RESOLVED_KEY] = True


def client_of(meta: Mapping) -> str | None:
    """The client's address, whether or not TrustedProxyMiddleware has run on this environ yet
    (requests built by tests, gunicorn's access line for a request Django never saw)."""
    if meta.get(RESOLVED_KEY):
        return parse_address(meta.get("REMOTE_ADDR"))
    return client_address(meta, trusted_networks())
