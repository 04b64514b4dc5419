"""Django side of bench/run.py's dashboard measurement (one process, like bench/reports.py):

    python bench/dashboards.py --officers 10000 --runs 5 --out FILE

Seeds one agency with `--officers` officers and one month (October 2026) of daily records, issues
and colour cards with bench/seed_month.py (COPY, not the engine), plus one clock-in event per
attended day (INSERT … SELECT from the daily records, 1 in 10 outside the office) and, for one
supervisor given exactly 50 supervisees, today's records, clock events with locations and
monthly patterns. Then times through Django's test client (the whole middleware stack, a real
request; server time = time to the last byte in-process, no network):

    team        GET /dashboard/team/                 the supervisor with 50 supervisees
    team_api    GET /api/v1/dashboard/team/
    agency      GET /dashboard/agency/?start=2026-10-01&end=2026-10-31   an executive, whole agency
    agency_week GET /dashboard/agency/?…&granularity=week&unit=<a division>   drill-down
    agency_api  GET /api/v1/dashboard/agency/?start=…&end=…
    monitoring  GET /dashboard/monitoring/?start=…&end=…   the org admin (statistics + health)

and counts the SQL statements of each (constant in the number of officers: see
tests/insights/test_query_counts.py). Each `--runs` times after one warm-up request; the agency is
removed at the end unless --keep.
"""

from __future__ import annotations

import datetime
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform"), str(ROOT / "bench")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spotme.settings")

SUBDOMAIN = "benchdashboards"
MONTH = datetime.date(2026, 10, 1)
TEAM_SIZE = 50
RANGE = "start=2026-10-01&end=2026-10-31"


def _prepare(seed: dict) -> dict:
    """Clock events of the month, a supervisor with exactly TEAM_SIZE supervisees and their today."""
    from django.db import connection, transaction
    from django.utils import timezone
    from django_tenants.utils import schema_context
    from seed_month import username

    from tenant_apps.attendance.models import AttendanceDay, ClockEvent, OfficerPattern, WorkingPattern
    from tenant_apps.organisation.models import OrgUnit
    from tenant_apps.people.models import Officer

    started = time.perf_counter()
    with schema_context(seed["schema"]), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                """INSERT INTO attendance_clockevent (officer_id, at, direction, attendance_date, source,
                       latitude, longitude, accuracy_m, location_status, inside, distance_m, user_agent,
                       idempotency_key, overridden_by_device, created_at)
                   SELECT officer_id, first_in, 'in', date, 'web', 2.926400, 101.696400, 15, 'ok',
                       (id % 10 <> 0), 40, '', '', false, now()
                   FROM attendance_attendanceday WHERE first_in IS NOT NULL"""
            )
            events = cursor.rowcount
        first, last = seed["officer_ids"]
        supervisor = Officer.objects.get(user__username=seed["supervisor_username"])
        # Hand the supervisor's own supervisees to the next supervisor, then give them 50.
        next_supervisor = Officer.objects.get(user__username=username(1))
        Officer.objects.filter(supervisor=supervisor).update(supervisor=next_supervisor)
        team = list(Officer.objects.filter(pk__gte=first + 500, pk__lte=last).order_by("pk")[:TEAM_SIZE])
        Officer.objects.filter(pk__in=[o.pk for o in team]).update(supervisor=supervisor)
        today = timezone.localdate()
        now = timezone.now()
        AttendanceDay.objects.bulk_create(
            [
                AttendanceDay(
                    officer=o,
                    date=today,
                    primary="lewat" if n % 5 == 0 else "hadir",
                    codes=["lewat"] if n % 5 == 0 else ["hadir"],
                    first_in=now,
                    pattern_code="WBF",
                )
                for n, o in enumerate(team)
                if n % 7
            ],
            ignore_conflicts=True,
        )
        ClockEvent.objects.bulk_create(
            [
                ClockEvent(
                    officer=o,
                    at=now,
                    direction="in",
                    attendance_date=today,
                    source="web",
                    latitude=2.9264 + n * 0.0001,
                    longitude=101.6964,
                    accuracy_m=15,
                    location_status="ok",
                    inside=n % 4 != 0,
                )
                for n, o in enumerate(team)
                if n % 7
            ]
        )
        wp2 = WorkingPattern.objects.get(code="WP2")
        OfficerPattern.objects.bulk_create(
            [OfficerPattern(officer=o, month=today.replace(day=1), pattern=wp2) for o in team[:10]],
            ignore_conflicts=True,
        )
        division = OrgUnit.objects.filter(parent__isnull=True).order_by("path").first()
        with connection.cursor() as cursor:
            cursor.execute('ANALYZE "attendance_clockevent"')
    connection.set_schema_to_public()
    return {
        "events": events,
        "division_id": division.pk if division else None,
        "seconds": time.perf_counter() - started,
    }


