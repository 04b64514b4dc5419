from datetime import date

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SentReport(models.Model):
    """One scheduled monthly report emailed to one person: a re-run of the monthly job skips it."""

    month = models.DateField()
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16)
    rows = models.PositiveIntegerField(default=0)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["month", "recipient", "kind"], name="one_monthly_report_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.kind} → {self.recipient_id}"


class ReportJob(models.Model):
    """A report file made in the background (the agency's PDF: up to 2,000 officers take tens of
    seconds to render): the request writes the job and answers at once; a Celery task renders the
    file (jobs.py). Only the person who asked sees it, while they may still open that report."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting")
        RUNNING = "running", _("Being prepared")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16)
    fmt = models.CharField(max_length=8, default="pdf")
    # The report's filters: start, end (ISO dates), org_unit and officer ids.
    params = models.JSONField(default=dict)
    language = models.CharField(max_length=8, default="ms")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    file = models.FileField(upload_to="reports/jobs/%Y/%m/", blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    rows = models.PositiveIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["requested_by", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.kind}.{self.fmt} {self.status} → {self.requested_by_id}"

    @property
    def period_start(self):
        return date.fromisoformat(self.params["start"])

    @property
    def period_end(self):
        return date.fromisoformat(self.params["end"])

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
