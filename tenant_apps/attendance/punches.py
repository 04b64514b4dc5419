"""Which of an officer-day's clock events count, as the rules' punches (pure: the clock-in, the
single-day and the bulk recompute share it)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from . import rules
from .models import ClockAdjustment, LocationStatus, Source

DEVICE_SOURCES = frozenset({Source.BIOMETRIC})
# A punch whose phone gave no position (rules.Punch.located is False).
NO_LOCATION = frozenset({LocationStatus.DENIED, LocationStatus.UNAVAILABLE})


def device_directions(directions: list[str]) -> frozenset[str]:
    """The directions a day's device punches cover (Integrasi Peranti: device data takes priority,
    direction by direction). A device "in" covers the clock-in, an "out" the clock-out; punches
    without a direction cover the clock-in (the first is the arrival) and, when the device has two
    punches or more, the clock-out (the last is the departure) — as `rules.evaluate` reads them.
    `devices.ingest` marks app punches with the same rule in SQL."""
    covered = set()
    if "in" in directions or "punch" in directions:
        covered.add("in")
    if "out" in directions or (len(directions) >= 2 and "punch" in directions):
        covered.add("out")
    return frozenset(covered)


def device_coverage(events, adjustments) -> frozenset[str]:
    """The directions the day's device punches (not voided) cover."""
    voided = {a.event_id for a in adjustments if a.kind == ClockAdjustment.Kind.VOID}
    return device_directions(
        [e.direction for e in events if e.source in DEVICE_SOURCES and e.pk not in voided]
    )


def day_punches(events, adjustments, tz: ZoneInfo) -> list[rules.Punch]:
    """The punches that count for one officer-day, from its events and adjustments (pure: the
    single-day and the bulk recompute share it). Device data takes priority over SPOT-Me's own
    (Integrasi Peranti) direction by direction (`device_directions`): an app clock-in does not count
    once the device has the day's arrival, an app clock-out not once it has the departure, but an
    app clock-out after a device clock-in does — a day is never left without its clock-out because
    the device missed it. Such app punches are marked `overridden_by_device` for the record (by the
    clock-in, or by the device import); the rule, not the mark, decides. Voided events never count;
    added punches always do."""
    events = list(events)
    adjustments = list(adjustments)
    voided = {a.event_id for a in adjustments if a.kind == ClockAdjustment.Kind.VOID}
    covered = device_coverage(events, adjustments)
    punches = [
        rules.Punch(
            e.at.astimezone(tz),
            e.direction,
            e.inside,
            located=getattr(e, "location_status", None) not in NO_LOCATION,
        )
        for e in events
        if e.pk not in voided and (e.source in DEVICE_SOURCES or e.direction not in covered)
    ]
    punches += [
        rules.Punch(a.at.astimezone(tz), a.direction, True)
        for a in adjustments
        if a.kind == ClockAdjustment.Kind.ADD
    ]
    return punches
