"""The Malaysian federal working-time rules, as pure functions (no database).

Sources (SPEC.md "Domain rules"): MyPPSM Waktu Bekerja SR.4.1.1 (WBF, PP 5/2019), SR.4.1.2 (BDR,
PP 5/2020), SR.4.2.1 (pregnant officers, PP 11/2017). Everything an agency may change arrives here as
data (the pattern, the weekend, the calendar facts); this module only applies the rules, so the same
facts always give the same day, whatever order the punches arrived in.

Terms kept in Malay where the rule has no English equivalent: the status codes are the words users
see in SPOT-Me (hadir, lewat, pulang awal, tidak lengkap, tidak hadir, luar kawasan, ...).

Minutes, not seconds: every time is judged at the minute the officer sees (HH:MM, the seconds
dropped), for app and device punches alike: a clock-in at 09:00:59 is 09:00 and not late; an out at
17:29:59 against an expected 17:30 is early by one minute (SPEC.md "Minutes, not seconds").
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum


class Code(StrEnum):
    HADIR = "hadir"  # present
    LEWAT = "lewat"  # late in
    PULANG_AWAL = "pulang_awal"  # early out
    TIDAK_LENGKAP = "tidak_lengkap"  # incomplete: no clock-out
    TIDAK_HADIR = "tidak_hadir"  # absent
    LUAR_KAWASAN = "luar_kawasan"  # clocked outside the office area, unexcused
    BELUM_MASUK = "belum_masuk"  # working day in progress, not clocked in yet
    BDR = "bdr"  # work from home
    TUGAS_RASMI = "tugas_rasmi"  # official duty outside
    KURSUS = "kursus"  # course
    CUTI = "cuti"  # leave
    CUTI_UMUM = "cuti_umum"  # public holiday
    HARI_REHAT = "hari_rehat"  # weekend / rest day
    TIADA_LOKASI = "tiada_lokasi"  # a punch without a location (permission refused, no fix)


# Non-compliances an officer must explain (Pengurusan Isu Kehadiran).
NON_COMPLIANCE = (Code.LEWAT, Code.PULANG_AWAL, Code.TIDAK_LENGKAP, Code.TIDAK_HADIR, Code.LUAR_KAWASAN)
# What a day "is", in display order of importance.
PRIMARY_ORDER = (
    Code.CUTI_UMUM,
    Code.HARI_REHAT,
    Code.CUTI,
    Code.TUGAS_RASMI,
    Code.KURSUS,
    Code.TIDAK_HADIR,
    Code.TIDAK_LENGKAP,
    Code.LEWAT,
    Code.PULANG_AWAL,
    Code.LUAR_KAWASAN,
    Code.BDR,
    Code.HADIR,
    Code.BELUM_MASUK,
)

MON, TUE, WED, THU, FRI, SAT, SUN = range(7)

# --- weekends and rest periods by state ---------------------------------------------------------

FRIDAY_SATURDAY_STATES = {"02", "03", "11"}  # Kedah, Kelantan, Terengganu
JOHOR = "01"
JOHOR_FRI_SAT = (date(2014, 1, 1), date(2025, 1, 1))  # Fri–Sat from 2014 until 31 Dec 2024
SABAH_LABUAN = {"12", "15"}
SARAWAK = {"13"}


def weekend_for(state: str, day: date) -> frozenset[int]:
    """The default weekend of a state on a date (agencies may override it with effective dates)."""
    if state in FRIDAY_SATURDAY_STATES or (state == JOHOR and JOHOR_FRI_SAT[0] <= day < JOHOR_FRI_SAT[1]):
        return frozenset({FRI, SAT})
    return frozenset({SAT, SUN})


def rest_period(state: str, day: date, *, ramadan: bool = False) -> tuple[time, time]:
    """Mon–Thu 13:00–14:00; Friday by region. Ramadan cuts it by 30 minutes (from its end)."""
    if day.weekday() == FRI:
        if state in SABAH_LABUAN:
            start, end = time(11, 30), time(14, 0)
        elif state in SARAWAK:
            start, end = time(11, 45), time(14, 15)
        else:
            start, end = time(12, 15), time(14, 45)
    else:
        start, end = time(13, 0), time(14, 0)
    if ramadan:
        end = (datetime.combine(day, end) - timedelta(minutes=30)).time()
    return start, end


# --- working patterns ---------------------------------------------------------------------------


class PatternKind(StrEnum):
    FLEXI = "flexi"  # WBF: start any time in a window, fixed elapsed length
    FIXED = "fixed"  # fixed start and end (Waktu Bekerja Berperingkat, counter services)
    SHIFT = "shift"  # fixed start, may cross midnight


@dataclass(frozen=True)
class Pattern:
    code: str
    kind: PatternKind
    start: time  # flexi: earliest start that counts; fixed/shift: the start
    duration: timedelta  # elapsed length including the rest period
    latest_start: time | None = None  # flexi only: after this the officer is late
    short_day_duration: timedelta | None = None  # Thursday in Friday–Saturday states
    late_grace: timedelta = timedelta(0)

    @property
    def crosses_midnight(self) -> bool:
        return datetime.combine(date(2000, 1, 1), self.start) + self.duration > datetime(2000, 1, 2)


H = timedelta(hours=1)
WBF = Pattern(
    "WBF", PatternKind.FLEXI, time(7, 30), 9 * H, latest_start=time(9, 0), short_day_duration=7.5 * H
)
WP1 = Pattern("WP1", PatternKind.FIXED, time(7, 30), 9 * H, short_day_duration=7.5 * H)
WP2 = Pattern("WP2", PatternKind.FIXED, time(8, 0), 9 * H, short_day_duration=7.5 * H)
WP3 = Pattern("WP3", PatternKind.FIXED, time(8, 30), 9 * H, short_day_duration=7.5 * H)
WP4 = Pattern("WP4", PatternKind.FIXED, time(9, 0), 9 * H, short_day_duration=7.5 * H)
STANDARD_PATTERNS = {p.code: p for p in (WBF, WP1, WP2, WP3, WP4)}

# An event belongs to the attendance day whose start it follows by at most this much before.
EARLY_ARRIVAL = timedelta(hours=4)


def attendance_date(at: datetime, pattern: Pattern) -> date:
    """The day a punch belongs to. A clock-out after midnight belongs to the shift that started the
    day before: a punch earlier than (start − 4 h) of its calendar day counts for the previous day."""
    local_day = at.date()
    window_start = datetime.combine(local_day, pattern.start, tzinfo=at.tzinfo) - EARLY_ARRIVAL
    return local_day - timedelta(days=1) if at < window_start else local_day


# --- one day ------------------------------------------------------------------------------------


class NoLocation(StrEnum):
    """What a punch without a location (permission refused, no fix) means where location is checked:
    the agency's choice (AgencyProfile.no_location_mode)."""

    OUTSIDE = "outside"  # like a punch outside the office area: luar kawasan, the supervisor is told
    ALLOW = "allow"  # accepted; the day shows tiada lokasi only


