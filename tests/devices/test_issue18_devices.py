"""Issue 18 #1 and #6 through a real device import: device punches judged at the minute shown, and
device priority direction by direction (an app clock-out the device lacks still counts; what is
overridden is marked, with the reason on Transaksi Kehadiran)."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from tenant_apps.attendance import services as attendance
from tenant_apps.attendance.models import AttendanceDay, ClockEvent
from tenant_apps.devices import services
from tests.fixtures.agencies import PASSWORD
from tests.fixtures.attendance import INSIDE
from tests.fixtures.people import OFFICER_1

from .conftest import MON, at


def attlog(*punches: tuple[str, str]) -> bytes:
    """(HH:MM:SS, ZKTeco status) of officer 1 on MON: 0 check-in, 1 check-out, 9 no direction."""
    return "".join(f"{OFFICER_1}\t2025-11-17 {t}\t{status}\t1\t0\n" for t, status in punches).encode()


def hhmm(dt) -> str | None:
    return None if dt is None else dt.astimezone(at(MON, "00:00").tzinfo).strftime("%H:%M")


# (case, app punches, device punches, first in, last out, app punches marked, codes absent after close)
CASES = [
    (
        "app clock-out after a device clock-in counts (issue 18 #6)",
        [("08:10", "in"), ("17:30", "out")],
        [("08:02:00", "0")],
        "08:02",
        "17:30",
        {"08:10": True, "17:30": False},
        {"tidak_lengkap"},
    ),
    (
        "the device has both directions: both app punches overridden",
        [("08:10", "in"), ("17:30", "out")],
        [("08:02:00", "0"), ("17:31:00", "1")],
        "08:02",
        "17:31",
        {"08:10": True, "17:30": True},
        {"tidak_lengkap"},
    ),
    (
        "one device punch without a direction is the arrival",
        [("17:30", "out")],
        [("08:02:00", "9")],
        "08:02",
        "17:30",
        {"17:30": False},
        {"tidak_lengkap"},
    ),
    (
        "device 09:00:30 is on time (issue 18 #1)",
        [],
        [("09:00:30", "0"), ("18:00:05", "1")],
        "09:00",
        "18:00",
        {},
        {"lewat", "pulang_awal"},
    ),
    (
        "device 08:00:30 / 17:00:10 is not early (issue 18 #1)",
        [],
        [("08:00:30", "0"), ("17:00:10", "1")],
        "08:00",
        "17:00",
        {},
        {"lewat", "pulang_awal"},
    ),
]


@pytest.mark.parametrize(
    ("case", "app", "device", "first_in", "last_out", "marked", "absent"), CASES, ids=[c[0] for c in CASES]
)
def test_device_priority_per_direction(
    agency_schema, office, case, app, device, first_in, last_out, marked, absent
):
    officer = agency_schema.officer_1
    for time, direction in app:
        attendance.clock(officer, direction, position=INSIDE, now=at(MON, time))
    batch = services.import_file(file_name="ATTLOG.dat", data=attlog(*device), dry_run=False, by=None)
    assert batch.status == "imported", batch.errors if hasattr(batch, "errors") else batch
    attendance.close_day(MON)
    day = AttendanceDay.objects.get(officer=officer, date=MON)
    assert (hhmm(day.first_in), hhmm(day.last_out)) == (first_in, last_out), case
    assert not absent & set(day.codes), (case, day.codes)
    events = ClockEvent.objects.filter(officer=officer, attendance_date=MON).exclude(source="biometric")
    assert {hhmm(e.at): e.overridden_by_device for e in events} == marked, case
    assert batch.overridden == sum(marked.values()), case


def test_transactions_say_why_an_app_punch_was_not_counted(cast, office, client_for):
    with schema_context(cast.agency.schema_name):
        attendance.clock(cast.officer_1, "in", position=INSIDE, now=at(MON, "08:10"))
        attendance.clock(cast.officer_1, "out", position=INSIDE, now=at(MON, "17:30"))
        services.import_file(file_name="ATTLOG.dat", data=attlog(("08:02:00", "0")), dry_run=False, by=None)
    client = client_for(cast.agency)
    client.login_as(cast.LOGINS["officer_1"], PASSWORD)
    page = client.get("/attendance/transactions/").content.decode()
    assert page.count("tidak dikira: peranti telah merekodkan Daftar Masuk hari ini") == 1
    assert "Daftar Keluar hari ini" not in page
