"""An officer's movements as an iCalendar feed (RFC 5545, through the `icalendar` library), so they
show in Outlook and Google Calendar. Times carry the agency's time zone (Asia/Kuala_Lumpur) with its
VTIMEZONE; a whole-day movement is an all-day event. The UID is stable per movement, so a calendar
updates an event in place when the movement changes."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from .models import Movement


def summary(m: Movement) -> str:
    return f"{m.get_kind_display()}: {m.place}"


def calendar_for(officer, movements, *, tz: ZoneInfo, domain: str) -> bytes:
    language = getattr(officer.user, "preferred_language", "") or None
    with override(language):
        cal = icalendar.Calendar()
        cal.add("prodid", "-//SPOT-Me//Pergerakan//MS")
        cal.add("version", "2.0")
        cal.add("calscale", "GREGORIAN")
        cal.add("method", "PUBLISH")
        cal.add("x-wr-calname", _("SPOT-Me movements: %(name)s") % {"name": officer.user.get_full_name()})
        cal.add("x-wr-timezone", str(tz))
        for m in movements:
            cal.add_component(_event(m, tz=tz, domain=domain))
        cal.add_missing_timezones()
    return cal.to_ical()


def _event(m: Movement, *, tz: ZoneInfo, domain: str) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"movement-{m.pk}@{domain}")
    event.add("dtstamp", timezone.now())
    event.add("last-modified", m.updated_at)
    event.add("created", m.created_at)
    if m.whole_day:
        event.add("dtstart", m.date)
        event.add("dtend", m.date + timedelta(days=1))
    else:
        event.add("dtstart", datetime.combine(m.date, m.start_time, tzinfo=tz))
        event.add("dtend", datetime.combine(m.date, m.end_time, tzinfo=tz))
    event.add("summary", summary(m))
    event.add("description", m.purpose)
    event.add("location", m.place)
    if m.latitude is not None and m.longitude is not None:
        event.add("geo", (float(m.latitude), float(m.longitude)))
    pending = m.kind == Movement.Kind.TIME_OUT and m.approval == Movement.Approval.PENDING
    event.add("status", "TENTATIVE" if pending else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event