class Half(StrEnum):
    FULL = "full"
    AM = "am"
    PM = "pm"


@dataclass(frozen=True)
class Punch:
    at: datetime  # aware, server time
    direction: str  # "in", "out", or "punch" (device punch without a direction)
    inside: bool | None = None  # in an office geofence; None: not known (no location, not checked)
    located: bool = True  # False: the punch came without a location (permission refused, no fix)


@dataclass(frozen=True)
class DayFacts:
    """Everything the calendar says about one officer's day."""

    day: date
    state: str
    pattern: Pattern
    weekend: frozenset[int]
    holiday: str | None = None
    leave: Half | None = None
    bdr: Half | None = None
    duty: Code | None = None  # TUGAS_RASMI or KURSUS for the whole day
    pregnancy_early_leave: bool = False
    ramadan: bool = False
    official_duty_start: datetime | None = None  # official duty outside began at this time
    excused_windows: tuple[tuple[datetime, datetime], ...] = ()  # movements excusing outside punches
    duty_half: Half | None = None  # half-day official duty or course (frees the location that half)
    check_location: bool = True  # the agency checks where officers clock (geofence mode not "off")
    no_location: NoLocation = NoLocation.OUTSIDE  # what a punch without a location counts as

    @property
    def is_rest_day(self) -> bool:
        return self.day.weekday() in self.weekend

    @property
    def owes_attendance(self) -> bool:
        """A working day for this officer: not a holiday, rest day, full-day leave or whole-day duty."""
        return not (self.holiday or self.is_rest_day or self.leave == Half.FULL or self.duty is not None)

    @property
    def is_short_day(self) -> bool:
        """Thursday, when the weekend is Friday–Saturday: 7.5 h instead of 9 h."""
        return self.day.weekday() == THU and self.weekend == frozenset({FRI, SAT})


