"""`attendance.batch.recompute_many` (the bulk path of device imports) gives exactly the records and
issues that `services.recompute_day` gives day by day, over a varied month: late, early out, leave,
half-day leave, an agency holiday, a weekend, a movement excusing an outside punch, BDR, a fixed
pattern, closed and open days, issues already answered, device days."""

from __future__ import annotations

from datetime import date, time, timedelta

from django.db import transaction
from django.utils import timezone

from tenant_apps.attendance import services
from tenant_apps.attendance.batch import recompute_many
from tenant_apps.attendance.models import (
    Arrangement,
    AttendanceDay,
    AttendanceIssue,
    ClockEvent,
    HolidayOverride,
    IssueStatus,
    Leave,
    OfficerPattern,
    WorkingPattern,
)
from tenant_apps.movements.models import Movement
from tests.fixtures.attendance import INSIDE, OUTSIDE, at

MON = date(2025, 11, 17)
DAYS = [MON + timedelta(days=n) for n in range(7)]  # Mon … Sun


def device(officer, when, direction):
    ClockEvent.objects.create(
        officer=officer,
        at=when,
        direction=direction,
        attendance_date=when.date(),
        source="biometric",
        inside=True,
    )


def snapshot():
    days = sorted(
        (
            d["officer_id"],
            d["date"],
            tuple(sorted((k, v) for k, v in d.items() if k not in {"id", "updated_at"})),
        )
        for d in AttendanceDay.objects.values()
    )
    issues = sorted(AttendanceIssue.objects.values_list("officer_id", "date", "code", "status", "reason"))
    return days, issues


def test_recompute_many_equals_recompute_day(cast, office):
    from django_tenants.utils import schema_context

    with schema_context(cast.agency.schema_name):
        o1, o2, o3, sup = cast.officer_1, cast.officer_2, cast.officer_3, cast.supervisor_1
        clock = services.clock
        # Monday: o1 late, o2 early out, o3 outside (excused by a movement), sup outside unexcused.
        clock(o1, "in", position=INSIDE, now=at(MON, "09:25"))
        clock(o1, "out", position=INSIDE, now=at(MON, "18:10"))
        clock(o2, "in", position=INSIDE, now=at(MON, "08:00"))
        clock(o2, "out", position=INSIDE, now=at(MON, "15:00"))
        Movement.objects.create(
            officer=o3,
            date=MON,
            kind="meeting",
            start_time=time(8, 0),
            end_time=time(12, 0),
            place="JPA",
            purpose="Mesyuarat",
        )
        clock(o3, "in", position=OUTSIDE, now=at(MON, "08:30"))
        clock(sup, "in", position=OUTSIDE, now=at(MON, "08:45"))
        # Tuesday: o1 on leave; o2 half-day leave (pm) leaves at 13:00; o3 clocks in only (open day).
        Leave.objects.create(officer=o1, start_date=DAYS[1], end_date=DAYS[1])
        Leave.objects.create(officer=o2, start_date=DAYS[1], end_date=DAYS[1], half="pm")
        clock(o2, "in", position=INSIDE, now=at(DAYS[1], "08:00"))
        clock(o2, "out", position=INSIDE, now=at(DAYS[1], "13:05"))
        clock(o3, "in", position=INSIDE, now=at(DAYS[1], "08:10"))
        # Wednesday: an agency holiday; o1 works anyway.
        HolidayOverride.objects.create(date=DAYS[2], name="Hari Agensi")
        clock(o1, "in", position=INSIDE, now=at(DAYS[2], "09:00"))
        # Thursday: o2 BDR; o3 on WP2 (08:00 fixed) for the month, arrives 08:20; device day for o1
        # with an app punch that the device overrides.
        Arrangement.objects.create(officer=o2, kind="bdr", start_date=DAYS[3], end_date=DAYS[3])
        OfficerPattern.objects.create(
            officer=o3, month=MON.replace(day=1), pattern=WorkingPattern.objects.get(code="WP2")
        )
        clock(o2, "in", position=OUTSIDE, now=at(DAYS[3], "08:30"))
        clock(o3, "in", position=INSIDE, now=at(DAYS[3], "08:20"))
        clock(o3, "out", position=INSIDE, now=at(DAYS[3], "17:00"))
        clock(o1, "in", position=INSIDE, now=at(DAYS[3], "09:40"))
        device(o1, at(DAYS[3], "08:05"), "in")
        device(o1, at(DAYS[3], "17:30"), "out")
        # Friday: nobody clocks in; Saturday: o1 works on the weekend.
        clock(o1, "in", position=INSIDE, now=at(DAYS[5], "10:00"))
        # Close Monday to Friday; an answered issue; then new device data after the close.
        for day in DAYS[:5]:
            services.close_day(day)
        issue = AttendanceIssue.objects.get(officer=o1, date=MON, code="lewat")
        services.answer_issue(issue, reason="Kesesakan jalan raya")
        device(o1, at(MON, "08:15"), "in")  # the device says o1 was on time on Monday
        device(o2, at(DAYS[4], "08:00"), "in")  # and that o2 came on Friday (no clock-out)
        device(o3, at(DAYS[1], "17:20"), "punch")

        officers = [o1, o2, o3, sup, cast.executive]
        keys = [(o.pk, d) for o in officers for d in DAYS]

        with transaction.atomic():
            for officer in officers:
                for day in DAYS:
                    services.recompute_day(officer, day)
            one_by_one = snapshot()
            transaction.set_rollback(True)

        assert recompute_many(keys, chunk=7) == len(keys)  # several chunks
        assert snapshot() == one_by_one
        # And the fixture is as varied as it claims.
        days, issues = one_by_one
        codes = {c for _, _, fields in days for k, v in fields if k == "codes" for c in v}
        assert {
            "lewat",
            "pulang_awal",
            "cuti",
            "cuti_umum",
            "hari_rehat",
            "bdr",
            "luar_kawasan",
            "tidak_hadir",
            "tidak_lengkap",
        } <= codes
        statuses = {status for *_, status, _ in issues}
        assert {IssueStatus.OPEN, IssueStatus.WITHDRAWN} <= statuses
        assert timezone.now()


def test_recompute_many_creates_missing_days_closed_before_a_date(cast):
    from django_tenants.utils import schema_context

    with schema_context(cast.agency.schema_name):
        keys = [(cast.officer_1.pk, MON), (cast.officer_1.pk, DAYS[1])]
        recompute_many(keys, close_before=DAYS[1])
        assert AttendanceDay.objects.get(officer=cast.officer_1, date=MON).primary == "tidak_hadir"
        assert AttendanceDay.objects.get(officer=cast.officer_1, date=DAYS[1]).primary == "belum_masuk"
        assert AttendanceIssue.objects.filter(officer=cast.officer_1, date=MON, code="tidak_hadir").exists()
