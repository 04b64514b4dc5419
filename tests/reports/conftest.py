"""A hand-computed month for the report tests: October 2025 of the cast's three officers.

The daily records are written DIRECTLY (AttendanceDay rows, as the engine would leave them after the
month is closed): these tests check the report maths and exports, not the engine (tests/attendance
covers how events become days). October 2025: 31 days, weekends 4-5, 11-12, 18-19, 25-26 (8 days),
20 October (Deepavali) a public holiday, so 22 working days.

officer_1 (supervised by supervisor_1): late on 1, 2, 3 October (10, 20, 30 minutes), absent on 6,
    full-day leave on 7, present the other working days.
    owed 21 (22 - leave), attended 20, absent 1, late 3, late minutes 60, rate 20/21 = 95.2 %, red card.
    Issues: late 1 Oct accepted (answered 1 Oct 18:00, decided 2 Oct 10:00: 16 h), late 2 Oct rejected
    (answered 2 Oct 12:00, decided 3 Oct 12:00: 24 h), late 3 Oct open, absent 6 Oct answered.
    Average decision time 20.0 h.
    Task log: 1 Oct 60 + 90 min, 2 Oct 30 min (3 entries, 2 days, 3.0 h); board: one task created
    5 Oct and completed 20 Oct, one open task due 15 Oct created in September (overdue).
officer_2 (supervised by supervisor_2): present every working day: owed 22, attended 22, 100.0 %, green.
officer_3 (supervised by officer_1): late on 8 and 9 October (15, 5 minutes), early out on 10 (30
    minutes), incomplete on 13 (no clock-out): owed 22, attended 22, late 2, late minutes 20, early
    out 1, incomplete 1, 100.0 %, no colour card.
Agency: owed 65, attended 64, rate 98.5 %, late 5, late minutes 80.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django_tenants.utils import schema_context

from tenant_apps.attendance.models import AttendanceDay, AttendanceIssue, ColourCard
from tenant_apps.tasks.models import Status, Task, TaskLogEntry

MONTH = date(2025, 10, 1)
TZ = ZoneInfo("Asia/Kuala_Lumpur")
HOLIDAY = date(2025, 10, 20)


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TZ)


def day_row(officer, day: date, kind: str = "hadir", minutes: int = 0) -> AttendanceDay:
    if day.weekday() >= 5:
        return AttendanceDay(
            officer=officer,
            date=day,
            working_day=False,
            primary="hari_rehat",
            codes=["hari_rehat"],
            closed=True,
        )
    if day == HOLIDAY:
        return AttendanceDay(
            officer=officer,
            date=day,
            working_day=False,
            primary="cuti_umum",
            codes=["cuti_umum"],
            closed=True,
        )
    if kind == "cuti":
        return AttendanceDay(
            officer=officer, date=day, working_day=False, primary="cuti", codes=["cuti"], closed=True
        )
    if kind == "tidak_hadir":
        return AttendanceDay(
            officer=officer,
            date=day,
            primary="tidak_hadir",
            codes=["tidak_hadir"],
            closed=True,
            expected_out=at(day, 17),
        )
    first_in = at(day, 8, minutes if kind == "lewat" else 0)
    last_out = (
        None
        if kind == "tidak_lengkap"
        else at(day, 17) - timedelta(minutes=minutes if kind == "pulang_awal" else 0)
    )
    return AttendanceDay(
        officer=officer,
        date=day,
        pattern_code="WP2",
        first_in=first_in,
        last_out=last_out,
        expected_out=at(day, 17),
        worked_minutes=int((last_out - first_in).total_seconds() // 60) if last_out else 0,
        late_minutes=minutes if kind == "lewat" else 0,
        early_minutes=minutes if kind == "pulang_awal" else 0,
        codes=[kind],
        primary=kind,
        closed=True,
    )


def month_rows(officer, special: dict[int, tuple[str, int]]) -> list[AttendanceDay]:
    return [day_row(officer, MONTH + timedelta(days=d), *special.get(d + 1, ("hadir", 0))) for d in range(31)]


@dataclass
class Month:
    cast: object
    month: date = MONTH


@pytest.fixture
def october(cast):
    with schema_context(cast.agency.schema_name):
        o1, o2, o3 = cast.officer_1, cast.officer_2, cast.officer_3
        AttendanceDay.objects.bulk_create(
            month_rows(
                o1,
                {1: ("lewat", 10), 2: ("lewat", 20), 3: ("lewat", 30), 6: ("tidak_hadir", 0), 7: ("cuti", 0)},
            )
            + month_rows(o2, {})
            + month_rows(
                o3, {8: ("lewat", 15), 9: ("lewat", 5), 10: ("pulang_awal", 30), 13: ("tidak_lengkap", 0)}
            )
        )
        ColourCard.objects.create(officer=o1, month=MONTH, colour="merah", non_compliances=2)
        ColourCard.objects.create(officer=o2, month=MONTH, colour="hijau", non_compliances=0)
        sup = cast.supervisor_1
        AttendanceIssue.objects.bulk_create(
            [
                AttendanceIssue(
                    officer=o1,
                    date=date(2025, 10, 1),
                    code="lewat",
                    status="accepted",
                    reason="Jem",
                    answered_at=at(date(2025, 10, 1), 18),
                    decided_at=at(date(2025, 10, 2), 10),
                    decided_by=sup,
                ),
                AttendanceIssue(
                    officer=o1,
                    date=date(2025, 10, 2),
                    code="lewat",
                    status="rejected",
                    reason="Lewat",
                    answered_at=at(date(2025, 10, 2), 12),
                    decided_at=at(date(2025, 10, 3), 12),
                    decided_by=sup,
                ),
                AttendanceIssue(officer=o1, date=date(2025, 10, 3), code="lewat", status="open"),
                AttendanceIssue(
                    officer=o1,
                    date=date(2025, 10, 6),
                    code="tidak_hadir",
                    status="answered",
                    reason="Sakit",
                    answered_at=at(date(2025, 10, 6), 20),
                ),
            ]
        )
        TaskLogEntry.objects.bulk_create(
            [
                TaskLogEntry(officer=o1, date=date(2025, 10, 1), description="Mesyuarat", minutes=60),
                TaskLogEntry(officer=o1, date=date(2025, 10, 1), description="Laporan", minutes=90),
                TaskLogEntry(officer=o1, date=date(2025, 10, 2), description="Semakan", minutes=30),
            ]
        )
        done = Task.objects.create(title="Sediakan kertas", created_by=sup, status=Status.DONE)
        late = Task.objects.create(title="Kemas kini data", created_by=sup, due_date=date(2025, 10, 15))
        done.assignees.add(o1)
        late.assignees.add(o1)
        Task.objects.filter(pk=done.pk).update(
            created_at=at(date(2025, 10, 5), 9), completed_at=at(date(2025, 10, 20), 16)
        )
        Task.objects.filter(pk=late.pk).update(created_at=at(date(2025, 9, 1), 9))
    return Month(cast)


def agency_pdf(client, capture, month: str = "2025-10"):
    """The agency's PDF as a person gets it: "Prepare the PDF" (a background job, run in this process
    after the commit, as without REDIS_URL), then the job's download. Returns the download response."""
    with capture(execute=True):
        response = client.post("/reports/agency/prepare/", {"month": month, "export": "pdf"})
    assert response.status_code == 302 and response["Location"].startswith("/reports/jobs/"), response
    job_page = response["Location"]
    page = client.get(job_page).content.decode()
    assert 'id="job-download"' in page, page[-1500:]
    return client.get(job_page + "download/")
