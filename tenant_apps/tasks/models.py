"""Tugasan: the daily task log and the task board.

Status values are the Malay terms users know (baru, dalam_tindakan, selesai, dibatalkan): they appear
in URLs, forms and the API; the labels are translated."""

from __future__ import annotations

from datetime import date

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

MINUTES_PER_DAY = 24 * 60


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class Status(models.TextChoices):
    NEW = "baru", _("New")
    IN_PROGRESS = "dalam_tindakan", _("In progress")
    DONE = "selesai", _("Done")
    CANCELLED = "dibatalkan", _("Cancelled")


OPEN_STATUSES = (Status.NEW, Status.IN_PROGRESS)


class Task(models.Model):
    """A task on the board (Papan Tugasan): assigned by a supervisor to supervisees, or an officer's
    own (then the officer is both creator and assignee)."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=5000)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    priority = models.CharField(
        _("priority"), max_length=8, choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.NEW)
    created_by = models.ForeignKey(
        "people.Officer", verbose_name=_("created by"), on_delete=models.PROTECT, related_name="tasks_created"
    )
    assignees = models.ManyToManyField("people.Officer", verbose_name=_("assigned to"), related_name="tasks")
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_date", "-pk"]
        indexes = [models.Index(fields=["status", "due_date"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today: date | None = None) -> bool:
        from django.utils import timezone

        today = today or timezone.localdate()
        return self.is_open and self.due_date is not None and self.due_date < today


class TaskAttachment(models.Model):
    """A file on a task. Served only through the task's own page (never a public media URL)."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to="tasks/%Y/%m/")
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size (bytes)"), default=0)
    uploaded_by = models.ForeignKey("people.Officer", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("task attachment")
        verbose_name_plural = _("task attachments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.name


class TaskComment(models.Model):
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey("people.Officer", on_delete=models.PROTECT, related_name="+")
    body = models.TextField(_("comment"), max_length=2000)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("task comment")
        verbose_name_plural = _("task comments")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:50]


class Correction(models.TextChoices):
    """Where an entry stands with the supervisor's request for correction."""

    NONE = "", _("Not returned")
    RETURNED = "returned", _("Returned for correction")
    CORRECTED = "corrected", _("Corrected")


class TaskLogEntry(models.Model):
    """One line of an officer's daily task log (Catatan Tugasan Harian). The supervisor may return it
    for correction with a comment (`corrections.py`); the officer's next save marks it corrected."""

    officer = models.ForeignKey("people.Officer", on_delete=models.PROTECT, related_name="task_log")
    date = models.DateField(_("date"))
    description = models.TextField(_("what was done"), max_length=2000)
    minutes = models.PositiveSmallIntegerField(
        _("time spent (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(MINUTES_PER_DAY)]
    )
    task = models.ForeignKey(
        Task,
        verbose_name=_("board task"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="log_entries",
    )
    correction = models.CharField(
        _("correction"), max_length=10, choices=Correction.choices, default=Correction.NONE, blank=True
    )
    correction_comment = models.TextField(_("supervisor's comment"), blank=True, max_length=2000)
    returned_by = models.ForeignKey(
        "people.Officer",
        verbose_name=_("returned by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    returned_at = models.DateTimeField(_("returned at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("task log entry")
        verbose_name_plural = _("task log entries")
        ordering = ["date", "pk"]
        indexes = [models.Index(fields=["officer", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minutes__gte=1, minutes__lte=MINUTES_PER_DAY),
                name="task_log_minutes_range",
            )
        ]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.description[:40]}"


class TaskLogReview(models.Model):
    """The supervisor's review of one officer-day of the log. A week's review writes one row per day
    that has entries. A reviewed day is closed to the officer's changes."""

    officer = models.ForeignKey("people.Officer", on_delete=models.PROTECT, related_name="task_log_reviews")
    date = models.DateField(_("date"))
    reviewer = models.ForeignKey(
        "people.Officer", verbose_name=_("reviewed by"), on_delete=models.PROTECT, related_name="+"
    )
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    reviewed_at = models.DateTimeField(_("reviewed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("task log review")
        verbose_name_plural = _("task log reviews")
        ordering = ["-date", "officer_id"]
        constraints = [
            models.UniqueConstraint(fields=["officer", "date"], name="one_task_log_review_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.officer_id} {self.date:%d/%m/%Y}"
