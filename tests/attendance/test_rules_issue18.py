"""Issue 18 "Rules and records", the pure rules: one table per item, each case of the issue a row."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tenant_apps.attendance.rules import (
    WBF,
    WP2,
    Code,
    DayFacts,
    Half,
    NoLocation,
    Punch,
    evaluate,
    expected_out,
    location_codes,
    location_excused,
    to_minute,
    weekend_for,
)

KL = ZoneInfo("Asia/Kuala_Lumpur")
SELANGOR = "10"
MON = date(2025, 11, 17)
SUN = date(2025, 11, 23)
HOLIDAY = date(2025, 12, 25)  # a Thursday


def t(hhmmss: str, day: date = MON) -> datetime:
    parts = [int(x) for x in hhmmss.split(":")]
    return datetime.combine(day, time(*parts), tzinfo=KL)


def facts(day=MON, pattern=WBF, **kw) -> DayFacts:
    return DayFacts(day=day, state=SELANGOR, pattern=pattern, weekend=weekend_for(SELANGOR, day), **kw)


# --- 1. judged at the minute the officer sees -----------------------------------------------------

# (case, pattern, in, out, codes present, codes absent, late minutes, early minutes)
MINUTE_CASES = [
    ("in 09:00:30, latest start 09:00: on time", WBF, "09:00:30", "18:00:00", {Code.HADIR}, {Code.LEWAT},
     0, 0),
    ("in 09:00:59 is 09:00: on time (SPEC)", WBF, "09:00:59", "18:00:00", set(), {Code.LEWAT}, 0, 0),
    ("in 09:01:00 is late by one minute", WBF, "09:01:00", "18:00:00", {Code.LEWAT}, set(), 1, 0),
    ("in 08:00:30 / out 17:00:10: not early", WBF, "08:00:30", "17:00:10", set(), {Code.PULANG_AWAL}, 0, 0),
    ("in 08:30:00 / out 17:29:59: early by one minute (SPEC)", WBF, "08:30:00", "17:29:59",
     {Code.PULANG_AWAL}, set(), 0, 1),
    ("fixed WP2, in 08:00:45: on time", WP2, "08:00:45", "17:00:00", set(), {Code.LEWAT}, 0, 0),
    ("fixed WP2, in 08:01:00: late by one minute", WP2, "08:01:00", "17:00:00", {Code.LEWAT}, set(), 1, 0),
    ("device punches alike (no direction)", WBF, "09:00:30", "18:00:05", set(),
     {Code.LEWAT, Code.PULANG_AWAL}, 0, 0),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "pattern", "clock_in", "clock_out", "present", "absent", "late", "early"),
    MINUTE_CASES,
    ids=[c[0] for c in MINUTE_CASES],
)
def test_judged_at_the_minute_shown(case, pattern, clock_in, clock_out, present, absent, late, early):
    direction = ("punch", "punch") if "device" in case else ("in", "out")
    result = evaluate(
        facts(pattern=pattern),
        [Punch(t(clock_in), direction[0], True), Punch(t(clock_out), direction[1], True)],
        closed=True,
    )
    assert present <= set(result.codes), (case, result.codes)
    assert not absent & set(result.codes), (case, result.codes)
    assert (result.late_minutes, result.early_minutes) == (late, early), case
    # The punches keep their seconds; the expected clock-out is a whole minute.
    assert result.first_in == t(clock_in) and result.expected_out.second == 0


def test_expected_out_counts_the_minute_shown():
    assert expected_out(facts(), t("08:00:30")) == (t("17:00:00"), False)
    assert expected_out(facts(), t("09:00:59")) == (t("18:00:00"), False)


minute = st.integers(min_value=6 * 60, max_value=21 * 60)
seconds = st.integers(min_value=0, max_value=59)


@settings(max_examples=200, deadline=None)
@given(minute, minute, seconds, seconds, st.sampled_from(["in", "punch"]))
def test_seconds_never_change_the_day(m_in, m_out, s_in, s_out, direction):
    """A day with seconds on its punches is judged as the day of the minutes shown. (Which punch
    is the clock-in and which the clock-out follows the recorded times, so two punches in one
    shown minute are left out.)"""
    assume(m_in != m_out)
    base = datetime.combine(MON, time(0), tzinfo=KL)
    with_seconds = [
        Punch(base + timedelta(minutes=m_in, seconds=s_in), direction, True),
        Punch(base + timedelta(minutes=m_out, seconds=s_out), "out" if direction == "in" else "punch", True),
    ]
    shown = [Punch(to_minute(p.at), p.direction, True) for p in with_seconds]
    a, b = evaluate(facts(), with_seconds, closed=True), evaluate(facts(), shown, closed=True)
    assert (a.codes, a.expected_out, a.late_minutes, a.early_minutes, a.worked_minutes) == (
        b.codes, b.expected_out, b.late_minutes, b.early_minutes, b.worked_minutes
    )  # fmt: skip


# --- 2. one rule for every excuse that frees the location -----------------------------------------

WINDOW = ((t("07:30"), t("12:00")),)

# (case, facts, punch time, location excused?)
EXCUSE_CASES = [
    ("no excuse", facts(), "08:00", False),
    ("BDR full day (issue 18 #2)", facts(bdr=Half.FULL), "08:00", True),
    ("BDR morning, clock-in at home", facts(bdr=Half.AM), "08:00", True),
    ("BDR morning, clock-out at 17:00", facts(bdr=Half.AM), "17:00", False),
    ("BDR afternoon, clock-out at home", facts(bdr=Half.PM), "17:00", True),
    ("BDR afternoon, clock-in at 08:00", facts(bdr=Half.PM), "08:00", False),
    ("whole-day official duty", facts(duty=Code.TUGAS_RASMI), "08:00", True),
    ("whole-day course", facts(duty=Code.KURSUS), "08:00", True),
    ("half-day course in the morning", facts(duty_half=Half.AM), "08:00", True),
    ("official duty outside already begun", facts(official_duty_start=t("07:00")), "08:00", True),
    ("official duty outside not begun yet", facts(official_duty_start=t("10:00")), "08:00", False),
    ("a movement covering the punch", facts(excused_windows=WINDOW), "08:00", True),
    ("a movement not covering the punch", facts(excused_windows=WINDOW), "17:00", False),
    ("full-day leave", facts(leave=Half.FULL), "08:00", True),
    ("public holiday", facts(day=HOLIDAY, holiday="Krismas"), "08:00", True),
    ("rest day", facts(day=SUN), "08:00", True),
]


@pytest.mark.parametrize(("case", "f", "at", "excused"), EXCUSE_CASES, ids=[c[0] for c in EXCUSE_CASES])
def test_one_rule_frees_the_location(case, f, at, excused):
    punch = Punch(t(at, f.day), "in" if at < "12:00" else "out", False)
    assert location_excused(f, punch.at) is excused, case
    # The day's record and the notification (services._location_codes) use the same rule.
    flagged = Code.LUAR_KAWASAN in location_codes(f, punch)
    assert flagged is not excused, case
    other = (
        Punch(t("12:30", f.day), "in", True)
        if punch.direction == "out"
        else Punch(t("17:30", f.day), "out", True)
    )
    day = evaluate(f, [punch, other], closed=True)
    assert (Code.LUAR_KAWASAN in day.codes) is flagged, (case, day.codes)


# --- 3 and 4. location "off", and a punch without a location ---------------------------------------

# (case, facts, inside, located, codes of the punch)
LOCATION_CASES = [
    ("inside", facts(), True, True, ()),
    ("outside", facts(), False, True, (Code.LUAR_KAWASAN,)),
    ("check off: a located punch is not 'tiada lokasi' (issue 18 #3)", facts(check_location=False), None,
     True, ()),
    ("check off: nothing is judged, even without a location", facts(check_location=False), None, False, ()),
    ("no location, default: like outside (issue 18 #4)", facts(), None, False,
     (Code.TIADA_LOKASI, Code.LUAR_KAWASAN)),
    ("no location, agency allows it", facts(no_location=NoLocation.ALLOW), None, False, (Code.TIADA_LOKASI,)),
    ("no location, excused by BDR", facts(bdr=Half.FULL), None, False, (Code.TIADA_LOKASI,)),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "f", "inside", "located", "codes"), LOCATION_CASES, ids=[c[0] for c in LOCATION_CASES]
)
def test_location_of_a_punch(case, f, inside, located, codes):
    punch = Punch(t("08:00"), "in", inside, located=located)
    assert location_codes(f, punch) == codes, case
    day = evaluate(f, [punch, Punch(t("17:00"), "out", True)], closed=True)
    for code in (Code.TIADA_LOKASI, Code.LUAR_KAWASAN):
        assert (code in day.codes) is (code in codes), (case, day.codes)


# --- 5. worked minutes: one definition ------------------------------------------------------------

# (case, facts, in, out, worked minutes)
WORKED_CASES = [
    ("working day 08:00–15:30, rest deducted", facts(), "08:00", "15:30", 390),
    ("public holiday, same punches: same minutes (issue 18 #5)", facts(day=HOLIDAY, holiday="Krismas"),
     "08:00", "15:30", 390),
    ("rest day, same punches: same minutes", facts(day=SUN), "08:00", "15:30", 390),
    ("full-day leave, same punches: same minutes", facts(leave=Half.FULL), "08:00", "15:30", 390),
    ("whole-day duty, same punches: same minutes", facts(duty=Code.TUGAS_RASMI), "08:00", "15:30", 390),
    ("before 07:30 counts from 07:30, on a working day", facts(), "07:00", "12:00", 270),
    ("before 07:30 counts from 07:30, on a holiday too", facts(day=HOLIDAY, holiday="Krismas"), "07:00",
     "12:00", 270),
    ("seconds are dropped", facts(), "08:00:59", "12:00:59", 240),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "f", "clock_in", "clock_out", "worked"), WORKED_CASES, ids=[c[0] for c in WORKED_CASES]
)
def test_worked_minutes_one_definition(case, f, clock_in, clock_out, worked):
    result = evaluate(
        f, [Punch(t(clock_in, f.day), "in", True), Punch(t(clock_out, f.day), "out", True)], closed=True
    )
    assert result.worked_minutes == worked, case


# --- 7. the late officer's card -------------------------------------------------------------------

# (case, in, expected out, arrived after the end of the working day?)
LATE_CASES = [
    ("in 22:04: may not be offered 18:00 (issue 18 #7)", "22:04", "18:00", True),
    ("in 18:00:40 is 18:00: the day cannot be completed", "18:00:40", "18:00", True),
    ("in 17:59: late, may leave at 18:00", "17:59", "18:00", False),
    ("in 09:05: late, may leave at 18:00", "09:05", "18:00", False),
    ("in 08:07: may leave at 17:07", "08:07", "17:07", False),
]


@pytest.mark.parametrize(
    ("case", "clock_in", "out_at", "after_end"), LATE_CASES, ids=[c[0] for c in LATE_CASES]
)
def test_arrival_after_the_end_of_the_day(case, clock_in, out_at, after_end):
    result = evaluate(facts(), [Punch(t(clock_in), "in", True)], closed=False)
    assert result.expected_out == t(out_at)
    assert result.arrived_after_end is after_end, case
