"""Table-driven tests of the working-time rules: each row a real case from SPEC.md."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from tenant_apps.attendance.rules import (
    FRI,
    SAT,
    SUN,
    WBF,
    WP2,
    Code,
    DayFacts,
    Half,
    NoLocation,
    Pattern,
    PatternKind,
    Punch,
    attendance_date,
    evaluate,
    rest_period,
    weekend_for,
)

KL = ZoneInfo("Asia/Kuala_Lumpur")
SELANGOR, KELANTAN, KEDAH, JOHOR, SABAH, SARAWAK, LABUAN = "10", "03", "02", "01", "12", "13", "15"
MON = date(2025, 11, 17)  # a Monday
THU = date(2025, 11, 20)
FRIDAY = date(2025, 11, 21)
SUNDAY = date(2025, 11, 23)


def t(day: date, hhmm: str) -> datetime:
    h, m = map(int, hhmm.split(":"))
    return datetime.combine(day, time(h, m), tzinfo=KL)


def facts(day=MON, state=SELANGOR, pattern=WBF, **kw) -> DayFacts:
    return DayFacts(day=day, state=state, pattern=pattern, weekend=weekend_for(state, day), **kw)


def day_of(f: DayFacts, ins=(), outs=(), closed=True, inside=True):
    punches = [Punch(t(f.day, s), "in", inside) for s in ins] + [
        Punch(t(f.day, s), "out", inside) for s in outs
    ]
    return evaluate(f, punches, closed=closed)


# (case, facts, ins, outs, expected out "HH:MM" or None, codes that must be present, codes that must not)
CASES = [
    (
        "WBF in 08:07 may leave 17:07",
        facts(),
        ["08:07"],
        ["17:07"],
        "17:07",
        {Code.HADIR},
        {Code.LEWAT, Code.PULANG_AWAL},
    ),
    (
        "WBF in 07:10 counts as 07:30",
        facts(),
        ["07:10"],
        ["16:30"],
        "16:30",
        {Code.HADIR},
        {Code.PULANG_AWAL},
    ),
    (
        "WBF in 09:05 is late, leaves 18:00",
        facts(),
        ["09:05"],
        ["18:00"],
        "18:00",
        {Code.LEWAT},
        {Code.PULANG_AWAL},
    ),
    ("WBF in 09:00 exactly is on time", facts(), ["09:00"], ["18:00"], "18:00", {Code.HADIR}, {Code.LEWAT}),
    ("out 16:50 after in 08:00 is early", facts(), ["08:00"], ["16:50"], "17:00", {Code.PULANG_AWAL}, set()),
    (
        "late officer leaving 17:30 is early too",
        facts(),
        ["09:30"],
        ["17:30"],
        "18:00",
        {Code.LEWAT, Code.PULANG_AWAL},
        set(),
    ),
    (
        "Thursday in Kelantan: 7.5 h, in 08:00 → 15:30",
        facts(THU, KELANTAN),
        ["08:00"],
        ["15:30"],
        "15:30",
        {Code.HADIR},
        {Code.PULANG_AWAL},
    ),
    (
        "Thursday in Kelantan, late → 16:30",
        facts(THU, KELANTAN),
        ["09:10"],
        ["16:30"],
        "16:30",
        {Code.LEWAT},
        {Code.PULANG_AWAL},
    ),
    (
        "Thursday in Kelantan, in 07:00 → 15:00",
        facts(THU, KELANTAN),
        ["07:00"],
        ["15:00"],
        "15:00",
        {Code.HADIR},
        set(),
    ),
    (
        "Thursday in Selangor is a full day",
        facts(THU, SELANGOR),
        ["08:00"],
        ["15:30"],
        "17:00",
        {Code.PULANG_AWAL},
        set(),
    ),
    (
        "Friday in Kedah is a rest day",
        facts(FRIDAY, KEDAH),
        [],
        [],
        None,
        {Code.HARI_REHAT},
        {Code.TIDAK_HADIR},
    ),
    ("Sunday in Kedah is a working day", facts(SUNDAY, KEDAH), [], [], None, {Code.TIDAK_HADIR}, set()),
    ("Sunday in Selangor is a rest day", facts(SUNDAY, SELANGOR), [], [], None, {Code.HARI_REHAT}, set()),
    (
        "Johor Friday in 2024: rest day",
        facts(date(2024, 11, 22), JOHOR),
        [],
        [],
        None,
        {Code.HARI_REHAT},
        {Code.TIDAK_HADIR},
    ),
    (
        "Johor Friday in 2025: working day",
        facts(date(2025, 11, 21), JOHOR),
        [],
        [],
        None,
        {Code.TIDAK_HADIR},
        set(),
    ),
    (
        "Johor Sunday in 2024: working day",
        facts(date(2024, 11, 24), JOHOR),
        ["08:00"],
        ["17:00"],
        "17:00",
        {Code.HADIR},
        set(),
    ),
    (
        "pregnant officer leaves an hour early",
        facts(pregnancy_early_leave=True),
        ["08:00"],
        ["16:00"],
        "16:00",
        {Code.HADIR},
        {Code.PULANG_AWAL},
    ),
    (
        "pregnant and late: 17:00",
        facts(pregnancy_early_leave=True),
        ["09:15"],
        ["17:00"],
        "17:00",
        {Code.LEWAT},
        {Code.PULANG_AWAL},
    ),
    (
        "Ramadan: leave 30 minutes earlier",
        facts(ramadan=True),
        ["08:00"],
        ["16:30"],
        "16:30",
        {Code.HADIR},
        {Code.PULANG_AWAL},
    ),
    (
        "public holiday",
        facts(holiday="Hari Keputeraan Sultan Selangor"),
        [],
        [],
        None,
        {Code.CUTI_UMUM},
        {Code.TIDAK_HADIR},
    ),
    ("leave day", facts(leave=Half.FULL), [], [], None, {Code.CUTI}, {Code.TIDAK_HADIR}),
    (
        "morning leave: lateness not counted",
        facts(leave=Half.AM),
        ["14:00"],
        ["18:00"],
        "18:00",
        {Code.HADIR},
        {Code.LEWAT},
    ),
    (
        "afternoon leave: may leave at the rest period",
        facts(leave=Half.PM),
        ["08:00"],
        ["13:00"],
        "13:00",
        {Code.HADIR},
        {Code.PULANG_AWAL},
    ),
    ("course day", facts(duty=Code.KURSUS), [], [], None, {Code.KURSUS}, {Code.TIDAK_HADIR}),
    ("no clock-out: incomplete once closed", facts(), ["08:00"], [], "17:00", {Code.TIDAK_LENGKAP}, set()),
    (
        "no clock-out, day still open: not yet incomplete",
        facts(),
        ["08:00"],
        [],
        "17:00",
        {Code.HADIR},
        {Code.TIDAK_LENGKAP},
    ),
    ("no events: absent once closed", facts(), [], [], None, {Code.TIDAK_HADIR}, set()),
    ("no events, day open: not yet in", facts(), [], [], None, {Code.BELUM_MASUK}, {Code.TIDAK_HADIR}),
    (
        "fixed WP2 08:00–17:00, in 08:01 is late",
        facts(pattern=WP2),
        ["08:01"],
        ["17:00"],
        "17:00",
        {Code.LEWAT},
        set(),
    ),
    (
        "fixed WP2 leaves 17:00 even if early in",
        facts(pattern=WP2),
        ["07:40"],
        ["17:00"],
        "17:00",
        {Code.HADIR},
        {Code.LEWAT, Code.PULANG_AWAL},
    ),
]


@pytest.mark.parametrize(
    ("case", "f", "ins", "outs", "out_at", "present", "absent"), CASES, ids=[c[0] for c in CASES]
)
def test_rules(case, f, ins, outs, out_at, present, absent):
    # Cases named "... open ..." are evaluated before the nightly close.
    result = day_of(f, ins, outs, closed=" open" not in case)
    if out_at is None:
        assert result.expected_out is None
    else:
        assert result.expected_out == t(f.day, out_at), case
    assert present <= set(result.codes), (case, result.codes)
    assert not (absent & set(result.codes)), (case, result.codes)


def test_friday_rest_by_region():
    assert rest_period(SELANGOR, FRIDAY) == (time(12, 15), time(14, 45))
    assert rest_period(SABAH, FRIDAY) == (time(11, 30), time(14, 0))
    assert rest_period(LABUAN, FRIDAY) == (time(11, 30), time(14, 0))
    assert rest_period(SARAWAK, FRIDAY) == (time(11, 45), time(14, 15))
    assert rest_period(SELANGOR, MON) == (time(13, 0), time(14, 0))
    assert rest_period(SELANGOR, MON, ramadan=True) == (time(13, 0), time(13, 30))
    # The Friday day is still 9 h elapsed; the longer rest means fewer minutes worked.
    friday = day_of(facts(FRIDAY, SELANGOR), ["08:00"], ["17:00"])
    monday = day_of(facts(MON, SELANGOR), ["08:00"], ["17:00"])
    assert friday.expected_out == t(FRIDAY, "17:00") and Code.PULANG_AWAL not in friday.codes
    assert (monday.worked_minutes, friday.worked_minutes) == (480, 390)


def test_weekends_by_state():
    assert weekend_for(KELANTAN, MON) == {FRI, SAT}
    assert weekend_for("11", MON) == {FRI, SAT}  # Terengganu
    assert weekend_for(SELANGOR, MON) == {SAT, SUN}
    assert weekend_for(JOHOR, date(2014, 1, 1)) == {FRI, SAT}
    assert weekend_for(JOHOR, date(2024, 12, 31)) == {FRI, SAT}
    assert weekend_for(JOHOR, date(2025, 1, 1)) == {SAT, SUN}
    assert weekend_for(JOHOR, date(2013, 12, 31)) == {SAT, SUN}


def test_outside_office_is_flagged_unless_excused():
    outside = day_of(facts(), ["08:00"], ["17:00"], inside=False)
    assert Code.LUAR_KAWASAN in outside.codes
    bdr = day_of(facts(bdr=Half.FULL), ["08:00"], ["17:00"], inside=False)
    assert Code.BDR in bdr.codes and Code.LUAR_KAWASAN not in bdr.codes
    window = ((t(MON, "07:30"), t(MON, "12:00")),)
    moved = evaluate(
        facts(excused_windows=window),
        [Punch(t(MON, "08:00"), "in", False), Punch(t(MON, "17:00"), "out", True)],
        closed=True,
    )
    assert Code.LUAR_KAWASAN not in moved.codes
    not_covered = evaluate(
        facts(excused_windows=window),
        [Punch(t(MON, "08:00"), "in", True), Punch(t(MON, "17:00"), "out", False)],
        closed=True,
    )
    assert Code.LUAR_KAWASAN in not_covered.codes


def test_missing_location_is_shown_and_counts_as_the_agency_chose():
    punches = [Punch(t(MON, "08:00"), "in", None, located=False), Punch(t(MON, "17:00"), "out", True)]
    allowed = evaluate(facts(no_location=NoLocation.ALLOW), punches, closed=True)
    assert Code.TIADA_LOKASI in allowed.codes and Code.LUAR_KAWASAN not in allowed.codes
    outside = evaluate(facts(), punches, closed=True)  # the default: like outside
    assert {Code.TIADA_LOKASI, Code.LUAR_KAWASAN} <= set(outside.codes)


def test_bdr_day_counts_as_present_and_late_still_counts():
    result = day_of(facts(bdr=Half.FULL), ["09:20"], ["18:00"])
    assert {Code.BDR, Code.HADIR, Code.LEWAT} <= set(result.codes)


def test_official_duty_outside():
    early = day_of(facts(official_duty_start=t(MON, "07:00")), ["10:00"], ["16:30"])
    assert early.expected_out == t(MON, "16:30") and Code.LEWAT not in early.codes
    mid = day_of(facts(official_duty_start=t(MON, "08:15")), ["11:00"], ["17:15"])
    assert mid.expected_out == t(MON, "17:15") and Code.LEWAT not in mid.codes
    late = day_of(facts(official_duty_start=t(MON, "10:00")), ["12:00"], ["18:00"])
    assert late.expected_out == t(MON, "18:00") and Code.LEWAT not in late.codes


NIGHT = Pattern("MALAM", PatternKind.SHIFT, time(20, 0), timedelta(hours=9))


def test_overnight_shift_clock_out_belongs_to_the_previous_day():
    clock_in = t(MON, "19:55")
    clock_out = datetime.combine(MON + timedelta(days=1), time(2, 0), tzinfo=KL)
    assert attendance_date(clock_in, NIGHT) == MON
    assert attendance_date(clock_out, NIGHT) == MON
    result = evaluate(
        facts(pattern=NIGHT), [Punch(clock_in, "in", True), Punch(clock_out, "out", True)], closed=True
    )
    assert result.expected_out == datetime.combine(MON + timedelta(days=1), time(5, 0), tzinfo=KL)
    assert Code.PULANG_AWAL in result.codes and result.worked_minutes == 6 * 60
    assert NIGHT.crosses_midnight and not WBF.crosses_midnight


def test_forgotten_clock_out_never_breaks_the_next_day():
    tuesday = MON + timedelta(days=1)
    next_in = t(tuesday, "08:00")
    assert attendance_date(next_in, WBF) == tuesday
    assert attendance_date(datetime.combine(tuesday, time(1, 30), tzinfo=KL), WBF) == MON
    monday = day_of(facts(), ["08:00"], [])
    assert Code.TIDAK_LENGKAP in monday.codes


def test_device_punches_without_direction():
    result = evaluate(
        facts(),
        [
            Punch(t(MON, "08:02"), "punch", True),
            Punch(t(MON, "12:00"), "punch", True),
            Punch(t(MON, "17:05"), "punch", True),
        ],
        closed=True,
    )
    assert result.first_in == t(MON, "08:02") and result.last_out == t(MON, "17:05")
    assert Code.HADIR in result.codes and Code.PULANG_AWAL not in result.codes
