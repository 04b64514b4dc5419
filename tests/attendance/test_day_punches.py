"""Which punches count for a day: device data takes priority over the app's (Integrasi Peranti)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from tenant_apps.attendance.models import ClockAdjustment, ClockEvent, Source
from tenant_apps.attendance.services import day_punches

MYT = ZoneInfo("Asia/Kuala_Lumpur")


def event(pk, hour, minute, direction, source, **kw):
    return ClockEvent(
        pk=pk,
        at=datetime(2026, 3, 2, hour, minute, tzinfo=MYT),
        direction=direction,
        source=source,
        inside=True,
        **kw,
    )


def times(punches):
    return sorted((p.at.strftime("%H:%M"), p.direction) for p in punches)


def test_app_punches_count_when_there_is_no_device_data():
    events = [event(1, 8, 10, "in", Source.WEB), event(2, 17, 30, "out", Source.API)]
    assert times(day_punches(events, [], MYT)) == [("08:10", "in"), ("17:30", "out")]


def test_a_device_punch_makes_the_app_punches_of_the_day_not_count():
    events = [
        event(1, 8, 10, "in", Source.WEB),
        event(2, 8, 2, "in", Source.BIOMETRIC),
        event(3, 17, 30, "out", Source.WEB),
    ]
    assert times(day_punches(events, [], MYT)) == [("08:02", "in")]


def test_voided_and_marked_events_never_count_and_added_punches_always_do():
    events = [event(1, 8, 10, "in", Source.WEB), event(2, 9, 0, "in", Source.WEB, overridden_by_device=True)]
    adjustments = [
        ClockAdjustment(kind=ClockAdjustment.Kind.VOID, event_id=1),
        ClockAdjustment(
            kind=ClockAdjustment.Kind.ADD, direction="out", at=datetime(2026, 3, 2, 17, 0, tzinfo=MYT)
        ),
    ]
    assert times(day_punches(events, adjustments, MYT)) == [("17:00", "out")]
