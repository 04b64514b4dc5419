"""Integrasi Peranti: where an agency's biometric device data comes from, and what each import did.

Device punches themselves are `attendance.ClockEvent` rows with source "biometric": one row per
officer and second, enforced by a unique index (migration 0001 of this app), so importing the same
data twice changes nothing."""

from __future__ import annotations

from datetime import time

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from spotme import crypto
from spotme.leases import LeaseFields

DEFAULT_PULL_TIMES = [time(7, 0), time(22, 0)]
DEFAULT_TIMEZONE = "Asia/Kuala_Lumpur"


class PayloadFormat(models.TextChoices):
    JSON = "json", _("JSON")
    CSV = "csv", _("CSV")


class AuthKind(models.TextChoices):
    NONE = "none", _("No authentication")
    BEARER = "bearer", _("Bearer token (Authorization: Bearer …)")
    HEADER = "header", _("API key in a header")


class UserIdMapping(models.TextChoices):
    MYKAD = "mykad", _("Device user ID is the officer's MyKad number")
    ENROLMENT = "enrolment", _("Device user ID is an enrolment number set per officer")


class DirectionMode(models.TextChoices):
    STATUS = "status", _("From the device's status (0 check-in, 1 check-out, …)")
    FIRST_LAST = "first_last", _("Ignore the status: the first punch is the clock-in, the last the clock-out")


class WindowFormat(models.TextChoices):
    ISO = "iso", _("ISO 8601 date-time in the device's time zone")
    EPOCH = "epoch", _("Unix time (seconds)")


