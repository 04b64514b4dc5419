"""An administrator's correction of an officer-day's punches (Transaksi Kehadiran): a clock
adjustment with a reason — a punch added, or an event voided (events themselves are append-only) —
and the day recomputed, in one transaction."""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import ClockAdjustment, ClockEvent


def adjust(
    officer,
    day: date,
    *,
    by,
    reason: str,
    add_at: datetime | None = None,
    direction: str = "",
    void_event: ClockEvent | None = None,
) -> ClockAdjustment:
    """An administrator's correction with a reason; the day is recomputed."""
    if len((reason or "").strip()) < 5:
        raise ValidationError({"reason": _("A correction needs a reason (at least 5 characters).")})
    with transaction.atomic():
        if void_event is not None:
            adj = ClockAdjustment.objects.create(
                officer=officer,
                attendance_date=day,
                kind="void",
                event=void_event,
                reason=reason,
                created_by=by,
            )
        else:
            if add_at is None or direction not in ("in", "out"):
                raise ValidationError(_("A correction adds a clock-in or clock-out at a time."))
            adj = ClockAdjustment.objects.create(
                officer=officer,
                attendance_date=day,
                kind="add",
                at=add_at,
                direction=direction,
                reason=reason,
                created_by=by,
            )
        from .services import recompute_day

        recompute_day(officer, day)
    return adj
