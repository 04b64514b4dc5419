"""Scheduled attendance jobs. The beat task runs in the public schema and fans out one task per
active agency (tenant-schemas-celery carries the schema), so one agency's slowness or failure never
holds up another's."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone
from django_tenants.utils import schema_context

from spotme.celery import app


def _active_agencies():
    from tenants.models import active_agencies

    return active_agencies()


@app.task(name="attendance.close_yesterday_everywhere")
def close_yesterday_everywhere() -> int:
    n = 0
    for agency in _active_agencies():
        yesterday = (timezone.now().astimezone(_tz(agency)) - timedelta(days=1)).date()
        with schema_context(agency.schema_name):
            close_day.delay(yesterday.isoformat())
        n += 1
    return n


@app.task(name="attendance.close_day", acks_late=True)
def close_day(day: str) -> int:
    from . import services

    return services.close_day(date.fromisoformat(day))


@app.task(name="attendance.colour_cards_everywhere")
def colour_cards_everywhere() -> int:
    n = 0
    for agency in _active_agencies():
        today = timezone.now().astimezone(_tz(agency)).date()
        if today.day <= 10:  # from the 1st until well past any cut-off day
            with schema_context(agency.schema_name):
                colour_cards.delay(today.replace(day=1).isoformat())
            n += 1
    return n


@app.task(name="attendance.colour_cards", acks_late=True)
def colour_cards(month: str) -> int:
    from . import services

    return services.compute_colour_cards(date.fromisoformat(month))


@app.task(name="attendance.recompute_days", acks_late=True)
def recompute_days(start: str, end: str, officer_id: int | None = None) -> int:
    """Recompute existing records after a configuration change too large to do in its request
    (a holiday, leave, a policy version); idempotent."""
    from . import config

    return config.recompute_existing_now(date.fromisoformat(start), date.fromisoformat(end), officer_id)


def _tz(agency):
    from zoneinfo import ZoneInfo

    return ZoneInfo(agency.timezone)
