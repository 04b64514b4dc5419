"""Attendance data of one agency.

Raw clock events are append-only; every derived thing (the daily record, its issues, the monthly
colour) is recomputed from events + calendar facts by `services`, never edited by hand."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import rules


class WorkingPattern(models.Model):
    """A working pattern the agency uses: WBF, WP1–WP4 (seeded), custom fixed times or shifts."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=8, choices=[(k.value, k.value) for k in rules.PatternKind])
    start = models.TimeField(_("start"), help_text=_("Flexible: earliest start that counts."))
    latest_start = models.TimeField(
        _("latest start"),
        null=True,
        blank=True,
        help_text=_("Flexible patterns only: later than this is late."),
    )
    duration_minutes = models.PositiveIntegerField(
        _("length in minutes, rest included"),
        default=540,
        validators=[MinValueValidator(60), MaxValueValidator(24 * 60)],
    )
    short_day_minutes = models.PositiveIntegerField(
        _("Thursday length in Friday–Saturday states"), null=True, blank=True
    )
    late_grace_minutes = models.PositiveSmallIntegerField(_("grace minutes before late"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("working pattern")

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def as_rule(self) -> rules.Pattern:
        return rules.Pattern(
            code=self.code,
            kind=rules.PatternKind(self.kind),
            start=self.start,
            duration=timedelta(minutes=self.duration_minutes),
            latest_start=self.latest_start,
            short_day_duration=timedelta(minutes=self.short_day_minutes) if self.short_day_minutes else None,
            late_grace=timedelta(minutes=self.late_grace_minutes),
        )


class Policy(models.Model):
    """The agency's working-time policy, versioned by the date it takes effect."""

    # What an org admin sets on a version (form and API alike).
    EDITABLE_FIELDS = (
        "effective_from",
        "default_pattern",
        "weekend_days",
        "ramadan_start",
        "ramadan_end",
        "issue_cutoff_day",
        "colour_yellow_to_green",
        "colour_green_to_red",
        "colour_green_stays",
        "colour_red_stays",
    )

    effective_from = models.DateField(_("effective from"), unique=True)
    default_pattern = models.ForeignKey(
        WorkingPattern, on_delete=models.PROTECT, verbose_name=_("default pattern")
    )
    weekend_days = ArrayField(
        models.PositiveSmallIntegerField(),
        blank=True,
        default=list,
        verbose_name=_("weekend days (0=Monday … 6=Sunday)"),
        help_text=_("Empty: the state's weekend."),
    )
    ramadan_start = models.DateField(_("Ramadan hours from"), null=True, blank=True)
    ramadan_end = models.DateField(_("Ramadan hours until"), null=True, blank=True)
    issue_cutoff_day = models.PositiveSmallIntegerField(
        _("day of the next month after which undecided reasons count as rejected"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
    )
    colour_yellow_to_green = models.PositiveSmallIntegerField(default=3)
    colour_green_to_red = models.PositiveSmallIntegerField(default=3)
    colour_green_stays = models.PositiveSmallIntegerField(default=2)
    colour_red_stays = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_from"]
        verbose_name = _("working-time policy")

    def __str__(self) -> str:
        return f"{self.effective_from:%d/%m/%Y}: {self.default_pattern.code}"

    def colour_thresholds(self) -> rules.ColourThresholds:
        return rules.ColourThresholds(
            self.colour_yellow_to_green,
            self.colour_green_to_red,
            self.colour_green_stays,
            self.colour_red_stays,
        )


class OfficerPattern(models.Model):
    """An officer's working pattern for one month (Pengurusan Waktu Kerja)."""

    officer = models.ForeignKey("people.Officer", on_delete=models.CASCADE, related_name="patterns")
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    pattern = models.ForeignKey(WorkingPattern, on_delete=models.PROTECT)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["officer", "month"], name="one_pattern_per_month")]
        verbose_name = _("officer's monthly pattern")

    def __str__(self) -> str:
        return f"{self.officer_id} {self.month:%m/%Y}: {self.pattern_id}"


class PatternRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    officer = models.ForeignKey("people.Officer", on_delete=models.CASCADE, related_name="pattern_requests")
    month = models.DateField(_("month"))
    pattern = models.ForeignKey(WorkingPattern, on_delete=models.PROTECT, verbose_name=_("pattern"))
    reason = models.TextField(_("reason"), blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    decided_by = models.ForeignKey(
        "people.Officer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("working-pattern request")
        constraints = [
            # One open request per officer and month: a second one would race the first's decision.
            models.UniqueConstraint(
                fields=["officer", "month"],
                condition=models.Q(status="pending"),
                name="one_pending_pattern_request_per_month",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.officer_id} {self.month:%m/%Y} → {self.pattern_id} ({self.status})"


class HolidayOverride(models.Model):
    """Adds or removes a public holiday for this agency (ad-hoc state days, agency-specific days)."""

    class Action(models.TextChoices):
        ADD = "add", _("Add a holiday")
        REMOVE = "remove", _("Not a holiday")

    date = models.DateField(_("date"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    action = models.CharField(_("action"), max_length=6, choices=Action.choices, default=Action.ADD)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("holiday override")

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name} ({self.action})"


class LeaveType(models.TextChoices):
    REHAT = "rehat", _("Annual leave")
    SAKIT = "sakit", _("Sick leave")
    KECEMASAN = "kecemasan", _("Emergency leave")
    BERSALIN = "bersalin", _("Maternity leave")
    TANPA_GAJI = "tanpa_gaji", _("Unpaid leave")
    LAIN = "lain", _("Other leave")


class Leave(models.Model):
    officer = models.ForeignKey("people.Officer", on_delete=models.CASCADE, related_name="leaves")
    leave_type = models.CharField(
        _("type"), max_length=12, choices=LeaveType.choices, default=LeaveType.REHAT
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"))
    half = models.CharField(
        _("part of day"),
        max_length=4,
        choices=[(h.value, h.value) for h in rules.Half],
        default=rules.Half.FULL,
    )
    source = models.CharField(max_length=10, default="admin")
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["officer", "start_date", "end_date"])]
        verbose_name = _("leave")

    def __str__(self) -> str:
        return f"{self.officer_id} {self.leave_type} {self.start_date:%d/%m/%Y}–{self.end_date:%d/%m/%Y}"


class Arrangement(models.Model):
    """Per-officer days that change the rules: BDR, approved pregnancy early leave, official duty,
    course."""

    class Kind(models.TextChoices):
        BDR = "bdr", _("Work from home (BDR)")
        PREGNANCY = "pregnancy", _("Pregnancy: leave one hour early")
        DUTY = "tugas_rasmi", _("Official duty outside")
        COURSE = "kursus", _("Course")

    officer = models.ForeignKey("people.Officer", on_delete=models.CASCADE, related_name="arrangements")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until"))
    half = models.CharField(
        _("part of day"),
        max_length=4,
        choices=[(h.value, h.value) for h in rules.Half],
        default=rules.Half.FULL,
    )
    note = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["officer", "start_date", "end_date"])]
        verbose_name = _("attendance arrangement")

    def __str__(self) -> str:
        return f"{self.officer_id} {self.kind} {self.start_date:%d/%m/%Y}–{self.end_date:%d/%m/%Y}"


class OfficeSite(models.Model):
    """An office location: a circle on the map. Officers of the assigned units (or everyone, when a
    site has no units) are "in the office" inside it."""

    name = models.CharField(_("name"), max_length=200)
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    radius_m = models.PositiveIntegerField(
        _("radius (metres)"), default=200, validators=[MinValueValidator(20), MaxValueValidator(5000)]
    )
    org_units = models.ManyToManyField(
        "organisation.OrgUnit", blank=True, related_name="sites", verbose_name=_("organisation units")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("office location")

    def __str__(self) -> str:
        return self.name


class Source(models.TextChoices):
    WEB = "web", _("Web")
    API = "api", _("API")
    BIOMETRIC = "biometric", _("Biometric device")
    IMPORT = "import", _("Import")
    ADMIN = "admin", _("Administrator correction")


class LocationStatus(models.TextChoices):
    OK = "ok", _("Location received")
    DENIED = "denied", _("Location permission denied")
    UNAVAILABLE = "unavailable", _("Location unavailable")
    NOT_CHECKED = "not_checked", _("Not checked")


class ClockEvent(models.Model):
    """Daftar Masuk / Daftar Keluar. Append-only: a database trigger refuses UPDATE and DELETE except
    the `overridden_by_device` mark; corrections are ClockAdjustments."""

    # No index of its own: (officer, attendance_date) below leads with it (one index fewer to
    # write on every clock-in).
    officer = models.ForeignKey(
        "people.Officer", on_delete=models.PROTECT, related_name="clock_events", db_index=False
    )
    at = models.DateTimeField(_("time"), db_index=True)
    direction = models.CharField(
        _("direction"),
        max_length=5,
        choices=[("in", _("Clock in")), ("out", _("Clock out")), ("punch", _("Punch"))],
    )
    attendance_date = models.DateField(_("attendance day"))
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.WEB)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    accuracy_m = models.PositiveIntegerField(null=True, blank=True)
    location_status = models.CharField(
        max_length=12, choices=LocationStatus.choices, default=LocationStatus.NOT_CHECKED
    )
    site = models.ForeignKey(OfficeSite, null=True, blank=True, on_delete=models.SET_NULL)
    inside = models.BooleanField(null=True, help_text=_("Inside an office area; empty when unknown."))
    distance_m = models.PositiveIntegerField(null=True, blank=True)
    client_time = models.DateTimeField(
        null=True, blank=True, help_text=_("Offline queue: when it was tapped.")
    )
    # Offline punches (offline.py): the phone's clock when it sent the punch, and how far that clock
    # was from the server's (set only when beyond the tolerance: `at` was then shifted by it). The
    # time the punch arrived is `created_at`.
    phone_sent_at = models.DateTimeField(null=True, blank=True)
    clock_skew_seconds = models.IntegerField(
        null=True,
        blank=True,
        help_text=_("The phone's clock was this many seconds off; the time was corrected."),
    )
    user_agent = models.CharField(max_length=300, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    idempotency_key = models.CharField(max_length=64, blank=True)
    overridden_by_device = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["officer", "attendance_date"])]
        constraints = [
            models.UniqueConstraint(
                fields=["officer", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="clock_event_idempotency",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.officer_id} {self.direction} {self.at:%Y-%m-%d %H:%M}"

    @property
    def sent_late(self) -> bool:
        """Tapped while offline and sent later by the phone (the supervisor sees it marked). Only
        punches that came with the phone's clock readings: an event written with an explicit time
        (imports, seeds, tests) was not "sent"."""
        return bool(self.phone_sent_at and self.created_at and self.created_at - self.at > SENT_LATE_AFTER)

    @property
    def clock_skew_minutes(self) -> int:
        return round(abs(self.clock_skew_seconds or 0) / 60)


# A punch that arrived this long after its tap was kept on the phone (offline) and sent later.
SENT_LATE_AFTER = timedelta(minutes=5)


class ClockAdjustment(models.Model):
    """An administrator's correction: adds a punch, or voids an event, always with a reason."""

    class Kind(models.TextChoices):
        ADD = "add", _("Add a punch")
        VOID = "void", _("Void an event")

    officer = models.ForeignKey("people.Officer", on_delete=models.PROTECT, related_name="clock_adjustments")
    attendance_date = models.DateField()
    kind = models.CharField(max_length=4, choices=Kind.choices)
    direction = models.CharField(max_length=5, blank=True)
    at = models.DateTimeField(null=True, blank=True)
    event = models.ForeignKey(ClockEvent, null=True, blank=True, on_delete=models.PROTECT)
    reason = models.TextField(_("reason"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["officer", "attendance_date"])]

    def __str__(self) -> str:
        return f"{self.officer_id} {self.kind} {self.attendance_date}"


class AttendanceDay(models.Model):
    """The daily record, recomputed from the day's events and calendar facts."""

    # What the engine decides for a day (besides whose day and which date): the fields an API shows.
    RESULT_FIELDS = (
        "pattern_code",
        "working_day",
        "first_in",
        "last_out",
        "expected_out",
        "worked_minutes",
        "late_minutes",
        "early_minutes",
        "codes",
        "primary",
        "closed",
        "provisional",
    )

    # Indexed by the unique (officer, date) constraint, which leads with it.
    officer = models.ForeignKey(
        "people.Officer", on_delete=models.CASCADE, related_name="days", db_index=False
    )
    date = models.DateField(_("date"))
    pattern_code = models.CharField(max_length=16, blank=True)
    working_day = models.BooleanField(default=True)
    first_in = models.DateTimeField(null=True, blank=True)
    last_out = models.DateTimeField(null=True, blank=True)
    expected_out = models.DateTimeField(null=True, blank=True)
    worked_minutes = models.PositiveIntegerField(default=0)
    late_minutes = models.PositiveIntegerField(default=0)
    early_minutes = models.PositiveIntegerField(default=0)
    codes = ArrayField(models.CharField(max_length=16), default=list)
    primary = models.CharField(max_length=16)  # queried within dates: the (date, primary) index
    closed = models.BooleanField(default=False)
    provisional = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["officer", "date"], name="one_record_per_day")]
        indexes = [
            models.Index(fields=["date", "primary"]),
            # The few days still waiting for device data (devices.services clears them after a pull).
            models.Index(
                fields=["date"], condition=models.Q(provisional=True), name="attendance_day_provisional"
            ),
        ]
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.officer_id} {self.date} {self.primary}"

    @property
    def arrived_after_end(self) -> bool:
        """Clocked in at or after the time the officer could leave: the working time cannot be
        completed today (cards say so rather than offer a time before the arrival)."""
        return self.working_day and rules.arrived_after_end(self.first_in, self.expected_out)


