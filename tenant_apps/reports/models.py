from django.conf import settings
from django.db import models


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
