"""Platform statistics across agencies (Paparan pengendali pusat): collected per agency inside its
own schema, read by the console from the public table `AgencyDailyStats`."""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django_tenants.utils import schema_context

from tenants.models import Agency, AgencyStatus

from .models import AgencyDailyStats

ACTIVE_WINDOW_DAYS = 30


def count_agency_day(day: date) -> dict:
    """The current schema's figures of one day (four queries). An active user signed in or clocked
    in/out that day (or in the 30 days up to it)."""
    from django.contrib.auth import get_user_model

    from tenant_apps.attendance.models import ClockEvent
    from tenant_apps.people.models import Officer

    User = get_user_model()
    since = day - timedelta(days=ACTIVE_WINDOW_DAYS - 1)

    def active(start: date, end: date) -> int:
        clocked = ClockEvent.objects.filter(officer__user=OuterRef("pk"), attendance_date__range=(start, end))
        return (
            User.objects.filter(is_active=True)
            .filter(Q(last_login__date__range=(start, end)) | Exists(clocked))
            .count()
        )

    return {
        "officers": Officer.objects.filter(user__is_active=True).count(),
        "active_users": active(day, day),
        "active_users_30d": active(since, day),
        "clock_ins": ClockEvent.objects.filter(attendance_date=day, direction="in").count(),
    }


def collect(agency: Agency, day: date) -> AgencyDailyStats:
    """Count inside the agency's schema, write the public row (idempotent: upsert)."""
    with schema_context(agency.schema_name):
        figures = count_agency_day(day)
    with schema_context("public"):
        row, _created = AgencyDailyStats.objects.update_or_create(agency=agency, date=day, defaults=figures)
    return row


def platform_overview(today: date, days: int = 30) -> dict:
    """What the console shows, from public tables only (a fixed number of queries, whatever the
    number of agencies)."""
    from shared_apps.onboarding.models import AgencyApplication, ProvisioningEvent

    agencies = list(Agency.objects.exclude(schema_name="public").order_by("name"))
    by_status = dict.fromkeys(AgencyStatus.values, 0)
    for a in agencies:
        by_status[a.status] = by_status.get(a.status, 0) + 1
    latest_date = (
        AgencyDailyStats.objects.filter(date__lte=today)
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )
    latest = (
        {r.agency_id: r for r in AgencyDailyStats.objects.filter(date=latest_date)} if latest_date else {}
    )
    rows = []
    for a in agencies:
        r = latest.get(a.pk)
        rows.append(
            {
                "agency_id": a.pk,
                "name": a.name,
                "subdomain": a.subdomain,
                "state": a.state,
                "status": a.status,
                "status_label": str(a.get_status_display()),
                "created_at": a.created_at.isoformat(),
                "officers": r.officers if r else None,
                "active_users": r.active_users if r else None,
                "active_users_30d": r.active_users_30d if r else None,
                "clock_ins": r.clock_ins if r else None,
            }
        )
    active_ids = [a.pk for a in agencies if a.status == AgencyStatus.ACTIVE]
    totals = {
        "agencies": len(agencies),
        "active_agencies": by_status.get(AgencyStatus.ACTIVE, 0),
        "officers": sum(latest[i].officers for i in active_ids if i in latest),
        "active_users": sum(latest[i].active_users for i in active_ids if i in latest),
        "active_users_30d": sum(latest[i].active_users_30d for i in active_ids if i in latest),
        "clock_ins": sum(latest[i].clock_ins for i in active_ids if i in latest),
    }
    start = today - timedelta(days=days - 1)
    per_day = [
        {"date": d["date"].isoformat(), "clock_ins": d["clock_ins"], "active_users": d["active_users"]}
        for d in AgencyDailyStats.objects.filter(date__range=(start, today))
        .values("date")
        .annotate(clock_ins=Sum("clock_ins"), active_users=Sum("active_users"))
        .order_by("date")
    ]
    # Per month: applications (submitted, provisioned, rejected, failed) and agencies created,
    # which includes agencies provisioned from the command line without an application.
    months: dict = {}
    empty = dict.fromkeys(("submitted", "provisioned", "rejected", "failed", "agencies_created"), 0)
    for r in (
        AgencyApplication.objects.annotate(month=TruncMonth("submitted_at"))
        .values("month")
        .annotate(
            submitted=Count("id"),
            provisioned=Count("id", filter=Q(status="provisioned")),
            rejected=Count("id", filter=Q(status="rejected")),
            failed=Count("id", filter=Q(status="failed")),
        )
        .order_by("month")
    ):
        row = months.setdefault(r["month"].date(), dict(empty))
        row.update({k: r[k] for k in ("submitted", "provisioned", "rejected", "failed")})
    for r in (
        Agency.objects.exclude(schema_name="public")
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(n=Count("id"))
        .order_by("month")
    ):
        months.setdefault(r["month"].date(), dict(empty))["agencies_created"] = r["n"]
    applications = [{"month": m.isoformat(), **months[m]} for m in sorted(months)]
    events = [
        {
            "at": timezone.localtime(e.created_at).isoformat(),  # the agencies' time, not UTC
            "agency": e.application.agency_name,
            "subdomain": e.application.subdomain,
            "kind": e.kind,
            "kind_label": str(e.get_kind_display()),
            "duration_ms": e.duration_ms,
        }
        for e in ProvisioningEvent.objects.select_related("application").order_by("-created_at", "-pk")[:25]
    ]
    return {
        "date": latest_date.isoformat() if latest_date else None,
        "totals": totals,
        "by_status": by_status,
        "agencies": rows,
        "per_day": per_day,
        "applications_by_month": applications,
        "provisioning_events": events,
    }