@dataclass(frozen=True)
class DayResult:
    day: date
    working_day: bool
    codes: tuple[Code, ...]
    first_in: datetime | None = None
    last_out: datetime | None = None
    expected_out: datetime | None = None
    late_minutes: int = 0
    early_minutes: int = 0
    worked_minutes: int = 0
    notes: tuple[str, ...] = field(default=())

    @property
    def primary(self) -> Code:
        return next((c for c in PRIMARY_ORDER if c in self.codes), Code.HADIR)

    @property
    def non_compliances(self) -> tuple[Code, ...]:
        return tuple(c for c in NON_COMPLIANCE if c in self.codes)

    @property
    def arrived_after_end(self) -> bool:
        """The clock-in came at or after the time the officer could leave: the day's working time
        cannot be completed (a late officer's card must not offer a time before the arrival)."""
        return arrived_after_end(self.first_in, self.expected_out)


def arrived_after_end(first_in: datetime | None, expected_out: datetime | None) -> bool:
    """True when the clock-in (at the minute shown) is at or after the expected clock-out."""
    return first_in is not None and expected_out is not None and to_minute(first_in) >= expected_out


def _at(day: date, t: time, tz) -> datetime:
    return datetime.combine(day, t, tzinfo=tz)


def _minutes(delta: timedelta) -> int:
    return max(0, int(delta.total_seconds() // 60))


def to_minute(at: datetime) -> datetime:
    """The time as the officer sees it (HH:MM): the seconds are dropped, never rounded up."""
    return at.replace(second=0, microsecond=0)


def expected_out(facts: DayFacts, first_in: datetime) -> tuple[datetime, bool]:
    """(time the officer may leave, late?) for a day that started with `first_in`.

    Judged at the minute the officer sees: `first_in` (and the official duty's start) count without
    their seconds, so 09:00:30 against a latest start of 09:00 is on time and 08:00:30 may leave at
    17:00; the result is always a whole minute. The time can be earlier than `first_in` itself: a
    late officer may leave at the end of the window (18:00), so one who arrives after it cannot
    complete the day (`arrived_after_end`); cards say so instead of offering that time.

    Official duty outside that began before the clock-in starts the day instead, and is never late:
    before 07:30 → counts as 07:30 (leave 16:30); 07:30–09:00 → when the day is complete; after
    09:00 → the end of the window (18:00)."""
    p, tz = facts.pattern, first_in.tzinfo
    first_in = to_minute(first_in)
    length = p.short_day_duration if (facts.is_short_day and p.short_day_duration) else p.duration
    start = _at(facts.day, p.start, tz)
    duty_start = to_minute(facts.official_duty_start) if facts.official_duty_start else None
    on_duty = duty_start is not None and duty_start <= first_in
    began = duty_start if on_duty else first_in
    if p.kind == PatternKind.FLEXI:
        latest = _at(facts.day, p.latest_start, tz)
        late = began > latest + p.late_grace
        # A late officer may leave at the end of the window (18:00); no make-up hours are owed.
        out = latest + length if late else max(began, start) + length
    else:
        late = began > start + p.late_grace
        out = start + length
    if facts.ramadan:
        out -= timedelta(minutes=30)
    if facts.pregnancy_early_leave:
        out -= H
    return out, late and not on_duty


def evaluate(facts: DayFacts, punches: Iterable[Punch], *, closed: bool) -> DayResult:
    """The day's record from its facts and punches. `closed`: the day is over (nightly close), so a
    missing clock-out is final and no punch at all means absent.

    Every punch is judged at the minute the officer sees (`to_minute`), whatever its source (app or
    device): in 09:00:30 with a latest start of 09:00 is not late; in 08:00:30 / out 17:00:10 is not
    early; out 17:29:59 against 17:30 is early by one minute. `first_in` and `last_out` keep their
    seconds (they are the punches as recorded); late, early and worked minutes are whole minutes
    between the shown times. The location of each punch is judged by `location_codes`, the one
    rule the notification to the supervisor also uses."""
    punches = sorted(punches, key=lambda p: (p.at, p.direction, str(p.inside), p.located))  # a total order
    ins = [p for p in punches if p.direction in ("in", "punch")]
    first_in = ins[0].at if ins else None
    outs = [p for p in punches if p.direction == "out" or (p.direction == "punch" and p is not ins[0])]
    outs = [p for p in outs if first_in is None or p.at > first_in]
    last_out = outs[-1].at if outs else None
    codes: list[Code] = []
    located_codes = {c for p in punches for c in location_codes(facts, p)}
    if Code.TIADA_LOKASI in located_codes:
        codes.append(Code.TIADA_LOKASI)

    excused_day = None
    if facts.holiday:
        excused_day = Code.CUTI_UMUM
    elif facts.is_rest_day:
        excused_day = Code.HARI_REHAT
    elif facts.leave == Half.FULL:
        excused_day = Code.CUTI
    elif facts.duty is not None:
        excused_day = facts.duty
    if excused_day is not None:
        # Nothing is owed on such a day; punches are kept and shown, and time worked is counted
        # exactly as on a working day (`worked_minutes`).
        codes.insert(0, excused_day)
        if first_in:
            codes.append(Code.HADIR)
        worked = worked_minutes(facts, first_in, last_out) if first_in and last_out else 0
        return DayResult(facts.day, False, tuple(codes), first_in, last_out, None, 0, 0, worked)

    if facts.bdr is not None:
        codes.append(Code.BDR)
    if first_in is None:
        if last_out is not None:  # a clock-out without a clock-in
            codes.append(Code.TIDAK_LENGKAP)
        else:
            codes.append(Code.TIDAK_HADIR if closed else Code.BELUM_MASUK)
        return DayResult(facts.day, True, tuple(codes), None, last_out)

    shown_in = to_minute(first_in)
    out_at, late = expected_out(facts, first_in)
    late_minutes = early_minutes = 0
    codes.insert(0, Code.HADIR)
    if late and facts.leave != Half.AM:
        codes.append(Code.LEWAT)
        latest = facts.pattern.latest_start or facts.pattern.start
        late_minutes = _minutes(shown_in - _at(facts.day, latest, first_in.tzinfo))
    if facts.leave == Half.PM:
        # Leave in the afternoon: the officer may leave when the rest period starts.
        out_at = min(out_at, _at(facts.day, rest_period(facts.state, facts.day)[0], first_in.tzinfo))
    if last_out is None:
        if closed:
            codes.append(Code.TIDAK_LENGKAP)
    elif to_minute(last_out) < out_at:
        codes.append(Code.PULANG_AWAL)
        early_minutes = _minutes(out_at - to_minute(last_out))
    if Code.LUAR_KAWASAN in located_codes:
        codes.append(Code.LUAR_KAWASAN)
    worked = worked_minutes(facts, first_in, last_out) if last_out is not None else 0
    return DayResult(
        facts.day,
        True,
        tuple(dict.fromkeys(codes)),
        first_in,
        last_out,
        out_at,
        late_minutes,
        early_minutes,
        worked,
    )


def worked_minutes(facts: DayFacts, first_in: datetime, last_out: datetime) -> int:
    """Minutes worked between a clock-in and a clock-out: ONE definition for working days, public
    holidays, rest days and days of leave or duty alike. The working day is 9 hours elapsed
    *including* the rest period (SR.4.1.1), so the rest period is not working time: it is deducted
    wherever the punches span it, as is the time before the earliest start that counts (a clock-in
    before 07:30 counts as 07:30). Times are taken at the minute shown (HH:MM). Shifts have no fixed
    rest period to deduct."""
    start = max(to_minute(first_in), _at(facts.day, facts.pattern.start, first_in.tzinfo))
    end = to_minute(last_out)
    return max(0, _minutes(end - start) - _rest_overlap(facts, start, end))


def location_excused(facts: DayFacts, at: datetime) -> bool:
    """Whether the officer is free of the office area at `at`: ONE rule for every excuse, used by
    the day's record, the supervisor's notification and so the dashboards. A day that owes no
    attendance (public holiday, rest day, full-day leave, whole-day official duty or course);
    BDR or a half-day duty or course covering that half (the morning until the rest period ends,
    the afternoon from its start); official duty outside already begun; an active movement
    (Pergerakan) whose window covers the time."""
    if not facts.owes_attendance:
        return True
    if _half_covers(facts, facts.bdr, at) or _half_covers(facts, facts.duty_half, at):
        return True
    if facts.official_duty_start is not None and facts.official_duty_start <= at:
        return True
    return any(start <= at <= end for start, end in facts.excused_windows)


def _half_covers(facts: DayFacts, half: Half | None, at: datetime) -> bool:
    if half is None:
        return False
    if half == Half.FULL:
        return True
    rest_start, rest_end = rest_period(facts.state, facts.day, ramadan=facts.ramadan)
    if half == Half.AM:
        return at <= _at(facts.day, rest_end, at.tzinfo)
    return at >= _at(facts.day, rest_start, at.tzinfo)


def location_codes(facts: DayFacts, punch: Punch) -> tuple[Code, ...]:
    """What a punch's position makes of the day, where the agency checks location:
    - outside the office area, not excused → luar kawasan (an issue; the supervisor is told);
    - without a location → tiada lokasi (shown), and also luar kawasan when the agency treats a
      missing location like outside (`NoLocation.OUTSIDE`, the default) and nothing excuses it;
    - inside, or location not checked ("off") → nothing."""
    if not facts.check_location:
        return ()
    if not punch.located:
        if facts.no_location == NoLocation.OUTSIDE and not location_excused(facts, punch.at):
            return (Code.TIADA_LOKASI, Code.LUAR_KAWASAN)
        return (Code.TIADA_LOKASI,)
    if punch.inside is False and not location_excused(facts, punch.at):
        return (Code.LUAR_KAWASAN,)
    return ()


def _rest_overlap(facts: DayFacts, start: datetime, end: datetime) -> int:
    if facts.pattern.kind == PatternKind.SHIFT:
        return 0
    rest_start, rest_end = rest_period(facts.state, facts.day, ramadan=facts.ramadan)
    a = max(start, _at(facts.day, rest_start, start.tzinfo))
    b = min(end, _at(facts.day, rest_end, start.tzinfo))
    return _minutes(b - a)


# --- colour card (kad kehadiran berwarna) -------------------------------------------------------


class Colour(StrEnum):
    KUNING = "kuning"  # yellow: everyone starts here
    HIJAU = "hijau"  # green
    MERAH = "merah"  # red


@dataclass(frozen=True)
class ColourThresholds:
    """The default transition table of SPEC.md; agencies may change the numbers."""

    yellow_to_green: int = 3  # Kuning with ≥3 → Hijau
    green_to_red: int = 3  # Hijau with ≥3 → Merah
    green_stays: int = 2  # Hijau with 2 → stays Hijau (0–1 → back to Kuning)
    red_stays: int = 1  # Merah with ≥1 → stays Merah, 0 → back to Hijau


def next_colour(current: Colour, count: int, t: ColourThresholds = ColourThresholds()) -> Colour:
    """The card for the new month from last month's rejected or unexplained non-compliances."""
    if current == Colour.KUNING:
        return Colour.HIJAU if count >= t.yellow_to_green else Colour.KUNING
    if current == Colour.HIJAU:
        if count >= t.green_to_red:
            return Colour.MERAH
        return Colour.HIJAU if count >= t.green_stays else Colour.KUNING
    return Colour.MERAH if count >= t.red_stays else Colour.HIJAU
