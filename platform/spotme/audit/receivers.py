"""Django's own authentication signals → audit events."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .events import record_auth_event
from .models import AuthEventKind


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    record_auth_event(AuthEventKind.LOGIN, request=request, user=user, actor=user)


@receiver(user_logged_out)
def on_logout(sender, request, user, **kwargs):
    if user is not None:
        record_auth_event(AuthEventKind.LOGOUT, request=request, user=user, actor=user)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    username = (credentials or {}).get("username", "") or ""
    user = get_user_model().objects.filter(username=username).first() if username else None
    record_auth_event(AuthEventKind.LOGIN_FAILED, request=request, user=user, username=username, actor=None)
