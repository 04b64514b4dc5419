"""Periodic collection of the platform statistics: the beat task fans out one task per active
agency (tenant-schemas-celery carries the schema), each counting in its own schema."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django_tenants.utils import schema_context

from spotme.celery import app


@app.task(name="operators.collect_stats_everywhere")
def collect_stats_everywhere() -> int:
    from zoneinfo import ZoneInfo

    from tenants.models import Agency, AgencyStatus

    n = 0
    for agency in Agency.objects.filter(status=AgencyStatus.ACTIVE).exclude(schema_name="public"):
        today = timezone.now().astimezone(ZoneInfo(agency.timezone)).date()
        with schema_context(agency.schema_name):
            collect_stats.delay(today.isoformat())
        n += 1
    return n


@app.task(name="operators.collect_stats", acks_late=True)
def collect_stats(day: str) -> int:
    from tenants.models import current_agency

    from . import stats

    return stats.collect(current_agency(), date.fromisoformat(day)).pk
