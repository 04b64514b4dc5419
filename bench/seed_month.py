"""Seed one agency with N officers and one month of attendance, fast (bulk INSERT + COPY, not the
attendance engine), for the report and dashboard benchmarks.

    from seed_month import seed_agency_month        # bench/ on sys.path, Django set up
    info = seed_agency_month(officers=10_000, month=date(2026, 10, 1))
    info["schema"], info["host"], info["executive_username"], info["supervisor_username"], ...

or from the command line (DATABASE_URL pointing at a bench database, never the development one):

    python bench/seed_month.py --officers 10000 --month 2026-10 [--subdomain benchreports]

What is written, in the agency's schema (deterministic: the same arguments give the same data):
- with `schema=None`, a fresh agency `subdomain` (bench/import_officers.py's fresh_agency: 24
  organisation units in 4 divisions); with `schema=` an existing agency, whose active units are used;
- N users + officers (MyKad-like usernames 90000000001…, unusable passwords unless `password=`):
  officer i (0-based) is in unit i % units; the first 500 are supervisors (role penyelia), each
  officer from 500 on reports to officer i % 500, the first 500 to the org admin; every officer with
  i % 500 == 7 is also an executive (eksekutif);
- one AttendanceDay per officer per day of the month (all closed): weekend days (Saturday/Sunday)
  are rest days (not owed); on a working day h = (37*i + 11*day) % 100 decides the day:
      h <  3  absent (tidak_hadir)                  h < 19  early out (pulang_awal), 10 + h % 30 min
      h <  6  full-day leave (cuti, not owed)       h < 21  incomplete (tidak_lengkap, no clock-out)
      h < 16  late (lewat), late_minutes 5 + h % 40 else    present (hadir)
  clock-in 08:00 (+ lateness), clock-out 17:00 (- early minutes), Asia/Kuala_Lumpur;
- with `issues=True`, one AttendanceIssue per non-compliance day, status cycling by (i + day) % 4:
  accepted, rejected (both decided by the supervisor, answered and decided 1 and 2 days later),
  answered, open;
- one ColourCard per officer for the month: kuning / hijau / merah by i % 3.
Public holidays are not modelled (weekends only). Returns what it wrote and the seconds it took.
"""

from __future__ import annotations

import argparse
import calendar
import datetime
import json
import os
import sys
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
for extra in (str(ROOT), str(ROOT / "platform"), str(ROOT / "bench")):
    if extra not in sys.path:
        sys.path.append(extra)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spotme.settings")

SUPERVISORS = 500
TZ = ZoneInfo("Asia/Kuala_Lumpur")
ISSUE_STATUSES = ("accepted", "rejected", "answered", "open")
COLOURS = ("kuning", "hijau", "merah")


def username(i: int) -> str:
    return f"9{i + 1:011d}"


def day_kind(i: int, day: datetime.date) -> tuple[bool, str, list[str], int, int]:
    """(working_day, primary, codes, late_minutes, early_minutes) of officer i on `day`."""
    if day.weekday() >= 5:
        return False, "hari_rehat", ["hari_rehat"], 0, 0
    h = (37 * i + 11 * day.day) % 100
    if h < 3:
        return True, "tidak_hadir", ["tidak_hadir"], 0, 0
    if h < 6:
        return False, "cuti", ["cuti"], 0, 0
    if h < 16:
        return True, "lewat", ["lewat"], 5 + h % 40, 0
    if h < 19:
        return True, "pulang_awal", ["pulang_awal"], 0, 10 + h % 30
    if h < 21:
        return True, "tidak_lengkap", ["tidak_lengkap"], 0, 0
    return True, "hadir", ["hadir"], 0, 0


def _at(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=TZ) + datetime.timedelta(minutes=minute)


