"""Recording authentication and account-security events."""

from __future__ import annotations

import ipaddress

from .models import AuthEvent, AuthEventKind

USER_AGENT_MAX = 500


def _address(value: str | None) -> str | None:
    """A bare IP address from "1.2.3.4", "1.2.3.4:5678", "[2001:db8::1]:443"; None if it is none.
    The column is PostgreSQL inet: anything else would make the whole write fail."""
    value = (value or "").strip()
    if value.startswith("[") and "]" in value:
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:
        value = value.split(":")[0]
    try:
        return str(ipaddress.ip_address(value))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address, the same for authentication events and data changes."""
    if request is None:
        return None
    # Behind the ingress, the client is the first address of X-Forwarded-For.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded:
        ip = _address(forwarded.split(",")[0])
        if ip:
            return ip
    return _address(request.META.get("REMOTE_ADDR"))


def user_agent(request) -> str:
    return (request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:USER_AGENT_MAX]


def record_auth_event(
    kind: AuthEventKind | str, *, request=None, user=None, username: str = "", actor=None, **details
) -> AuthEvent:
    """Record an event about `user` (or an unknown `username`), done by `actor` (default: the
    request's user when signed in, else the user themself)."""
    if actor is None and request is not None and getattr(request, "user", None) is not None:
        actor = request.user if request.user.is_authenticated else None
    return AuthEvent.objects.create(
        kind=kind,
        user=user,
        username=(user.get_username() if user is not None else username)[:150],
        actor=actor,
        ip_address=client_ip(request),
        user_agent=user_agent(request),
        details=details,
    )
