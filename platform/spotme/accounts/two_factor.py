"""Two-factor authentication with TOTP (django-otp): an authenticator app's 6-digit codes.

Who: JDN operators and organisation administrators may turn it on; an agency may require it of its
administrators (AgencyProfile.require_totp_for_admins). After the password, a session of a user with
a confirmed device is held at the verification page, and a session of an administrator who must set
it up is held at the set-up page, until done (spotme.accounts.middleware.TwoFactorMiddleware). The
state is decided once, at login, and kept in the session: ordinary requests cost nothing.
"""

from __future__ import annotations

import re
from base64 import b32encode
from dataclasses import dataclass
from datetime import datetime

import django_otp
import qrcode
import qrcode.image.svg
from django.db import connection, transaction
from django.utils.safestring import SafeString, mark_safe

from .lockout import on_apex
from .models import AuthenticatorDevice
from .policy import security_policy

SESSION_KEY = "spotme_2fa"
VERIFY = "verify"  # a confirmed device: the code is asked after the password
SETUP = "setup"  # required and not set up yet: the set-up page first
DEVICE_NAME = "SPOT-Me"
QR_PIXELS = 220


def totp_issuer(device) -> str:
    """The account's name in the authenticator app: SPOT-Me and the agency (or JDN)."""
    tenant = getattr(connection, "tenant", None)
    name = getattr(tenant, "name", "") if not on_apex() else "JDN"
    return f"SPOT-Me {name}".strip()


def may_use(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if on_apex():
        return user.is_staff
    from tenant_apps.organisation.models import Role

    return Role.ORG_ADMIN in Role.of(user)


def is_required(user, request=None) -> bool:
    """An organisation administrator of an agency that requires two-factor authentication."""
    return not on_apex() and may_use(user) and security_policy(request).require_totp_for_admins


def confirmed_device(user) -> AuthenticatorDevice | None:
    return AuthenticatorDevice.objects.devices_for_user(user, confirmed=True).order_by("pk").first()


def pending_device(user) -> AuthenticatorDevice:
    """The unconfirmed device being set up (the same secret until confirmed, however often the
    page is reloaded)."""
    with transaction.atomic():
        pending = AuthenticatorDevice.objects.devices_for_user(user, confirmed=False).select_for_update()
        device = pending.order_by("pk").first()
        if device is None:
            return AuthenticatorDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
        pending.exclude(pk=device.pk).delete()
        return device


def secret(device: AuthenticatorDevice) -> str:
    """The key as authenticator apps take it when typed in: base32, in groups of four."""
    text = b32encode(device.bin_key).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_svg(device: AuthenticatorDevice) -> SafeString:
    """The otpauth:// address as an inline SVG QR code (made here: the secret goes nowhere else)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    svg = image.to_string(encoding="unicode")
    # A fixed on-screen size (the library sizes it in millimetres); the viewBox keeps it sharp.
    svg = re.sub(r'^<svg width="[^"]*" height="[^"]*"', f'<svg width="{QR_PIXELS}" height="{QR_PIXELS}"', svg)
    return mark_safe(svg)  # noqa: S308 (generated here from our own data)


def normalise_code(value: str) -> str:
    return "".join((value or "").split())


@dataclass(frozen=True)
class CodeCheck:
    ok: bool
    retry_at: datetime | None = None  # too many wrong codes: the next try is accepted from then
    backup_codes: tuple[str, ...] = ()  # a new set made with this check, to be shown once
    by_backup_code: bool = False


def check_code(device: AuthenticatorDevice, code: str) -> CodeCheck:
    """Verify a code against one device, with django-otp's back-off after wrong codes and its
    refusal of a code already used."""
    with transaction.atomic():
        device = AuthenticatorDevice.objects.select_for_update().get(pk=device.pk)
        allowed, info = device.verify_is_allowed()
        if not allowed:
            return CodeCheck(ok=False, retry_at=(info or {}).get("locked_until"))
        return CodeCheck(ok=bool(device.verify_token(normalise_code(code))))


def check_backup_code(device: AuthenticatorDevice, code: str) -> CodeCheck:
    """Spend one of the user's backup codes, throttled together with the app's codes (django-otp's
    back-off on the device): a wrong backup code delays the next try of either kind."""
    from . import backup_codes

    with transaction.atomic():
        device = AuthenticatorDevice.objects.select_for_update().get(pk=device.pk)
        allowed, info = device.verify_is_allowed()
        if not allowed:
            return CodeCheck(ok=False, retry_at=(info or {}).get("locked_until"))
        if backup_codes.use(device.user, code):
            device.throttle_reset()
            return CodeCheck(ok=True)
        device.throttle_increment()
        return CodeCheck(ok=False)


# --- the session ------------------------------------------------------------------------------


def state_at_login(user, request=None) -> str | None:
    if confirmed_device(user) is not None:
        return VERIFY
    if is_required(user, request):
        return SETUP
    return None


def session_state(request) -> str | None:
    return request.session.get(SESSION_KEY)


def mark_verified(request, device: AuthenticatorDevice) -> None:
    """This session has passed the second factor (a new session key across the privilege change)."""
    request.session.cycle_key()
    django_otp.login(request, device)
    request.session.pop(SESSION_KEY, None)
