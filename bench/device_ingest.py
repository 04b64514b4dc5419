"""Django side of bench/run.py's device-data measurement (one process).

    python bench/device_ingest.py --officers 10000 --days 5 --out FILE

Seeds a fresh agency with `--officers` officers and a month of closed attendance records
(bench/seed_month.py, no issues), then builds one ZKTeco ATTLOG file with a clock-in and a
clock-out per officer per working day (`--days` × 2 × officers punches; 100,000 by default: clock-in
07:20–09:40, clock-out 16:00–18:40, so some days are late or early out) and times, through the real
service `tenant_apps.devices.services.import_file` (what the upload page and API call), in a process
that has built the state's holiday table (as a worker that has served before):

    import      parse + map device user IDs (MyKad) + insert the punches + mark overridden app
                punches + recompute every affected officer-day (records and issues) — one transaction
    re-import   the same file again: every punch a duplicate, nothing written

The agency is removed at the end.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform"), str(ROOT / "bench")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spotme.settings")

SUBDOMAIN = "benchdevices"
MONTH = datetime.date(2026, 10, 1)
FIRST_DAY = datetime.date(2026, 10, 5)  # a Monday


def attlog(officers: int, days: int) -> tuple[bytes, int]:
    from seed_month import username

    rng = random.Random(5)
    working = [
        d
        for d in (FIRST_DAY + datetime.timedelta(days=n) for n in range(days + days // 5 * 2 + 2))
        if d.weekday() < 5
    ][:days]
    lines = []
    for day in working:
        for i in range(officers):
            user = username(i)
            clock_in = datetime.datetime.combine(day, datetime.time(7, 20)) + datetime.timedelta(
                seconds=rng.randrange(140 * 60)
            )
            clock_out = datetime.datetime.combine(day, datetime.time(16, 0)) + datetime.timedelta(
                seconds=rng.randrange(160 * 60)
            )
            lines.append(f"{user:>12}\t{clock_in:%Y-%m-%d %H:%M:%S}\t0\t1\t0\t0")
            lines.append(f"{user:>12}\t{clock_out:%Y-%m-%d %H:%M:%S}\t1\t1\t0\t0")
    return ("\n".join(lines) + "\n").encode(), len(lines)


def server_cpu_s() -> float | None:
    """CPU seconds used so far by this connection's PostgreSQL backend (a server on this machine:
    /proc), None elsewhere. With the client's own CPU, a figure a loaded machine hardly moves."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(officers: int, days: int) -> dict:
    import django

    django.setup()
    from django.db import connection
    from django_tenants.utils import schema_context
    from import_officers import remove_agency
    from seed_month import seed_agency_month

    from spotme.accounts.models import User
    from tenant_apps.attendance import calendar
    from tenant_apps.attendance.models import AttendanceDay, AttendanceIssue, ClockEvent
    from tenant_apps.devices import services
    from tenant_apps.organisation.models import AgencyProfile

    seed = seed_agency_month(subdomain=SUBDOMAIN, officers=officers, month=MONTH, issues=False)
    data, punches = attlog(officers, days)
    try:
        with schema_context(seed["schema"]):
            admin = User.objects.order_by("pk").first()
            # What a worker that has served before holds: the state's holiday table of the year
            # (built once per process, lru_cache; ~0.4 s of CPU the first time).
            calendar.state_holidays(AgencyProfile.current().state, FIRST_DAY.year)
            started = time.perf_counter()
            cpu_started, server_started = time.process_time(), server_cpu_s()
            batch = services.import_file(file_name="ATTLOG.dat", data=data, dry_run=False, by=admin)
            import_s = time.perf_counter() - started
            import_cpu_s = time.process_time() - cpu_started
            server_now = server_cpu_s()
            import_server_cpu_s = None if server_now is None else server_now - server_started
            if batch.status != "imported" or batch.new != punches:
                raise SystemExit(
                    f"import went wrong: {batch.status} {batch.new}/{punches} {batch.errors[:3]}"
                )
            stored = ClockEvent.objects.filter(source="biometric").count()
            week = (FIRST_DAY, FIRST_DAY + datetime.timedelta(days=days + days // 5 * 2 - 1))
            late = AttendanceDay.objects.filter(date__range=week, codes__contains=["lewat"]).count()
            issues = AttendanceIssue.objects.count()
            started = time.perf_counter()
            again = services.import_file(file_name="ATTLOG.dat", data=data, dry_run=False, by=admin)
            reimport_s = time.perf_counter() - started
            if again.new != 0 or again.duplicate != punches:
                raise SystemExit(f"re-import wrote something: {again.new} new")
    finally:
        connection.set_schema_to_public()
        remove_agency(SUBDOMAIN)
    return {
        "officers": officers,
        "days": days,
        "punches": punches,
        "file_bytes": len(data),
        "seed_s": seed.get("seconds"),
        "import_s": import_s,
        "import_client_cpu_s": import_cpu_s,
        "import_server_cpu_s": import_server_cpu_s,
        "days_recomputed": batch.days_recomputed,
        "days_reopened": batch.days_reopened,
        "stored_punches": stored,
        "late_days": late,
        "issues": issues,
        "reimport_s": reimport_s,
        "punches_per_s": punches / import_s,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--officers", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=5)
    parser.add_argument("--out", default="")
    args = parser.parse_args()
    result = run(args.officers, args.days)
    text = json.dumps(result, indent=2, default=str)
    if args.out:
        Path(args.out).write_text(text)
    print(text)


if __name__ == "__main__":
    main()
