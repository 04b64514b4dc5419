"""Pergerakan (movements): where an officer is, away from the office, and why.

A movement excuses the officer's clock events from outside the office area inside its window (see
`tenant_apps.attendance.calendar.facts_for`). It does not change what the day owes: a day of official
duty or a course that frees the officer from clocking in at all is an `attendance.Arrangement`, set by
the org admin (movements are registered by the officers themselves, without approval)."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Time out of office (keluar pejabat) is at most 4 hours and needs the supervisor's approval (SPEC.md).
TIME_OUT_MAX = timedelta(hours=4)
# A whole-day movement covers every punch of its attendance day, including the clock-out of an
# overnight shift after midnight.
WHOLE_DAY_REACH = timedelta(hours=36)


class Movement(models.Model):
    class Kind(models.TextChoices):
        DUTY_IN_STATION = "duty_in_station", _("Official duty (in station)")
        DUTY_OUT_STATION = "duty_out_station", _("Official duty (out station)")
        MEETING = "meeting", _("Meeting")
        COURSE = "course", _("Course")
        TIME_OUT = "time_out", _("Time out of office")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        CANCELLED = "cancelled", _("Cancelled")

    class Approval(models.TextChoices):
        NOT_NEEDED = "", _("Not needed")
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    officer = models.ForeignKey("people.Officer", on_delete=models.CASCADE, related_name="movements")
    date = models.DateField(_("date"))
    whole_day = models.BooleanField(_("whole day"), default=False)
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    end_time = models.TimeField(_("end time"), null=True, blank=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    place = models.CharField(_("place"), max_length=200)
    purpose = models.TextField(_("purpose"), max_length=2000)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    attachment = models.FileField(_("attachment"), upload_to="movements/%Y/%m/", blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE, db_index=True
    )
    approval = models.CharField(
        _("approval"), max_length=10, choices=Approval.choices, default=Approval.NOT_NEEDED, blank=True
    )
    decided_by = models.ForeignKey(
        "people.Officer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(_("comment"), blank=True)
    change_reason = models.CharField(
        _("reason for the change"),
        max_length=500,
        blank=True,
        help_text=_("Needed for a change after the movement has started."),
    )
    # The registering form's (or API client's) key: the same registration sent twice (a double
    # click, a retried request) is one movement and one notification to the supervisor.
    idempotency_key = models.CharField(max_length=64, blank=True, default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "-start_time", "-pk"]
        indexes = [models.Index(fields=["officer", "date"]), models.Index(fields=["date", "status"])]
        constraints = [
            models.UniqueConstraint(
                fields=["officer", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="one_movement_per_registration",
            )
        ]
        verbose_name = _("movement")
        verbose_name_plural = _("movements")

    def __str__(self) -> str:
        return f"{self.officer_id} {self.date:%d/%m/%Y} {self.kind} {self.place}"

    def window(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """The movement's time window in the agency's time zone."""
        if self.whole_day or self.start_time is None or self.end_time is None:
            start = datetime.combine(self.date, time.min, tzinfo=tz)
            return start, start + WHOLE_DAY_REACH
        return (
            datetime.combine(self.date, self.start_time, tzinfo=tz),
            datetime.combine(self.date, self.end_time, tzinfo=tz),
        )

    def starts_at(self, tz: ZoneInfo) -> datetime:
        return datetime.combine(self.date, time.min if self.whole_day else self.start_time, tzinfo=tz)

    @property
    def excuses(self) -> bool:
        """Active, and for time out of office, approved."""
        if self.status != self.Status.ACTIVE:
            return False
        return self.kind != self.Kind.TIME_OUT or self.approval == self.Approval.APPROVED

    def get_additional_data(self):
        """django-auditlog: the reason given for this change, on the change's own log entry."""
        reason = getattr(self, "_audit_reason", "")
        return {"reason": reason} if reason else None


class CalendarFeed(models.Model):
    """An officer's secret iCalendar URL. Only the token's SHA-256 is stored: the URL is shown once,
    when it is made; revoking deletes the row, so the old URL answers 404."""

    officer = models.OneToOneField("people.Officer", on_delete=models.CASCADE, related_name="calendar_feed")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("movements calendar feed")

    def __str__(self) -> str:
        return f"{self.officer_id} iCal {timezone.localtime(self.created_at):%d/%m/%Y}"
