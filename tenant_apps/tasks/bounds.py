"""How much time one day's task log can hold, and when it says more than the attendance record.

The bound (refused beyond it): a day has 24 hours; a day with a clock-in holds at most the time from
the clock-in (at the minute shown) to the end of that day — midnight, or the clock-out when a shift
ends after midnight. An officer who clocked in at 22:04 can log at most 1 h 56 min for that day.
Time before the clock-in cannot be logged: if the officer worked earlier, the attendance record is
corrected first (an administrator's correction), and the bound follows it.

The warning (accepted, said): the day's log holds more than the minutes worked of its attendance
record (`AttendanceDay.worked_minutes`, once the day has its clock-out)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from tenant_apps.attendance import rules
from tenant_apps.attendance.models import AttendanceDay
from tenant_apps.organisation.models import AgencyProfile

from .models import MINUTES_PER_DAY


@dataclass(frozen=True)
class Bound:
    limit: int  # minutes the day's log may hold in total
    first_in: datetime | None = None  # the clock-in that limits it (None: the whole day)


def bound(day: date, first_in: datetime | None, last_out: datetime | None, tz) -> Bound:
    """The most a day's log can hold (pure)."""
    if first_in is None:
        return Bound(MINUTES_PER_DAY)
    start = rules.to_minute(first_in.astimezone(tz))
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    if last_out is not None and last_out > end:  # a shift that ends after midnight
        end = last_out.astimezone(tz)
    minutes = int((end - start).total_seconds() // 60)
    return Bound(max(0, min(MINUTES_PER_DAY, minutes)), start)


def duration(minutes: int) -> str:
    """`1 h 56 min`, in the user's language."""
    return _("%(hours)d h %(minutes)d min") % {"hours": minutes // 60, "minutes": minutes % 60}


def _record(officer, day: date) -> AttendanceDay | None:
    return (
        AttendanceDay.objects.filter(officer=officer, date=day)
        .only("first_in", "last_out", "worked_minutes", "working_day")
        .first()
    )


def _tz() -> ZoneInfo:
    profile = AgencyProfile.current()
    return ZoneInfo(profile.timezone) if profile is not None else ZoneInfo("Asia/Kuala_Lumpur")


def refusal(officer, day: date, used: int, minutes: int) -> str | None:
    """The message refusing `minutes` more on a day that already holds `used`, or None."""
    record = _record(officer, day)
    b = bound(day, record.first_in if record else None, record.last_out if record else None, _tz())
    if used + minutes <= b.limit:
        return None
    if b.first_in is None:
        return _("A day has 24 hours: %(used)s minutes are already logged for %(date)s.") % {
            "used": used,
            "date": f"{day:%d/%m/%Y}",
        }
    return _(
        "You clocked in at %(time)s on %(date)s: at most %(limit)s can be logged for that day"
        " (%(used)s already logged). If you worked before clocking in, ask for your attendance"
        " to be corrected first."
    ) % {
        "time": f"{b.first_in:%H:%M}",
        "date": f"{day:%d/%m/%Y}",
        "limit": duration(b.limit),
        "used": duration(used),
    }


def warning(officer, day: date, total: int) -> str | None:
    """Said after a save when the day's log holds more than the minutes worked that day."""
    record = _record(officer, day)
    if record is None or record.last_out is None or total <= record.worked_minutes:
        return None
    return _(
        "The log of %(date)s holds %(logged)s, more than your recorded working time that day (%(worked)s)."
    ) % {
        "date": f"{day:%d/%m/%Y}",
        "logged": duration(total),
        "worked": duration(record.worked_minutes),
    }
