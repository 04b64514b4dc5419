"""Recording authentication and account-security events."""

from __future__ import annotations

from spotme.proxies import client_of

from .models import AuthEvent, AuthEventKind

USER_AGENT_MAX = 500


def client_ip(request) -> str | None:
    """The client's address, the same for authentication events, data changes, lockout and
    throttles: X-Forwarded-For counts only from the proxies in SPOTME_TRUSTED_PROXIES
    (spotme.proxies)."""
    if request is None:
        return None
    return client_of(request.META)


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