def measure(officers: int, runs: int, keep: bool) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django_tenants.utils import schema_context
    from seed_month import seed_agency_month

    from spotme.accounts.models import User

    seed = seed_agency_month(subdomain=SUBDOMAIN, officers=officers, month=MONTH)
    extra = _prepare(seed)
    print(
        f"seeded {seed['officers']} officers, {seed['days']} days, {seed['issues']} issues, "
        f"{extra['events']} clock events in {seed['seconds'] + extra['seconds']:.1f}s",
        flush=True,
    )

    def client_of(username: str) -> Client:
        client = Client(HTTP_HOST=seed["host"])
        with schema_context(seed["schema"]):
            client.force_login(User.objects.get(username=username))
        connection.set_schema_to_public()
        return client

    supervisor = client_of(seed["supervisor_username"])
    executive = client_of(seed["executive_username"])
    admin = client_of(seed["admin_username"])
    unit = f"&unit={extra['division_id']}" if extra["division_id"] else ""
    requests = {
        "team": (supervisor, "/dashboard/team/"),
        "team_api": (supervisor, "/api/v1/dashboard/team/"),
        "agency": (executive, f"/dashboard/agency/?{RANGE}"),
        "agency_week": (executive, f"/dashboard/agency/?{RANGE}&granularity=week{unit}"),
        "agency_api": (executive, f"/api/v1/dashboard/agency/?{RANGE}"),
        "monitoring": (admin, f"/dashboard/monitoring/?{RANGE}"),
    }

    def get(client, path) -> tuple[float, int, bytes]:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(path)
            body = response.content
            elapsed = time.perf_counter() - started
        connection.set_schema_to_public()
        if response.status_code != 200:
            raise SystemExit(f"{path}: {response.status_code} {body[:300]!r}")
        return elapsed, len(captured.captured_queries), body

    result = {
        "officers": officers,
        "team_size": TEAM_SIZE,
        "seed": {
            "days": seed["days"],
            "issues": seed["issues"],
            "events": extra["events"],
            "seconds": seed["seconds"] + extra["seconds"],
        },
        "queries": {},
        "runs": {name: [] for name in requests},
    }
    for name, (client, path) in requests.items():
        _elapsed, queries, body = get(client, path)  # warm-up
        result["queries"][name] = queries
        if name == "team_api":
            rows = json.loads(body)["today"]["rows"]
            if len(rows) != TEAM_SIZE:
                raise SystemExit(f"expected {TEAM_SIZE} supervisees, got {len(rows)}")
        if name == "agency_api":
            totals = json.loads(body)["totals"]
            result["agency_totals"] = totals
    for n in range(runs):
        line = []
        for name, (client, path) in requests.items():
            elapsed, _queries, _body = get(client, path)
            result["runs"][name].append(elapsed)
            line.append(f"{name} {elapsed * 1000:.0f} ms")
        print(f"run {n + 1}: " + ", ".join(line), flush=True)
    for name, values in result["runs"].items():
        ordered = sorted(values)
        result[f"median_{name}_s"] = ordered[len(ordered) // 2]
        result[f"max_{name}_s"] = ordered[-1]
    if not keep:
        from import_officers import remove_agency

        remove_agency(SUBDOMAIN)
    return result


LABELS = {
    "team": "supervisor dashboard page, 50 supervisees",
    "team_api": "  the same as JSON (API)",
    "agency": "executive dashboard page, whole agency, 1 month",
    "agency_week": "  by week, one division (drill-down)",
    "agency_api": "  the same figures as JSON (API)",
    "monitoring": "org admin monitoring (statistics + health)",
}


def table_rows(r: dict) -> list[tuple[str, str, str]]:
    runs = len(r["runs"]["team"])
    rows = [(f"dashboards, {r['officers']} officers x 1 month (median / max server time)", "", "")]
    for name, label in LABELS.items():
        rows.append(
            (
                f"  {label}",
                f"{r[f'median_{name}_s'] * 1000:.0f} / {r[f'max_{name}_s'] * 1000:.0f} ms",
                f"{r['queries'][name]} SQL statements, {runs} runs",
            )
        )
    rows.append(
        (
            "  seeding (COPY + INSERT … SELECT)",
            f"{r['seed']['seconds']:.1f} s",
            f"{r['seed']['days']} daily records, {r['seed']['events']} clock events",
        )
    )
    return rows


def main() -> None:
    from seed_month import measurement_cli

    measurement_cli(__doc__, measure, runs=5)


if __name__ == "__main__":
    main()
