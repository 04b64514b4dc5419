"""Import semantics: device punches override the app's for the same officer-day (kept, marked), a
closed day is recomputed, re-importing changes nothing; ATTLOG and CSV files with good, bad and
unmatched rows; mapping an unmatched device user ID imports its waiting punches."""

from __future__ import annotations

from pathlib import Path

from tenant_apps.attendance import services as attendance
from tenant_apps.attendance.models import AttendanceDay, AttendanceIssue, ClockEvent, IssueStatus
from tenant_apps.devices import services
from tenant_apps.devices.models import DeviceBatch, DeviceEnrolment, DeviceIntegration, UnmatchedPunch
from tests.fixtures.attendance import INSIDE
from tests.fixtures.people import OFFICER_1, OFFICER_2

from .conftest import MON, at

SAMPLES = Path(__file__).parent / "samples"


def attlog(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode()


def test_device_clock_in_overrides_the_app_clock_in(agency_schema, office):
    cast = agency_schema
    app_event = attendance.clock(cast.officer_1, "in", position=INSIDE, now=at(MON, "08:10"))
    assert AttendanceDay.objects.get(officer=cast.officer_1, date=MON).first_in == at(MON, "08:10")
    batch = services.import_file(
        file_name="ATTLOG.dat",
        data=attlog(f"{OFFICER_1}\t2025-11-17 08:02:00\t0\t1\t0\t0"),
        dry_run=False,
        by=cast.admin.user,
    )
    assert (batch.status, batch.new, batch.overridden) == ("imported", 1, 1)
    day = AttendanceDay.objects.get(officer=cast.officer_1, date=MON)
    assert day.first_in == at(MON, "08:02")
    assert "lewat" not in day.codes
    app_event.refresh_from_db()
    assert app_event.overridden_by_device  # kept, marked, for audit
    assert ClockEvent.objects.filter(officer=cast.officer_1, attendance_date=MON).count() == 2


def test_device_clock_in_clears_the_lateness_of_an_app_clock_in(agency_schema, office):
    cast = agency_schema
    attendance.clock(cast.officer_1, "in", position=INSIDE, now=at(MON, "09:10"))
    assert (
        AttendanceIssue.objects.get(officer=cast.officer_1, date=MON, code="lewat").status == IssueStatus.OPEN
    )
    services.import_file(
        file_name="log.dat", data=attlog(f"{OFFICER_1}\t2025-11-17 08:02:00\t0\t1\t0"), dry_run=False, by=None
    )
    day = AttendanceDay.objects.get(officer=cast.officer_1, date=MON)
    assert day.first_in == at(MON, "08:02") and "lewat" not in day.codes
    assert (
        AttendanceIssue.objects.get(officer=cast.officer_1, date=MON, code="lewat").status
        == IssueStatus.WITHDRAWN
    )


def test_device_data_after_the_close_recomputes_the_closed_day(agency_schema):
    cast = agency_schema
    attendance.close_day(MON)
    closed = AttendanceDay.objects.get(officer=cast.officer_1, date=MON)
    assert closed.closed and closed.primary == "tidak_hadir"
    assert AttendanceIssue.objects.get(officer=cast.officer_1, date=MON, code="tidak_hadir").status == "open"
    batch = services.import_file(
        file_name="log.dat",
        data=attlog(
            f"{OFFICER_1}\t2025-11-17 08:00:00\t0\t1\t0", f"{OFFICER_1}\t2025-11-17 17:30:00\t1\t1\t0"
        ),
        dry_run=False,
        by=None,
    )
    assert batch.days_reopened == 1
    day = AttendanceDay.objects.get(officer=cast.officer_1, date=MON)
    assert day.closed and day.primary == "hadir"
    assert (
        AttendanceIssue.objects.get(officer=cast.officer_1, date=MON, code="tidak_hadir").status
        == "withdrawn"
    )
    # Only a clock-in arriving late: the closed day is incomplete (no clock-out), an issue is raised.
    services.import_file(
        file_name="log2.dat",
        data=attlog(f"{OFFICER_2}\t2025-11-17 08:00:00\t0\t1\t0"),
        dry_run=False,
        by=None,
    )
    assert "tidak_lengkap" in AttendanceDay.objects.get(officer=cast.officer_2, date=MON).codes
    assert AttendanceIssue.objects.filter(officer=cast.officer_2, date=MON, code="tidak_lengkap").exists()


def test_reimporting_the_same_file_is_a_no_op(agency_schema):
    cast = agency_schema
    data = (SAMPLES / "attlog_good.dat").read_bytes()
    first = services.import_file(file_name="attlog_good.dat", data=data, dry_run=False, by=cast.admin.user)
    assert first.status == "imported" and first.new == 6
    days = list(AttendanceDay.objects.order_by("pk").values())
    events = ClockEvent.objects.count()
    again = services.import_file(file_name="attlog_good.dat", data=data, dry_run=False, by=cast.admin.user)
    assert (again.new, again.duplicate, again.days_recomputed, again.overridden) == (0, 6, 0, 0)
    assert list(AttendanceDay.objects.order_by("pk").values()) == days
    assert ClockEvent.objects.count() == events


def test_attlog_sample_with_good_bad_and_unmatched_rows(agency_schema):
    cast = agency_schema
    bad = services.import_file(
        file_name="attlog_bad.dat",
        data=(SAMPLES / "attlog_bad.dat").read_bytes(),
        dry_run=False,
        by=cast.admin.user,
    )
    assert bad.status == DeviceBatch.Status.REJECTED
    assert {(e["row"], e["code"]) for e in bad.errors} == {
        (3, "timestamp"),
        (4, "fields"),
        (5, "status"),
        (6, "user_id"),
    }
    assert not ClockEvent.objects.exists() and not UnmatchedPunch.objects.exists()

    mixed = services.import_file(
        file_name="attlog_unmatched.dat",
        data=(SAMPLES / "attlog_unmatched.dat").read_bytes(),
        dry_run=False,
        by=cast.admin.user,
    )
    assert (mixed.status, mixed.new, mixed.unmatched) == ("imported", 2, 2)
    assert mixed.unmatched_ids == ["00042"]
    assert services.unmatched_ids()[0]["device_user_id"] == "00042"


def test_csv_sample_with_good_bad_and_unmatched_rows(agency_schema):
    cast = agency_schema
    good = services.import_file(
        file_name="punches.csv",
        data=(SAMPLES / "punches_good.csv").read_bytes(),
        dry_run=False,
        by=cast.admin.user,
    )
    assert (good.status, good.file_format, good.new, good.unmatched) == ("imported", "csv", 4, 1)
    day = AttendanceDay.objects.get(officer=cast.officer_2, date=MON)
    assert day.first_in == at(MON, "07:55") and day.last_out == at(MON, "17:01")
    bad = services.import_file(
        file_name="punches_bad.csv", data=(SAMPLES / "punches_bad.csv").read_bytes(), dry_run=False, by=None
    )
    assert bad.status == "rejected" and {e["row"] for e in bad.errors} == {3, 4}
    missing = services.import_file(file_name="x.csv", data=b"who,when\n1,2\n", dry_run=False, by=None)
    assert missing.status == "rejected" and missing.errors[0]["code"] == "columns"


def test_a_dry_run_reports_and_writes_nothing(agency_schema):
    data = (SAMPLES / "attlog_good.dat").read_bytes()
    batch = services.import_file(file_name="attlog_good.dat", data=data, dry_run=True, by=None)
    assert (batch.status, batch.new) == ("checked", 6)
    assert not ClockEvent.objects.exists() and not AttendanceDay.objects.exists()


def test_mapping_an_unmatched_id_imports_its_waiting_punches(agency_schema):
    cast = agency_schema
    services.import_file(
        file_name="u.dat", data=(SAMPLES / "attlog_unmatched.dat").read_bytes(), dry_run=False, by=None
    )
    batch = services.map_user_id("00042", cast.officer_3, by=cast.admin.user)
    assert batch.new == 2 and batch.source == "mapping"
    assert DeviceEnrolment.objects.get(officer=cast.officer_3).device_user_id == "42"
    assert not UnmatchedPunch.objects.exists()
    assert AttendanceDay.objects.get(officer=cast.officer_3, date=MON).first_in == at(MON, "08:15")
    # From now on the terminal's "42" (padded or not) is officer_3.
    later = services.import_file(
        file_name="v.dat", data=attlog("42\t2025-11-18 08:01:00\t0\t1\t0"), dry_run=False, by=None
    )
    assert later.unmatched == 0 and later.new == 1


def test_enrolment_numbers_instead_of_mykad(agency_schema):
    cast = agency_schema
    integration = DeviceIntegration.current()
    integration.user_id_mapping = "enrolment"
    integration.save()
    DeviceEnrolment.objects.create(officer=cast.officer_1, device_user_id="7")
    batch = services.import_file(
        file_name="e.dat",
        data=attlog("    7\t2025-11-17 08:00:00\t0\t1\t0", f"{OFFICER_2}\t2025-11-17 08:00:00\t0\t1\t0"),
        dry_run=False,
        by=None,
    )
    assert (batch.new, batch.unmatched, batch.unmatched_ids) == (1, 1, [OFFICER_2])


def test_first_last_mode_ignores_the_status(agency_schema):
    integration = DeviceIntegration.current()
    integration.direction_mode = "first_last"
    integration.save()
    cast = agency_schema
    services.import_file(
        file_name="f.dat",
        data=attlog(
            f"{OFFICER_1}\t2025-11-17 08:00:00\t1\t1\t0", f"{OFFICER_1}\t2025-11-17 17:05:00\t1\t1\t0"
        ),
        dry_run=False,
        by=None,
    )
    day = AttendanceDay.objects.get(officer=cast.officer_1, date=MON)
    assert (day.first_in, day.last_out) == (at(MON, "08:00"), at(MON, "17:05"))
