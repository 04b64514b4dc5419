"""Secrets the platform must use again later (e.g. a webhook's signing secret), encrypted at rest.

Fernet (AES-128-CBC + HMAC-SHA256, from `cryptography`) with the key(s) in settings.SPOTME_FIELD_KEY:
one or more comma-separated Fernet keys; the first encrypts, every one decrypts, so a key is
rotated by putting the new one first and re-saving (docs/operations.md). Without SPOTME_FIELD_KEY
the key is derived from SECRET_KEY: fine for development, but then rotating SECRET_KEY makes the
stored secrets unreadable, so production sets its own key.

Passwords and API tokens are not stored this way: they are only ever compared, so only their hash
is kept."""

from __future__ import annotations

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

__all__ = ["InvalidToken", "decrypt", "encrypt"]


@lru_cache(maxsize=4)
def _fernet(keys: str, secret_key: str) -> MultiFernet:
    if keys.strip():
        return MultiFernet([Fernet(k.strip().encode()) for k in keys.split(",") if k.strip()])
    derived = hashlib.sha256(b"spotme-field-key:" + secret_key.encode()).digest()
    return MultiFernet([Fernet(base64.urlsafe_b64encode(derived))])


def _current() -> MultiFernet:
    return _fernet(getattr(settings, "SPOTME_FIELD_KEY", "") or "", settings.SECRET_KEY)


def encrypt(plaintext: str) -> str:
    return _current().encrypt(plaintext.encode()).decode()


def decrypt(ciphertext: str) -> str:
    """Raises InvalidToken if no configured key opens it."""
    return _current().decrypt(ciphertext.encode()).decode()
