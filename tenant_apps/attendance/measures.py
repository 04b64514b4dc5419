"""The attendance figures, defined once: dashboards, statistics, reports and their APIs all count
with these expressions, so a figure means the same on every screen and in every export.

Definitions (on `AttendanceDay` rows, which are already one row per officer-day):
- owed day: a working day (`working_day`; holidays, rest days, full-day leave and whole-day duty or
  courses are not owed) that has been decided — i.e. not `belum_masuk` (a day still in progress
  before the officer clocked in is not counted either way);
- attended: an owed day with a clock-in before the time the officer could leave (a clock-in at or
  after it — e.g. 22:04 when a late officer may leave at 18:00 — cannot complete the day: it is not
  attended, and is counted apart as `after_end`);
- absent: an owed day whose primary status is `tidak_hadir`;
- late / early out / incomplete / outside: owed days carrying that code (a day can carry several);
- attendance rate = attended / owed (None when nothing is owed).
"""

from __future__ import annotations

from django.db.models import Count, F, Q, QuerySet, Sum

from .rules import Code

OWED = Q(working_day=True) & ~Q(primary=Code.BELUM_MASUK)
# rules.arrived_after_end in SQL (expected_out is a whole minute, so comparing the recorded
# clock-in with it is comparing the minute shown).
AFTER_END = OWED & Q(first_in__isnull=False, expected_out__isnull=False, first_in__gte=F("expected_out"))
ATTENDED = OWED & Q(first_in__isnull=False) & ~AFTER_END
ABSENT = OWED & Q(primary=Code.TIDAK_HADIR)


def has(code: Code) -> Q:
    return OWED & Q(codes__contains=[str(code)])


LATE = has(Code.LEWAT)
EARLY_OUT = has(Code.PULANG_AWAL)
INCOMPLETE = has(Code.TIDAK_LENGKAP)
OUTSIDE = has(Code.LUAR_KAWASAN)

# name -> aggregate expression; one SQL aggregate computes them all.
TOTALS = {
    "days": Count("id"),
    "owed": Count("id", filter=OWED),
    "attended": Count("id", filter=ATTENDED),
    "absent": Count("id", filter=ABSENT),
    "late": Count("id", filter=LATE),
    "early_out": Count("id", filter=EARLY_OUT),
    "incomplete": Count("id", filter=INCOMPLETE),
    "outside": Count("id", filter=OUTSIDE),
    "after_end": Count("id", filter=AFTER_END),
    "leave": Count("id", filter=Q(primary=Code.CUTI)),
    "late_minutes": Sum("late_minutes", default=0),
    "early_minutes": Sum("early_minutes", default=0),
    "worked_minutes": Sum("worked_minutes", default=0),
}


def rate(attended: int, owed: int) -> float | None:
    """Attendance rate in percent, one decimal; None when nothing was owed."""
    return round(100.0 * attended / owed, 1) if owed else None


def totals(days: QuerySet) -> dict:
    """All the figures of a set of AttendanceDay rows in one query, with the rate."""
    figures = days.aggregate(**TOTALS)
    figures["rate"] = rate(figures["attended"], figures["owed"])
    return figures


def totals_by(days: QuerySet, *fields: str) -> QuerySet:
    """The same figures grouped by `fields` (e.g. "officer_id", "date", "officer__org_unit_id"):
    one GROUP BY query, rows as dicts."""
    return days.values(*fields).annotate(**TOTALS).order_by(*fields)
