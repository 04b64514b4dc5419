"""Idle session timeout: a session unused for the agency's `idle_timeout_minutes` is logged out.

The time of the last request is kept in the session, and rewritten only when a minute has passed:
at most one session save a minute per user, and nothing else for ordinary requests (the agency's
setting is read only when the minute is up)."""

from __future__ import annotations

import time

from .policy import security_policy

LAST_SEEN_KEY = "spotme_last_seen"
LOGGED_OUT_KEY = "spotme_idle_logout"  # minutes, for the login page's explanation
TOUCH_EVERY_SECONDS = 60


def start(request) -> None:
    request.session[LAST_SEEN_KEY] = int(time.time())


def expired_after(request) -> int | None:
    """Minutes of the timeout if this session has been idle longer than that; else None (and the
    session marked as seen now, when a minute has passed)."""
    now = int(time.time())
    last = request.session.get(LAST_SEEN_KEY)
    if not isinstance(last, int):
        request.session[LAST_SEEN_KEY] = now
        return None
    if now - last < TOUCH_EVERY_SECONDS:
        return None
    minutes = security_policy(request).idle_timeout_minutes
    if minutes and now - last > minutes * 60:
        return minutes
    request.session[LAST_SEEN_KEY] = now
    return None


def note_logout(request, minutes: int) -> None:
    """After logout (a fresh session): remember why, for the login page."""
    request.session[LOGGED_OUT_KEY] = minutes


def pop_logout_note(request) -> int | None:
    return request.session.pop(LOGGED_OUT_KEY, None)
