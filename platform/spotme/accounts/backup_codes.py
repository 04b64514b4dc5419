"""Backup codes: single-use codes for signing in when the authenticator app is lost.

A set of COUNT codes is made when two-factor authentication is turned on and again when the user asks
for a new set (the old set stops working at once). The codes are shown once; the table keeps only a
salted SHA-256 of each (models.BackupCode). A code is ten characters from an alphabet without look-
alikes, shown as two groups of five ("k7mq2-x9rtp"), typed in any case, with or without the dash or
spaces; it can never be mistaken for the app's 6- or 8-digit codes. Its tries are throttled with the
app's own (spotme.accounts.two_factor.check_backup_code)."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.db import transaction
from django.utils import timezone

from .models import BackupCode

COUNT = 10
LENGTH = 10
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i


def normalise(value: str) -> str:
    return "".join(ch for ch in (value or "").lower() if ch not in " -\t")


def looks_like(value: str) -> bool:
    code = normalise(value)
    return len(code) == LENGTH and all(ch in ALPHABET for ch in code)


def _digest(code: str, salt: str) -> str:
    return hashlib.sha256(f"{salt}${code}".encode()).hexdigest()


def _stored(code: str) -> str:
    salt = secrets.token_hex(16)
    return f"{salt}${_digest(code, salt)}"


def _matches(code: str, stored: str) -> bool:
    salt, _sep, digest = stored.partition("$")
    return hmac.compare_digest(_digest(code, salt), digest)


def shown(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def replace(user) -> list[str]:
    """A new set for `user`, replacing any earlier one; the codes as shown, never stored."""
    codes = ["".join(secrets.choice(ALPHABET) for _ in range(LENGTH)) for _ in range(COUNT)]
    with transaction.atomic():
        BackupCode.objects.filter(user=user).delete()
        BackupCode.objects.bulk_create(BackupCode(user=user, digest=_stored(code)) for code in codes)
    return [shown(code) for code in codes]


def remove(user) -> None:
    BackupCode.objects.filter(user=user).delete()


def remaining(user) -> int:
    return BackupCode.objects.filter(user=user, used_at__isnull=True).count()


def use(user, value: str) -> bool:
    """Spend one unused code of `user`: True once per code. Must run in a transaction (the row is
    locked, so a code typed twice at once is spent once)."""
    code = normalise(value)
    if not looks_like(code):
        return False
    found = None
    for row in BackupCode.objects.select_for_update().filter(user=user, used_at__isnull=True).order_by("pk"):
        if _matches(code, row.digest) and found is None:  # every row compared: no early exit
            found = row
    if found is None:
        return False
    found.used_at = timezone.now()
    found.save(update_fields=["used_at"])
    return True
