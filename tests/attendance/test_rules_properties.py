"""Property tests: a day's record depends only on the set of punches and the calendar facts."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from tenant_apps.attendance.rules import WBF, DayFacts, Half, Punch, evaluate, weekend_for

KL = ZoneInfo("Asia/Kuala_Lumpur")
DAY = date(2025, 11, 18)

punch = st.builds(
    Punch,
    at=st.integers(min_value=5 * 60, max_value=23 * 60).map(
        lambda m: datetime.combine(DAY, time(0, 0), tzinfo=KL) + timedelta(minutes=m)
    ),
    direction=st.sampled_from(["in", "out", "punch"]),
    inside=st.sampled_from([True, False, None]),
    located=st.booleans(),
)
facts = st.builds(
    DayFacts,
    day=st.just(DAY),
    state=st.sampled_from(["10", "03", "12", "13"]),
    pattern=st.just(WBF),
    weekend=st.just(weekend_for("10", DAY)),
    leave=st.sampled_from([None, Half.AM, Half.PM]),
    bdr=st.sampled_from([None, Half.FULL]),
    pregnancy_early_leave=st.booleans(),
    ramadan=st.booleans(),
)


@settings(max_examples=300, deadline=None)
@given(facts, st.lists(punch, max_size=8), st.randoms(), st.booleans())
def test_order_and_replays_do_not_matter(f, punches, rnd, closed):
    expected = evaluate(f, punches, closed=closed)
    shuffled = list(punches)
    rnd.shuffle(shuffled)
    assert evaluate(f, shuffled, closed=closed) == expected
    replayed = shuffled + punches[: len(punches) // 2]  # the same events delivered again
    deduped = list(dict.fromkeys(replayed))
    assert evaluate(f, deduped, closed=closed) == expected
