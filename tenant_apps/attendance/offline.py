"""When a punch counts: the tap time of a clock-in kept on the phone while it was offline.

The phone sends two readings of its own clock: when the officer tapped (`tapped`) and when the punch
left the phone (`sent`, stamped at each attempt). The server knows when it arrived (`received`).
The phone's clock may be wrong (set by hand, a dead battery), but the time that passed between the
tap and the sending is measured on that same clock, so it does not depend on the clock being right:

    skew = sent - received              how far the phone's clock is off (plus the network's delay)
    at   = tapped                       when |skew| is within the tolerance
    at   = tapped - skew                otherwise: shifted by the measured skew, and flagged

A punch is accepted only while `received - at` is within the agency's window (72 hours by default).
Pure: fed the three times and the agency's settings, tested by tables (tests/attendance/test_offline.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# Beyond this the phone's clock counts as wrong: more than a slow network's delay, less than any
# lateness that matters.
SKEW_TOLERANCE = timedelta(minutes=2)
DEFAULT_WINDOW_HOURS = 72


@dataclass(frozen=True)
class Tap:
    at: datetime  # when the punch counts
    tapped: datetime | None  # the phone's clock at the tap (kept as ClockEvent.client_time)
    sent: datetime | None  # the phone's clock at sending
    skew_seconds: int | None  # set when the phone's clock was beyond the tolerance (then corrected)


def resolve(received: datetime, tapped: datetime | None, sent: datetime | None, *, window_hours: int) -> Tap:
    """The punch's time. Without `sent` (an older client) the tap time is only kept and the server's
    time counts, as before offline punches existed."""
    if tapped is None or sent is None:
        return Tap(received, tapped, sent, None)
    if sent < tapped - SKEW_TOLERANCE:
        raise ValidationError(
            _("The phone's clock went back between the tap and the sending; clock in again."),
            code="phone_clock_changed",
        )
    skew = sent - received
    wrong = abs(skew) > SKEW_TOLERANCE
    try:
        at = tapped - skew if wrong else tapped
    except OverflowError:  # readings centuries apart: not a phone's clock
        raise ValidationError(
            _("The phone's clock readings are not valid times."), code="invalid_time"
        ) from None
    at = min(at, received)  # never in the future
    window = timedelta(hours=window_hours)
    if received - at > window:
        raise ValidationError(
            _(
                "This clock-in was made offline more than %(hours)s hours ago, longer than your agency "
                "accepts. Ask your administrator to correct your attendance."
            )
            % {"hours": window_hours},
            code="offline_window",
        )
    return Tap(at, tapped, sent, round(skew.total_seconds()) if wrong else None)
