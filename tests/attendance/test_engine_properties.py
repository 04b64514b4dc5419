"""Property tests on the real database: whatever order clock events arrive in, and however often
a client retries them, the officer's day ends up the same, with no duplicate events."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django_tenants.utils import schema_context
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tenant_apps.attendance import services
from tenant_apps.attendance.models import AttendanceDay, AttendanceIssue, ClockEvent
from tests.fixtures.attendance import INSIDE, OUTSIDE

KL = ZoneInfo("Asia/Kuala_Lumpur")
DAY = date(2025, 11, 18)

# A punch: minutes after 06:00, direction, inside or not, and its idempotency key.
punches = st.lists(
    st.tuples(st.integers(0, 14 * 60), st.sampled_from(["in", "out"]), st.booleans()),
    min_size=1,
    max_size=6,
    unique_by=lambda p: p[0],
).map(lambda ps: [(m, d, inside, f"key-{n}") for n, (m, d, inside) in enumerate(ps)])


def replay(officer, deliveries) -> tuple:
    for minute, direction, inside, key in deliveries:
        at = datetime.combine(DAY, time(6, 0), tzinfo=KL) + timedelta(minutes=minute)
        # The server's clock for a retried request is later; the key makes it the same event.
        services.clock(
            officer, direction, position=INSIDE if inside else OUTSIDE, now=at, idempotency_key=key
        )
    services.recompute_day(officer, DAY, closed=True)
    record = AttendanceDay.objects.get(officer=officer, date=DAY)
    issues = sorted(
        AttendanceIssue.objects.filter(officer=officer, date=DAY)
        .exclude(status="withdrawn")
        .values_list("code", flat=True)
    )
    return (
        record.first_in,
        record.last_out,
        record.expected_out,
        tuple(record.codes),
        record.worked_minutes,
        tuple(issues),
        ClockEvent.objects.filter(officer=officer).count(),
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(punches, st.randoms(), st.integers(0, 3))
def test_arrival_order_and_retries_do_not_change_the_day(cast, office, deliveries, rnd, retries):
    officer = cast.officer_1
    with schema_context(cast.agency.schema_name):
        with transaction.atomic():
            in_order = replay(officer, sorted(deliveries))
            transaction.set_rollback(True)
        shuffled = list(deliveries) + [rnd.choice(deliveries) for _ in range(retries)]
        rnd.shuffle(shuffled)
        with transaction.atomic():
            out_of_order = replay(officer, shuffled)
            transaction.set_rollback(True)
    assert out_of_order == in_order
    assert in_order[-1] == len(deliveries), "a retry never makes a second event"
