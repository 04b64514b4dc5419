"""One user model for both sides of the platform.

It lives in the public schema (JDN operators) and in every agency schema (that agency's people):
the same table definition, separate rows, so an account exists only where it was created.
Agency users log in with their 12-digit MyKad number as the username.
"""

from binascii import unhexlify

from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_otp.models import Device, ThrottlingMixin, TimestampMixin
from django_otp.plugins.otp_totp.models import TOTPDevice


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        help_text=_("Set when a temporary password is issued; the next login must replace it."),
    )
    preferred_language = models.CharField(_("language"), max_length=5, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username

    def __str__(self) -> str:
        return self.get_full_name()


class Session(AbstractBaseSession):
    """Django's database session, with the id of its user in a column of its own (kept by
    spotme.sessions.SessionStore on every save): the statement that routes a request reads the
    session and, through this column, its user (tenants/routing.py)."""

    user_id = models.BigIntegerField(null=True, blank=True)

    @classmethod
    def get_session_store_class(cls):
        from spotme.sessions import SessionStore

        return SessionStore


# --- two-factor devices (django-otp), their secrets encrypted at rest -------------------------------


def new_encrypted_key() -> str:
    from django_otp.util import random_hex

    from spotme.crypto import encrypt

    return encrypt(random_hex(20))


class AuthenticatorDevice(TimestampMixin, ThrottlingMixin, Device):
    """django-otp's TOTPDevice, with the shared secret encrypted (spotme.crypto, Fernet) instead of
    stored as plain hex: a copy of the table (a backup, an export, a read-only SQL account) does not
    hand out everyone's second factor. The columns and the verification are django-otp's own (the
    methods are TOTPDevice's, reused as they are); only `key` is a property over `encrypted_key`."""

    encrypted_key = models.TextField(default=new_encrypted_key)
    step = models.PositiveSmallIntegerField(default=30)
    t0 = models.BigIntegerField(default=0)
    digits = models.PositiveSmallIntegerField(choices=[(6, 6), (8, 8)], default=6)
    tolerance = models.PositiveSmallIntegerField(default=1)
    drift = models.SmallIntegerField(default=0)
    last_t = models.BigIntegerField(default=-1)

    class Meta(Device.Meta):
        verbose_name = _("authenticator app")
        verbose_name_plural = _("authenticator apps")

    @property
    def key(self) -> str:
        """The secret as django-otp's hex."""
        from spotme.crypto import decrypt

        return decrypt(self.encrypted_key)

    @key.setter
    def key(self, value: str) -> None:
        from spotme.crypto import encrypt

        self.encrypted_key = encrypt(value)

    @property
    def bin_key(self) -> bytes:
        return unhexlify(self.key.encode())

    def save(self, *args, **kwargs):
        # Re-encrypted with the first SPOTME_FIELD_KEY on every save (each successful code saves):
        # after a key rotation, devices in use move to the new key by themselves.
        self.key = self.key
        super().save(*args, **kwargs)

    verify_token = TOTPDevice.verify_token
    get_throttle_factor = TOTPDevice.get_throttle_factor
    config_url = TOTPDevice.config_url
    _read_str_from_settings = TOTPDevice._read_str_from_settings


class BackupCode(models.Model):
    """One single-use code for signing in when the authenticator app is lost (spotme.accounts.
    backup_codes). Only a salted SHA-256 of the code is kept: the code itself is shown once, when
    the set is made. A code is random (about 50 bits), so a fast salted hash is enough; the tries
    are throttled like the app's codes."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="backup_codes")
    digest = models.CharField(max_length=100)  # "<salt hex>$<sha256 hex of salt + code>"
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("backup code")
        verbose_name_plural = _("backup codes")

    def __str__(self) -> str:
        return f"{self.user} {'used' if self.used_at else 'unused'}"
