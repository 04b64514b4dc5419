"""Writes about a person's own account security: password reset, two-factor devices. Each one
writes, records the event and sends its email (after commit) together."""

from __future__ import annotations

import dataclasses
import hashlib

from axes.utils import reset as reset_lockout
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from spotme.audit.events import client_ip, record_auth_event
from spotme.audit.models import AuthEventKind
from spotme.links import absolute_url, current_host
from spotme.outbox import services as outbox

from . import backup_codes, two_factor
from .lockout import on_apex
from .models import AuthenticatorDevice, User


class TooManyResetRequests(Exception):
    """The same account was asked for from the same address too often; try again later."""


def _count(key: str) -> int:
    """One more in this window (the cache's keys carry the schema name: each agency counts its own)."""
    key = f"spotme:password-reset:{hashlib.sha256(key.encode()).hexdigest()}"
    window = settings.SPOTME_PASSWORD_RESET_WINDOW_SECONDS
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def _throttle_reset_requests(username: str, request) -> None:
    """A few requests per account and address; a few more per account from anywhere, since the
    address comes partly from a header a client can set (this bounds the emails one account gets)."""
    per_address = _count(f"{username}\0{client_ip(request) or '-'}")
    per_account = _count(username)
    if (
        per_address > settings.SPOTME_PASSWORD_RESET_LIMIT
        or per_account > settings.SPOTME_PASSWORD_RESET_ACCOUNT_LIMIT
    ):
        raise TooManyResetRequests


def reset_link(user: User, *, host: str | None = None) -> str:
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    # To the agency's configured host (where the account lives), never the Host header's.
    return absolute_url(path, host=host)


def request_password_reset(username: str, *, request) -> bool:
    """Email a one-time reset link to the account's address, if there is such an active account with
    an address. The caller shows the same page either way (no account enumeration); the return
    value (sent or not) is for tests and logs only."""
    _throttle_reset_requests(username, request)
    accounts = User.objects.filter(username=username, is_active=True)
    if on_apex():
        accounts = accounts.filter(is_staff=True)
    user = accounts.first()
    sent = bool(user is not None and user.email)
    with transaction.atomic():
        record_auth_event(
            AuthEventKind.PASSWORD_RESET_REQUESTED,
            request=request,
            user=user,
            username=username,
            actor=None,
            sent=sent,
        )
        if sent:
            # Through the outbox, in this transaction: sent after the commit, or by the relay when
            # the broker was away then (spotme.accounts.tasks).
            tenant = getattr(request, "tenant", None)
            agency_name = "" if on_apex() else getattr(tenant, "name", "")
            language = user.preferred_language or get_language()
            outbox.enqueue("accounts.send_password_reset", user.pk, language, current_host(), agency_name)
    return sent


def reset_password(user: User, password: str, *, request=None) -> User:
    """The new password from a reset link: it also ends a temporary password and a lockout (the
    person has just proved they read the account's email)."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        user.set_password(password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        cleared = reset_lockout(username=user.get_username())
        record_auth_event(
            AuthEventKind.PASSWORD_RESET, request=request, user=user, actor=user, unlocked=cleared > 0
        )
    return user


def enable_totp(device: AuthenticatorDevice, code: str, *, request=None) -> two_factor.CodeCheck:
    """Confirm the device being set up with a code from it; it replaces any earlier device."""
    check = two_factor.check_code(device, code)
    if not check.ok:
        return check
    with transaction.atomic():
        AuthenticatorDevice.objects.filter(user_id=device.user_id).exclude(pk=device.pk).delete()
        AuthenticatorDevice.objects.filter(pk=device.pk).update(confirmed=True)
        device.confirmed = True
        record_auth_event(AuthEventKind.TOTP_ENABLED, request=request, user=device.user)
        codes = backup_codes.replace(device.user)
        record_auth_event(
            AuthEventKind.BACKUP_CODES_CREATED, request=request, user=device.user, count=len(codes)
        )
    return dataclasses.replace(check, backup_codes=tuple(codes))


def _check_any_code(device: AuthenticatorDevice, code: str) -> two_factor.CodeCheck:
    """A code from the app, or one of the backup codes (spent by this check)."""
    if backup_codes.looks_like(code):
        return dataclasses.replace(two_factor.check_backup_code(device, code), by_backup_code=True)
    return two_factor.check_code(device, code)


def _record_backup_code_use(check: two_factor.CodeCheck, user: User, request, purpose: str) -> None:
    if check.ok and check.by_backup_code:
        left = backup_codes.remaining(user)
        record_auth_event(
            AuthEventKind.BACKUP_CODE_USED, request=request, user=user, purpose=purpose, left=left
        )


def replace_backup_codes(user: User, code: str, *, request=None) -> list[str]:
    """A new set of backup codes (the old set stops working); needs a current code."""
    device = two_factor.confirmed_device(user)
    if device is None:
        raise ValidationError(_("Turn on two-factor authentication first."), code="totp_off")
    check = _check_any_code(device, code)  # outside the write: a wrong code's back-off is kept
    if not check.ok:
        raise ValidationError(code_error(check), code="totp_invalid")
    with transaction.atomic():
        _record_backup_code_use(check, user, request, "new_backup_codes")
        codes = backup_codes.replace(user)
        record_auth_event(AuthEventKind.BACKUP_CODES_CREATED, request=request, user=user, count=len(codes))
    return codes


def disable_totp(user: User, code: str, *, request=None) -> None:
    """Remove the user's devices; needs a current code, and is refused where it is required."""
    device = two_factor.confirmed_device(user)
    if device is None:
        return
    if two_factor.is_required(user, request):
        raise ValidationError(
            _("Your agency requires two-factor authentication for administrators."), code="totp_required"
        )
    check = _check_any_code(device, code)
    if not check.ok:
        raise ValidationError(code_error(check), code="totp_invalid")
    with transaction.atomic():
        _record_backup_code_use(check, user, request, "disable")
        AuthenticatorDevice.objects.filter(user=user).delete()
        backup_codes.remove(user)
        record_auth_event(AuthEventKind.TOTP_DISABLED, request=request, user=user)


def check_login_code(user: User, code: str, *, request=None) -> two_factor.CodeCheck:
    """The second step of a login; a wrong code is recorded as a failed login."""
    device = two_factor.confirmed_device(user)
    if device is None:
        return two_factor.CodeCheck(ok=False)
    with transaction.atomic():  # a backup code is spent and its use recorded together
        check = _check_any_code(device, code)
        if not check.ok:
            step = "backup_code" if check.by_backup_code else "totp"
            record_auth_event(AuthEventKind.LOGIN_FAILED, request=request, user=user, actor=None, step=step)
        _record_backup_code_use(check, user, request, "login")
    return check


def code_error(check: two_factor.CodeCheck) -> str:
    if check.retry_at is not None:
        return _("Too many wrong codes. Wait a moment, then enter the current code.")
    if check.by_backup_code:
        return _("This backup code is not valid or has already been used.")
    return _("The code is incorrect or has expired. Enter the current code from your authenticator app.")
