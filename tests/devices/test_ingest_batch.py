"""The batch path of device data (issue 21): a delivery is written with one COPY + INSERT … ON
CONFLICT and its officer-days recomputed once each, with set-based reads. It must store each punch
exactly once (duplicates inside the file, and the same file again) and give the same days as the
single-punch path (each punch imported on its own, each time recomputing its day) — and its number
of SQL statements must not grow with the number of officers."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

import psycopg
from django.db import transaction
from django.db.models import Count

from tenant_apps.attendance import services as attendance
from tenant_apps.attendance.batch import recompute_many
from tenant_apps.attendance.models import AttendanceDay, AttendanceIssue, ClockEvent, IssueStatus
from tenant_apps.devices import services
from tests.fixtures.attendance import INSIDE
from tests.fixtures.people import EXECUTIVE, OFFICER_1, OFFICER_2, OFFICER_3, SUPERVISOR_1, SUPERVISOR_2

from .conftest import MON, at

DAYS = [MON + timedelta(days=n) for n in range(3)]  # Mon, Tue, Wed 17–19 Nov 2025
EVERYONE = [OFFICER_1, OFFICER_2, OFFICER_3, SUPERVISOR_1, SUPERVISOR_2, EXECUTIVE]


def line(user: str, day, hhmmss: str, status: int) -> str:
    return f"{user}\t{day:%Y-%m-%d} {hhmmss}\t{status}\t1\t0\t0"


def attlog(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def varied_lines() -> list[str]:
    """Three days of six officers: on time, late, early out, no clock-out, a lone punch without a
    direction (status 255), an extra punch during the day."""
    lines = []
    for i, user in enumerate(EVERYONE):
        for d, day in enumerate(DAYS):
            kind = (i + d) % 5
            arrive = ("07:55:10", "09:12:00", "08:01:30", "08:29:59", "08:40:00")[kind]
            lines.append(line(user, day, arrive, 0))
            if kind == 1:
                lines.append(line(user, day, "12:30:00", 255))
            if kind != 3:  # kind 3: the clock-out is missing
                lines.append(line(user, day, ("17:05:00", "18:20:00", "15:10:00", "", "17:45:00")[kind], 1))
    return lines


def snapshot():
    """The days as stored, and the issues that stand. An issue the single-punch path raised and then
    withdrew (a day without its clock-out until the next punch came) is a row the batch never
    writes: withdrawn issues are left out of the comparison."""
    days = sorted(
        tuple(sorted((k, v) for k, v in d.items() if k not in {"id", "updated_at"}))
        for d in AttendanceDay.objects.values()
    )
    issues = sorted(
        AttendanceIssue.objects.exclude(status=IssueStatus.WITHDRAWN).values_list(
            "officer_id", "date", "code", "status"
        )
    )
    return days, issues


def test_a_batch_stores_each_punch_once_and_gives_the_days_of_one_punch_at_a_time(agency_schema, office):
    cast = agency_schema
    # An app clock-in the device data overrides, and one on a day the device has no arrival for.
    attendance.clock(cast.officer_1, "in", position=INSIDE, now=at(MON, "08:30"))
    attendance.clock(cast.officer_2, "out", position=INSIDE, now=at(DAYS[1], "17:30"))
    lines = varied_lines()

    with transaction.atomic():
        for one in lines:
            services.import_file(file_name="one.dat", data=attlog(one), dry_run=False, by=None)
        one_by_one = snapshot()
        transaction.set_rollback(True)

    # The same punches in one file, the first ten twice (a terminal sending a record again).
    data = attlog(*lines, *lines[:10])
    first = services.import_file(file_name="ATTLOG.dat", data=data, dry_run=False, by=cast.admin.user)
    assert (first.status, first.new, first.duplicate) == ("imported", len(lines), 10)
    assert first.days_recomputed == len(EVERYONE) * len(DAYS)
    after_first = snapshot()
    again = services.import_file(file_name="ATTLOG.dat", data=data, dry_run=False, by=cast.admin.user)
    assert (again.new, again.duplicate, again.days_recomputed) == (0, len(lines) + 10, 0)

    device = ClockEvent.objects.filter(source="biometric")
    assert device.count() == len(lines)
    assert not device.values("officer_id", "at").annotate(n=Count("id")).filter(n__gt=1).exists()
    assert snapshot() == after_first == one_by_one
    days, issues = one_by_one
    codes = {c for day in days for k, v in day if k == "codes" for c in v}
    assert {"lewat", "pulang_awal", "tidak_lengkap"} <= codes  # the fixture is as varied as it says
    assert ClockEvent.objects.get(officer=cast.officer_1, source="web").overridden_by_device


@contextmanager
def counting_statements():
    """Every statement sent on the connection (Django's cursors and the raw psycopg ones alike go
    through psycopg's Cursor.execute; COPY through Cursor.copy)."""
    count = [0]
    execute, copy = psycopg.Cursor.execute, psycopg.Cursor.copy

    def counted_execute(self, *args, **kwargs):
        count[0] += 1
        return execute(self, *args, **kwargs)

    def counted_copy(self, *args, **kwargs):
        count[0] += 1
        return copy(self, *args, **kwargs)

    psycopg.Cursor.execute, psycopg.Cursor.copy = counted_execute, counted_copy
    try:
        yield count
    finally:
        psycopg.Cursor.execute, psycopg.Cursor.copy = execute, copy


def test_statements_per_batch_do_not_grow_with_the_number_of_officers(agency_schema, office):
    cast = agency_schema
    ids = {login: getattr(cast, name).pk for name, login in cast.LOGINS.items()}

    def statements(users: list[str]) -> tuple[int, int]:
        lines = [
            line(u, day, t, s) for u in users for day in DAYS for t, s in (("09:05:00", 0), ("16:00:00", 1))
        ]
        with transaction.atomic():
            with counting_statements() as imported:
                batch = services.import_file(file_name="a.dat", data=attlog(*lines), dry_run=False, by=None)
            assert batch.new == len(lines) and batch.days_recomputed == len(users) * len(DAYS)
            with counting_statements() as recomputed:
                recompute_many([(ids[u], day) for u in users for day in DAYS])
            transaction.set_rollback(True)
        return imported[0], recomputed[0]

    statements([OFFICER_2])  # the first import of a process reads the agency's configuration (cached)
    one = statements([OFFICER_1])
    six = statements(EVERYONE)
    assert six == one
    assert one[1] <= 15  # reads (events, records, issues, adjustments, patterns, leave, …) + writes
