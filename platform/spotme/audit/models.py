from __future__ import annotations

from auditlog.models import AbstractLogEntry
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuthEventKind(models.TextChoices):
    LOGIN = "login", _("Logged in")
    LOGOUT = "logout", _("Logged out")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOCKED = "locked", _("Account locked")
    UNLOCKED = "unlocked", _("Account unlocked")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    PASSWORD_RESET_REQUESTED = "password_reset_requested", _("Password reset requested")
    PASSWORD_RESET = "password_reset", _("Password reset")
    TEMPORARY_PASSWORD = "temporary_password", _("Temporary password issued")
    ROLE_CHANGED = "role_changed", _("Roles changed")
    TOTP_ENABLED = "totp_enabled", _("Two-factor authentication enabled")
    TOTP_DISABLED = "totp_disabled", _("Two-factor authentication disabled")
    BACKUP_CODES_CREATED = "backup_codes_created", _("Backup codes created")
    BACKUP_CODE_USED = "backup_code_used", _("Backup code used")


class AuthEvent(models.Model):
    """One authentication or account-security event, append-only."""

    kind = models.CharField(_("event"), max_length=32, choices=AuthEventKind.choices, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    username = models.CharField(_("username"), max_length=150, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=500, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("authentication event")
        verbose_name_plural = _("authentication events")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.username} {self.created_at:%Y-%m-%d %H:%M}"


class LogEntry(AbstractLogEntry):
    """One data change, recorded by django-auditlog (AUDITLOG_LOGENTRY_MODEL points here).

    auditlog's own entry has no column for the client's user agent; this subclass adds one, which
    AuditMiddleware fills for every change made during a request. Rows live in the schema where the
    change happened: each agency's trail stays in its own schema, JDN's in the public schema."""

    # auditlog cascades: removing a stale content type would silently delete its part of the trail.
    content_type = models.ForeignKey(
        "contenttypes.ContentType", on_delete=models.PROTECT, related_name="+", verbose_name=_("content type")
    )
    user_agent = models.CharField(_("user agent"), max_length=500, blank=True, default="")

    class Meta(AbstractLogEntry.Meta):
        ordering = ["-timestamp", "-pk"]
        verbose_name = _("data change")
        verbose_name_plural = _("data changes")
        # The audit page lists the newest first, 50 at a time: one index walk, no sort.
        indexes = [models.Index(fields=["-timestamp", "-id"], name="audit_logentry_recent_idx")]

    def save(self, *args, **kwargs):
        from .middleware import outside_request_context, written_in_request_schema

        if self._state.adding and not written_in_request_schema():
            # A request that writes into another schema (an operator's approval provisioning an
            # agency): the request's user belongs to the request's schema, not this one, so it can
            # be neither this entry's actor (foreign key) nor a fact about the other schema's trail.
            with outside_request_context():
                return super().save(*args, **kwargs)
        return super().save(*args, **kwargs)