class IssueStatus(models.TextChoices):
    OPEN = "open", _("Awaiting reason")
    ANSWERED = "answered", _("Awaiting decision")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class AttendanceIssue(models.Model):
    """A non-compliance the officer must explain and the supervisor decides."""

    # Indexed by the unique (officer, date, code) constraint, which leads with it.
    officer = models.ForeignKey(
        "people.Officer", on_delete=models.CASCADE, related_name="attendance_issues", db_index=False
    )
    date = models.DateField(_("date"), db_index=True)
    code = models.CharField(_("issue"), max_length=16)
    status = models.CharField(
        _("status"), max_length=10, choices=IssueStatus.choices, default=IssueStatus.OPEN, db_index=True
    )
    reason = models.TextField(_("reason"), blank=True)
    attachment = models.FileField(_("attachment"), upload_to="issues/%Y/%m/", blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        "people.Officer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = models.TextField(_("comment"), blank=True)
    expired = models.BooleanField(
        default=False, help_text=_("Not decided by the cut-off day: counts as rejected.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "code"]
        constraints = [models.UniqueConstraint(fields=["officer", "date", "code"], name="one_issue_per_code")]

    def __str__(self) -> str:
        return f"{self.officer_id} {self.date} {self.code} ({self.status})"

    @property
    def counts_against(self) -> bool:
        """Counts for the colour card: rejected, or never explained/decided by the cut-off."""
        return self.status == IssueStatus.REJECTED or (self.expired and self.status != IssueStatus.ACCEPTED)


class ColourCard(models.Model):
    officer = models.ForeignKey("people.Officer", on_delete=models.CASCADE, related_name="colour_cards")
    month = models.DateField(_("month"))
    colour = models.CharField(max_length=8, choices=[(c.value, c.value) for c in rules.Colour])
    non_compliances = models.PositiveSmallIntegerField(default=0)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["officer", "month"], name="one_colour_per_month")]
        ordering = ["month"]

    def __str__(self) -> str:
        return f"{self.officer_id} {self.month:%Y-%m} {self.colour}"