def day_row(officer_id: int, i: int, day: datetime.date, now: datetime.datetime) -> tuple:
    working, primary, codes, late, early = day_kind(i, day)
    first_in = last_out = None
    worked = 0
    if working and primary != "tidak_hadir":
        first_in = _at(day, 8, late)
        if primary != "tidak_lengkap":
            last_out = _at(day, 17, -early)
            worked = int((last_out - first_in).total_seconds() // 60)
    expected_out = _at(day, 17) if working else None
    return (
        officer_id,
        day,
        "WBF",
        working,
        first_in,
        last_out,
        expected_out,
        worked,
        late,
        early,
        codes,
        primary,
        True,
        False,
        now,
    )


DAY_COLUMNS = (
    "officer_id",
    "date",
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
    "updated_at",
)
ISSUE_COLUMNS = (
    "officer_id",
    "date",
    "code",
    "status",
    "reason",
    "attachment",
    "answered_at",
    "decided_by_id",
    "decided_at",
    "decision_comment",
    "expired",
    "created_at",
)


def _copy(cursor, table: str, columns: tuple[str, ...], rows) -> int:
    cols = ", ".join(f'"{c}"' for c in columns)
    n = 0
    with cursor.copy(f'COPY "{table}" ({cols}) FROM STDIN') as copy:
        for row in rows:
            copy.write_row(row)
            n += 1
    return n


def month_days(month: datetime.date) -> list[datetime.date]:
    first = month.replace(day=1)
    last = calendar.monthrange(first.year, first.month)[1]
    return [first + datetime.timedelta(days=d) for d in range(last)]


def seed_agency_month(
    schema: str | None = None,
    *,
    subdomain: str = "benchreports",
    officers: int = 10_000,
    month: datetime.date = datetime.date(2026, 10, 1),
    issues: bool = True,
    password: str | None = None,
) -> dict:
    """Seed (see the module's docstring) and return {schema, host, officers, days, issues, seconds, …}."""
    from django.contrib.auth.hashers import make_password
    from django.db import connection, transaction
    from django.utils import timezone
    from django_tenants.utils import schema_context

    from spotme.accounts.models import User
    from tenant_apps.attendance.models import AttendanceDay, AttendanceIssue, ColourCard
    from tenant_apps.organisation.models import OrgUnit, Role
    from tenant_apps.people.models import Officer
    from tenants.models import Agency

    timings: dict[str, float] = {}
    started = time.perf_counter()
    if schema is None:
        from import_officers import fresh_agency

        agency = fresh_agency(subdomain)
    else:
        agency = Agency.objects.get(schema_name=schema)
    timings["agency_s"] = time.perf_counter() - started
    month = month.replace(day=1)
    days = month_days(month)
    now = timezone.now()
    encoded = make_password(password) if password else "!bench-unusable"

    with schema_context(agency.schema_name), transaction.atomic():
        t = time.perf_counter()
        units = list(OrgUnit.objects.filter(is_active=True).order_by("path").values_list("pk", flat=True))
        if not units:
            units = [OrgUnit.objects.create(name="Unit Bench", code="BENCH", path="", depth=0).pk]
            OrgUnit.objects.filter(pk=units[0]).update(path=f"/{units[0]}/")
        admin_officer = Officer.objects.select_related("user").order_by("pk").first()
        admin_username = admin_officer.user.username if admin_officer else None
        users = User.objects.bulk_create(
            [
                User(
                    username=username(i),
                    full_name=f"Pegawai Laporan {i:05d} bin Ahmad",
                    email=f"laporan{i:05d}@bench.gov.my",
                    password=encoded,
                    must_change_password=False,
                    is_active=True,
                )
                for i in range(officers)
            ],
            batch_size=5000,
        )
        timings["users_s"] = time.perf_counter() - t
        t = time.perf_counter()
        rows = Officer.objects.bulk_create(
            [
                Officer(
                    user=user,
                    grade="N19" if i >= SUPERVISORS else "F41",
                    position="Pegawai Tadbir",
                    org_unit_id=units[i % len(units)],
                    join_date=datetime.date(2015, 1, 1),
                )
                for i, user in enumerate(users)
            ],
            batch_size=5000,
        )
        ids = [o.pk for o in rows]
        # Supervisors: a second pass (they are officers of the same batch).
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE people_officer o SET supervisor_id = v.sup FROM "
                "(SELECT unnest(%s::bigint[]) AS id, unnest(%s::bigint[]) AS sup) v WHERE o.id = v.id",
                [
                    ids,
                    [
                        (admin_officer.pk if admin_officer else None)
                        if i < SUPERVISORS
                        else ids[i % SUPERVISORS]
                        for i in range(officers)
                    ],
                ],
            )
        groups = {g.name: g.pk for g in Role.groups(Role.OFFICER, Role.SUPERVISOR, Role.EXECUTIVE)}
        through = User.groups.through
        memberships = [through(user_id=u.pk, group_id=groups[Role.OFFICER]) for u in users]
        memberships += [through(user_id=u.pk, group_id=groups[Role.SUPERVISOR]) for u in users[:SUPERVISORS]]
        memberships += [
            through(user_id=u.pk, group_id=groups[Role.EXECUTIVE])
            for i, u in enumerate(users)
            if i % SUPERVISORS == 7
        ]
        through.objects.bulk_create(memberships, batch_size=5000)
        timings["officers_s"] = time.perf_counter() - t

        t = time.perf_counter()
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg's own cursor, for COPY
            n_days = _copy(
                raw,
                AttendanceDay._meta.db_table,
                DAY_COLUMNS,
                (day_row(oid, i, day, now) for i, oid in enumerate(ids) for day in days),
            )
        timings["days_s"] = time.perf_counter() - t

        t = time.perf_counter()
        n_issues = 0
        if issues:

            def issue_rows():
                for i, oid in enumerate(ids):
                    sup = (
                        ids[i % SUPERVISORS]
                        if i >= SUPERVISORS
                        else (admin_officer.pk if admin_officer else None)
                    )
                    for day in days:
                        working, primary, codes, _late, _early = day_kind(i, day)
                        if not working or primary in ("hadir", "cuti"):
                            continue
                        status = ISSUE_STATUSES[(i + day.day) % 4]
                        created = _at(day, 18)
                        answered = created + datetime.timedelta(days=1) if status != "open" else None
                        decided = (
                            created + datetime.timedelta(days=2)
                            if status in ("accepted", "rejected")
                            else None
                        )
                        yield (
                            oid,
                            day,
                            primary,
                            status,
                            "Kesesakan jalan raya" if answered else "",
                            "",
                            answered,
                            sup if decided else None,
                            decided,
                            "",
                            False,
                            created,
                        )

            with connection.cursor() as cursor:
                n_issues = _copy(cursor.cursor, AttendanceIssue._meta.db_table, ISSUE_COLUMNS, issue_rows())
        timings["issues_s"] = time.perf_counter() - t

        t = time.perf_counter()
        ColourCard.objects.bulk_create(
            [
                ColourCard(officer_id=oid, month=month, colour=COLOURS[i % 3], non_compliances=i % 3 * 2)
                for i, oid in enumerate(ids)
            ],
            batch_size=5000,
        )
        timings["colour_cards_s"] = time.perf_counter() - t
        with connection.cursor() as cursor:
            for table in ("people_officer", "attendance_attendanceday", "attendance_attendanceissue"):
                cursor.execute(f'ANALYZE "{table}"')

    connection.set_schema_to_public()
    return {
        "schema": agency.schema_name,
        "host": agency.host,
        "month": month.isoformat(),
        "officers": officers,
        "officer_ids": (ids[0], ids[-1]),
        "days": n_days,
        "issues": n_issues,
        "units": len(units),
        "admin_username": admin_username,
        "executive_username": username(7),
        "supervisor_username": username(0),
        "officer_username": username(SUPERVISORS + 1) if officers > SUPERVISORS else username(officers - 1),
        "seconds": time.perf_counter() - started,
        **timings,
    }


def measurement_cli(doc: str, measure, *, runs: int) -> None:
    """The command line of a measurement on a seeded month (bench/reports.py, bench/dashboards.py):
    `measure(officers, runs, keep)` → a JSON-able dict, printed or written to --out."""
    parser = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--officers", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=runs)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    import django

    django.setup()
    result = measure(args.officers, args.runs, args.keep)
    if args.out:
        args.out.write_text(json.dumps(result))
    else:
        print(json.dumps(result, indent=2))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--officers", type=int, default=10_000)
    parser.add_argument("--month", default="2026-10", help="YYYY-MM (default 2026-10)")
    parser.add_argument("--subdomain", default="benchreports")
    parser.add_argument("--schema", help="seed an existing agency's schema instead of a fresh agency")
    parser.add_argument("--no-issues", action="store_true")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    import django

    django.setup()
    month = datetime.date.fromisoformat(args.month + "-01")
    info = seed_agency_month(
        args.schema, subdomain=args.subdomain, officers=args.officers, month=month, issues=not args.no_issues
    )
    text = json.dumps(info, indent=2, default=str)
    if args.out:
        args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
