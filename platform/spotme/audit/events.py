"""Recording authentication and account-security events."""

from __future__ import annotations

from .models import AuthEvent, AuthEventKind


def client_ip(request) -> str | None:
    if request is None:
        return None
    # Behind the ingress, the client is the first address of X-Forwarded-For.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    ip = forwarded.split(",")[0].strip() if forwarded else request.META.get("REMOTE_ADDR")
    return ip or None


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
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request is not None else "")[:500],
        details=details,
    )
