"""Signals that start a session's security state and record lockouts.

Every login, however it is made, starts the idle clock and decides the two-factor step here, so no
login path can skip them."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from spotme.audit.events import record_auth_event
from spotme.audit.models import AuthEventKind

from . import idle, two_factor
from .lockout import failure_limit


@receiver(user_logged_in, dispatch_uid="spotme.accounts.session_start")
def on_login(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    idle.start(request)
    state = two_factor.state_at_login(user, request)
    if state:
        request.session[two_factor.SESSION_KEY] = state
    else:
        request.session.pop(two_factor.SESSION_KEY, None)


@receiver(user_locked_out, dispatch_uid="spotme.accounts.locked_out")
def on_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    # Axes sends this for the failure that locks the account, and again for every attempt refused
    # while it is locked; only the first has counted failures on the request.
    failures = getattr(request, "axes_failures_since_start", None)
    if request is None or failures is None:
        return
    user = get_user_model().objects.filter(username=username).first() if username else None
    record_auth_event(
        AuthEventKind.LOCKED,
        request=request,
        user=user,
        username=username or "",
        actor=None,
        failures=failures,
        limit=failure_limit(request),
    )
