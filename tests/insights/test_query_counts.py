"""The supervisor's and the executive's dashboards run the same number of queries for 5 officers
as for 50: figures are grouped in SQL, never fetched officer by officer or day by day."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from spotme.accounts.models import User
from tenant_apps.attendance.models import (
    AttendanceDay,
    AttendanceIssue,
    ClockEvent,
    ColourCard,
    OfficerPattern,
    WorkingPattern,
)
from tenant_apps.movements.models import Movement
from tenant_apps.people.models import Officer

KL = ZoneInfo("Asia/Kuala_Lumpur")
# Measured: team page 25, team API 23, agency page 15, agency API 11, monitoring 22 (session, roles,
# profile and notifications included); a little headroom, no growth with the officers.
MAX_TEAM_QUERIES = 28
MAX_AGENCY_QUERIES = 18
MAX_MONITORING_QUERIES = 25


def add_supervisees(cast, n: int, first: int) -> None:
    """n officers under supervisor_1 with today's record and clock event, a month of days, a
    colour card, a monthly pattern, an issue and a movement each (bulk inserts)."""
    today = timezone.localdate()
    month = today.replace(day=1)
    with schema_context(cast.agency.schema_name):
        users = User.objects.bulk_create(
            User(username=f"77{first + i:010d}", full_name=f"Pegawai Ujian {first + i:03d}") for i in range(n)
        )
        officers = Officer.objects.bulk_create(
            Officer(user=u, supervisor=cast.supervisor_1, org_unit=cast.sub_unit) for u in users
        )
        wp2 = WorkingPattern.objects.get(code="WP2")
        days, events = [], []
        for o in officers:
            for k in range(10):
                d = month + timedelta(days=k)
                days.append(
                    AttendanceDay(
                        officer=o,
                        date=d,
                        primary="hadir",
                        codes=["hadir"],
                        first_in=datetime.combine(d, time(8), tzinfo=KL),
                    )
                )
            if today - month >= timedelta(days=10):
                days.append(
                    AttendanceDay(
                        officer=o, date=today, primary="lewat", codes=["lewat"], first_in=timezone.now()
                    )
                )
            events.append(
                ClockEvent(
                    officer=o,
                    at=timezone.now(),
                    direction="in",
                    attendance_date=today,
                    latitude=2.9264,
                    longitude=101.6964,
                    inside=True,
                    location_status="ok",
                )
            )
        AttendanceDay.objects.bulk_create(days, ignore_conflicts=True)
        ClockEvent.objects.bulk_create(events)
        ColourCard.objects.bulk_create(ColourCard(officer=o, month=month, colour="hijau") for o in officers)
        OfficerPattern.objects.bulk_create(
            OfficerPattern(officer=o, month=month, pattern=wp2) for o in officers
        )
        AttendanceIssue.objects.bulk_create(
            AttendanceIssue(officer=o, date=month, code="lewat", status="answered") for o in officers
        )
        Movement.objects.bulk_create(
            Movement(officer=o, date=today, whole_day=True, kind="meeting", place="Putrajaya", purpose="x")
            for o in officers
        )


def count(client, path: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(queries)


@pytest.mark.parametrize(
    "role, path, ceiling",
    [
        ("supervisor_of_target", "/dashboard/team/", MAX_TEAM_QUERIES),
        ("supervisor_of_target", "/api/v1/dashboard/team/", MAX_TEAM_QUERIES),
        ("executive", "/dashboard/agency/", MAX_AGENCY_QUERIES),
        ("executive", "/api/v1/dashboard/agency/?granularity=week", MAX_AGENCY_QUERIES),
        ("org_admin", "/dashboard/monitoring/", MAX_MONITORING_QUERIES),
    ],
)
def test_constant_queries_for_5_and_50_officers(cast, client_as, role, path, ceiling):
    client = client_as(role)
    add_supervisees(cast, 5, first=0)
    client.get(path)  # warm caches (session, profile) alike for both measurements
    with_5 = count(client, path)
    add_supervisees(cast, 45, first=5)
    with_50 = count(client, path)
    print(f"{path}: {with_5} queries with 5 supervisees, {with_50} with 50")
    assert with_5 == with_50 <= ceiling, (with_5, with_50)
