"""Issue 18 #6, the data migration attendance 0007: app punches marked by the old whole-day rule
(every app punch of a day with device data marked and not counted) are re-marked direction by
direction, and the days whose counted punches change are recomputed. Run with Django's
MigrationExecutor on an agency schema: back to 0006, old-style data written, forward to 0007."""

from __future__ import annotations

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tenant_apps.attendance import services as attendance
from tenant_apps.attendance.models import AttendanceDay, ClockEvent
from tenant_apps.devices import services
from tests.fixtures.attendance import INSIDE
from tests.fixtures.people import OFFICER_1, OFFICER_2

from .conftest import MON, at

BEFORE = ("attendance", "0006_offline_punches")
AFTER = ("attendance", "0007_device_override_marks_per_direction")


def attlog(*lines: tuple[str, str, str]) -> bytes:
    return "".join(f"{who}\t2025-11-17 {t}\t{status}\t1\t0\n" for who, t, status in lines).encode()


def migrate(target) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([target])


def marks(officer) -> dict[str, bool]:
    events = ClockEvent.objects.filter(officer=officer, attendance_date=MON).exclude(source="biometric")
    return {e.at.astimezone(MON_TZ).strftime("%H:%M"): e.overridden_by_device for e in events}


MON_TZ = at(MON, "00:00").tzinfo


def test_old_whole_day_marks_become_per_direction_and_days_are_recomputed(agency_schema, office):
    migrate(BEFORE)
    first, second = agency_schema.officer_1, agency_schema.officer_2
    # Officer 1: app in and out, the device has only the arrival. Officer 2: the device's arrival
    # was imported before the app's clock-in (the old clock-in did not mark it).
    attendance.clock(first, "in", position=INSIDE, now=at(MON, "08:10"))
    attendance.clock(first, "out", position=INSIDE, now=at(MON, "17:30"))
    services.import_file(
        file_name="ATTLOG.dat",
        data=attlog((OFFICER_1, "08:02:00", "0"), (OFFICER_2, "07:55:00", "0")),
        dry_run=False,
        by=None,
    )
    attendance.clock(second, "in", position=INSIDE, now=at(MON, "08:15"))
    attendance.clock(second, "out", position=INSIDE, now=at(MON, "17:05"))
    attendance.close_day(MON)
    right = {o.pk: AttendanceDay.objects.get(officer=o, date=MON) for o in (first, second)}
    assert right[first.pk].last_out is not None and "tidak_lengkap" not in right[first.pk].codes

    # What the old code left: every app punch of those days marked (except officer 2's, made after
    # the import), none counted, the days closed without their clock-out.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE attendance_clockevent SET overridden_by_device = (officer_id = %s) "
            "WHERE source <> 'biometric' AND attendance_date = %s",
            [first.pk, MON],
        )
    AttendanceDay.objects.filter(date=MON, officer__in=[first, second]).update(
        last_out=None, worked_minutes=0, codes=["tidak_lengkap"], primary="tidak_lengkap"
    )
    assert marks(first) == {"08:10": True, "17:30": True}
    assert marks(second) == {"08:15": False, "17:05": False}

    migrate(AFTER)

    assert marks(first) == {"08:10": True, "17:30": False}  # the device had no clock-out
    assert marks(second) == {"08:15": True, "17:05": False}
    for officer in (first, second):
        day = AttendanceDay.objects.get(officer=officer, date=MON)
        expected = right[officer.pk]
        assert (day.first_in, day.last_out, day.worked_minutes) == (
            expected.first_in,
            expected.last_out,
            expected.worked_minutes,
        )
        assert sorted(day.codes) == sorted(expected.codes) and day.closed


def test_nothing_to_do_without_device_data(agency_schema, office):
    migrate(BEFORE)
    attendance.clock(agency_schema.officer_1, "in", position=INSIDE, now=at(MON, "08:10"))
    day = AttendanceDay.objects.get(officer=agency_schema.officer_1, date=MON)
    migrate(AFTER)
    assert AttendanceDay.objects.get(pk=day.pk).updated_at == day.updated_at
    assert marks(agency_schema.officer_1) == {"08:10": False}
