"""Which punches count for a day: device data takes priority over the app's (Integrasi Peranti),
direction by direction — an app punch counts where the device has none for its direction."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tenant_apps.attendance.models import ClockAdjustment, ClockEvent, LocationStatus, Source
from tenant_apps.attendance.services import day_punches, device_directions

MYT = ZoneInfo("Asia/Kuala_Lumpur")
APP, DEVICE = Source.WEB, Source.BIOMETRIC


def event(pk, hhmm, direction, source, **kw):
    hour, minute = map(int, hhmm.split(":"))
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


def void(pk):
    return ClockAdjustment(kind=ClockAdjustment.Kind.VOID, event_id=pk)


def add(hhmm, direction):
    hour, minute = map(int, hhmm.split(":"))
    return ClockAdjustment(
        kind=ClockAdjustment.Kind.ADD, direction=direction, at=datetime(2026, 3, 2, hour, minute, tzinfo=MYT)
    )


# (case, events as (time, direction, source[, extra]), adjustments, the punches that count)
CASES = [
    (
        "no device data: the app's punches count",
        [("08:10", "in", APP), ("17:30", "out", Source.API)],
        [],
        [("08:10", "in"), ("17:30", "out")],
    ),
    (
        "issue 18 #6: an app clock-out after a device clock-in counts (the day keeps its clock-out)",
        [("08:10", "in", APP), ("08:02", "in", DEVICE), ("17:30", "out", APP)],
        [],
        [("08:02", "in"), ("17:30", "out")],
    ),
    (
        "the device has both directions: no app punch counts",
        [("08:10", "in", APP), ("08:02", "in", DEVICE), ("17:31", "out", DEVICE), ("17:30", "out", APP)],
        [],
        [("08:02", "in"), ("17:31", "out")],
    ),
    (
        "the device has only the clock-out: the app's clock-in counts",
        [("08:10", "in", APP), ("17:31", "out", DEVICE), ("17:30", "out", APP)],
        [],
        [("08:10", "in"), ("17:31", "out")],
    ),
    (
        "one device punch without a direction is the arrival: the app's clock-out counts",
        [("08:02", "punch", DEVICE), ("17:30", "out", APP)],
        [],
        [("08:02", "punch"), ("17:30", "out")],
    ),
    (
        "two device punches without a direction are the arrival and the departure",
        [("08:02", "punch", DEVICE), ("17:05", "punch", DEVICE), ("17:30", "out", APP)],
        [],
        [("08:02", "punch"), ("17:05", "punch")],
    ),
    (
        "a voided device punch covers nothing: the app's punch counts again",
        [("08:10", "in", APP), ("08:02", "in", DEVICE)],
        [void(2)],
        [("08:10", "in")],
    ),
    (
        "the rule decides, not the mark: a marked app clock-out the device lacks counts",
        [("08:02", "in", DEVICE), ("17:30", "out", APP, {"overridden_by_device": True})],
        [],
        [("08:02", "in"), ("17:30", "out")],
    ),
    (
        "voided events never count and added punches always do",
        [("08:10", "in", APP), ("09:00", "in", DEVICE)],
        [void(1), void(2), add("17:00", "out")],
        [("17:00", "out")],
    ),
]


@pytest.mark.parametrize(("case", "rows", "adjustments", "counted"), CASES, ids=[c[0] for c in CASES])
def test_which_punches_count(case, rows, adjustments, counted):
    events = [event(n, *row[:3], **(row[3] if len(row) > 3 else {})) for n, row in enumerate(rows, start=1)]
    assert times(day_punches(events, adjustments, MYT)) == counted, case


@pytest.mark.parametrize(
    ("directions", "covered"),
    [
        ([], set()),
        (["in"], {"in"}),
        (["out"], {"out"}),
        (["in", "out"], {"in", "out"}),
        (["punch"], {"in"}),
        (["punch", "punch"], {"in", "out"}),
        (["in", "punch"], {"in", "out"}),
    ],
)
def test_device_directions(directions, covered):
    assert device_directions(directions) == covered


def test_a_punch_without_a_location_is_not_located():
    events = [
        event(1, "08:10", "in", APP, location_status=LocationStatus.DENIED),
        event(2, "17:30", "out", APP, location_status=LocationStatus.OK),
        event(3, "17:31", "out", DEVICE),  # devices: not_checked, in the office
    ]
    events[0].inside = None
    located = {p.at.strftime("%H:%M"): p.located for p in day_punches(events, [], MYT)}
    assert located == {"08:10": False, "17:31": True}