class DeviceIntegration(LeaseFields):
    """The agency's device API and how to read it (one row per agency schema)."""

    enabled = models.BooleanField(_("scheduled pulls on"), default=False)
    endpoint_url = models.URLField(_("endpoint URL"), max_length=500, blank=True)
    auth_kind = models.CharField(
        _("authentication"), max_length=8, choices=AuthKind.choices, default=AuthKind.NONE
    )
    auth_header = models.CharField(
        _("header name"),
        max_length=100,
        blank=True,
        help_text=_("For an API key in a header, e.g. X-API-Key."),
    )
    secret_encrypted = models.TextField(blank=True, editable=False)
    since_param = models.CharField(_("'from' parameter"), max_length=50, default="since")
    until_param = models.CharField(_("'until' parameter"), max_length=50, default="until")
    window_format = models.CharField(
        _("window format"), max_length=6, choices=WindowFormat.choices, default=WindowFormat.ISO
    )
    overlap_minutes = models.PositiveIntegerField(
        _("overlap (minutes)"),
        default=120,
        validators=[MaxValueValidator(24 * 60)],
        help_text=_("Each pull asks again for this much before the last successful one (late uploads)."),
    )
    timeout_seconds = models.PositiveSmallIntegerField(
        _("timeout (seconds)"), default=30, validators=[MinValueValidator(1), MaxValueValidator(300)]
    )
    payload_format = models.CharField(
        _("payload format"), max_length=4, choices=PayloadFormat.choices, default=PayloadFormat.JSON
    )
    records_path = models.CharField(
        _("records path"),
        max_length=100,
        blank=True,
        default="data",
        help_text=_(
            "JSON: where the list of records is, e.g. data or result.items; empty: the document is the list."
        ),
    )
    field_user_id = models.CharField(_("user ID field"), max_length=50, default="user_id")
    field_timestamp = models.CharField(_("time field"), max_length=50, default="timestamp")
    field_status = models.CharField(_("status field"), max_length=50, blank=True, default="status")
    field_verify = models.CharField(_("verify mode field"), max_length=50, blank=True, default="verify")
    field_work_code = models.CharField(_("work code field"), max_length=50, blank=True, default="work_code")
    device_timezone = models.CharField(_("device clock time zone"), max_length=64, default=DEFAULT_TIMEZONE)
    pull_times = models.JSONField(
        _("pull times"),
        default=list,
        blank=True,
        help_text=_("Local times in the agency's time zone, HH:MM."),
    )
    user_id_mapping = models.CharField(
        _("device user IDs"), max_length=10, choices=UserIdMapping.choices, default=UserIdMapping.MYKAD
    )
    direction_mode = models.CharField(
        _("clock-in / clock-out"), max_length=10, choices=DirectionMode.choices, default=DirectionMode.STATUS
    )
    # Pull bookkeeping.
    watermark = models.DateTimeField(_("pulled until"), null=True, blank=True)
    complete_through = models.DateField(
        _("final through"),
        null=True,
        blank=True,
        help_text=_("Every day up to this one has had its last pull."),
    )
    next_pull_at = models.DateTimeField(_("next pull"), null=True, blank=True, db_index=True)
    last_pull_at = models.DateTimeField(_("last pull"), null=True, blank=True)
    last_pull_ok = models.BooleanField(null=True)
    last_error = models.CharField(max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("device integration")

    def __str__(self) -> str:
        return self.endpoint_url or "—"

    @classmethod
    def current(cls) -> DeviceIntegration:
        """The agency's one row (pk 1; get_or_create copes with two first requests at once)."""
        integration, _ = cls.objects.get_or_create(
            pk=1, defaults={"pull_times": [t.strftime("%H:%M") for t in DEFAULT_PULL_TIMES]}
        )
        return integration

    @property
    def secret(self) -> str:
        return crypto.decrypt(self.secret_encrypted) if self.secret_encrypted else ""

    @secret.setter
    def secret(self, value: str) -> None:
        self.secret_encrypted = crypto.encrypt(value) if value else ""

    @property
    def has_secret(self) -> bool:
        return bool(self.secret_encrypted)

    @property
    def times(self) -> list[time]:
        return sorted(time.fromisoformat(t) for t in self.pull_times or [])

    @property
    def scheduled(self) -> bool:
        return self.enabled and bool(self.endpoint_url) and bool(self.pull_times)


class DeviceEnrolment(models.Model):
    """An explicit device user ID for an officer (the enrolment number on the terminal). Used when the
    agency maps by enrolment number, and to map an unmatched ID whatever the mapping."""

    officer = models.OneToOneField(
        "people.Officer", on_delete=models.CASCADE, related_name="device_enrolment", verbose_name=_("officer")
    )
    device_user_id = models.CharField(_("device user ID"), max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["device_user_id"]
        verbose_name = _("device enrolment")

    def __str__(self) -> str:
        return f"{self.device_user_id} → {self.officer_id}"


class DeviceBatch(models.Model):
    """One delivery of device data, whatever its outcome: kept for the audit trail."""

    class Source(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled pull")
        PULL_NOW = "pull_now", _("Pull now")
        UPLOAD = "upload", _("File upload")
        API = "api", _("Upload through the API")
        MAPPING = "mapping", _("User ID mapped")

    class Status(models.TextChoices):
        IMPORTED = "imported", _("Imported")
        CHECKED = "checked", _("Checked: no errors (dry run, nothing written)")
        REJECTED = "rejected", _("Rejected: nothing written")
        FAILED = "failed", _("Failed: the device API did not answer properly, nothing written")

    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    status = models.CharField(_("result"), max_length=10, choices=Status.choices)
    dry_run = models.BooleanField(_("dry run"), default=False)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    file_format = models.CharField(_("format"), max_length=8, blank=True)
    file_sha256 = models.CharField(max_length=64, blank=True)
    window_since = models.DateTimeField(_("from"), null=True, blank=True)
    window_until = models.DateTimeField(_("until"), null=True, blank=True)
    received = models.PositiveIntegerField(_("records received"), default=0)
    new = models.PositiveIntegerField(_("new punches"), default=0)
    duplicate = models.PositiveIntegerField(_("duplicates"), default=0)
    unmatched = models.PositiveIntegerField(_("unmatched punches"), default=0)
    unmatched_ids = models.JSONField(_("unmatched device user IDs"), default=list, blank=True)
    overridden = models.PositiveIntegerField(_("app punches overridden"), default=0)
    days_recomputed = models.PositiveIntegerField(_("days recomputed"), default=0)
    days_reopened = models.PositiveIntegerField(_("closed days recomputed"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    errors = models.JSONField(_("first errors"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by_label = models.CharField(_("by"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True, db_index=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("device data batch")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.source} {self.status}"


class UnmatchedPunch(models.Model):
    """A punch whose device user ID matches no officer yet: kept until the org admin maps the ID, and
    then imported like any other."""

    device_user_id = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField()
    status = models.CharField(max_length=8, blank=True)
    batch = models.ForeignKey(DeviceBatch, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["device_user_id", "at"]
        constraints = [
            models.UniqueConstraint(fields=["device_user_id", "at", "status"], name="one_unmatched_punch"),
        ]

    def __str__(self) -> str:
        return f"{self.device_user_id} {self.at:%Y-%m-%d %H:%M:%S}"
