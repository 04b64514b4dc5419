"""Platform statistics (public schema): one small row per agency and day, written by a periodic
task that counts inside each agency's schema, so the operators' console reads figures across all
agencies from one table instead of querying every schema per request. Counts only: no officer's
personal data ever leaves the agency's schema."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyDailyStats(models.Model):
    agency = models.ForeignKey("tenants.Agency", on_delete=models.CASCADE, related_name="daily_stats")
    date = models.DateField(_("date"))
    officers = models.PositiveIntegerField(_("active officers"), default=0)
    active_users = models.PositiveIntegerField(_("active users that day"), default=0)
    active_users_30d = models.PositiveIntegerField(_("active users, last 30 days"), default=0)
    clock_ins = models.PositiveIntegerField(_("clock-ins"), default=0)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("agency daily statistics")
        verbose_name_plural = _("agency daily statistics")
        ordering = ["-date", "agency_id"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "date"], name="one_stats_row_per_agency_day")
        ]
        indexes = [models.Index(fields=["date"])]

    def __str__(self) -> str:
        return f"{self.agency_id} {self.date}: {self.active_users}/{self.officers}"
