"""Issue 18 #7: a day's task log holds no more time than that day could have had — 24 hours, and from
the day's clock-in to the end of that day — and says so when it holds more than the time worked."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from tenant_apps.attendance import services as attendance
from tenant_apps.tasks import bounds, services
from tenant_apps.tasks.models import TaskLogEntry
from tests.fixtures.attendance import INSIDE

KL = ZoneInfo("Asia/Kuala_Lumpur")


def at(day: date, hhmm: str) -> datetime:
    h, m = map(int, hhmm.split(":"))
    return datetime.combine(day, time(h, m), tzinfo=KL)


def log(officer, day, minutes):
    return services.save_log_entry(officer, TaskLogEntry(), date=day, description="Kerja", minutes=minutes)


# (case, clock-in, clock-out, minutes already logged, minutes to log, refused?, warned?)
CASES = [
    ("no clock-in: a whole day can be logged", None, None, 0, 1440, False, False),
    ("in 22:04: 22 h 30 min is refused (issue 18 #7)", "22:04", None, 0, 1350, True, False),
    ("in 22:04: 1 h 56 min is what remains of the day", "22:04", None, 0, 116, False, False),
    ("in 22:04: one minute more is refused", "22:04", None, 0, 117, True, False),
    ("in 22:04: the entries together count", "22:04", None, 60, 57, True, False),
    ("in 08:00 out 17:00: 8 h worked, 8 h logged, nothing said", "08:00", "17:00", 0, 480, False, False),
    ("in 08:00 out 17:00: 9 h logged is accepted and said", "08:00", "17:00", 0, 540, False, True),
]


@pytest.fixture
def yesterday():
    # A past day inside the edit window: the day's end is behind us whatever the time of the run.
    return timezone.localdate() - timedelta(days=1)


@pytest.mark.parametrize(
    ("case", "clock_in", "clock_out", "used", "minutes", "refused", "warned"),
    CASES,
    ids=[c[0] for c in CASES],
)
def test_the_day_bounds_the_log(
    in_agency, yesterday, case, clock_in, clock_out, used, minutes, refused, warned
):
    officer = in_agency.officer_1
    if clock_in:
        attendance.clock(officer, "in", position=INSIDE, now=at(yesterday, clock_in))
    if clock_out:
        attendance.clock(officer, "out", position=INSIDE, now=at(yesterday, clock_out))
    if used:
        log(officer, yesterday, used)
    if refused:
        with pytest.raises(ValidationError) as err:
            log(officer, yesterday, minutes)
        assert err.value.error_dict["minutes"][0].code == "day_total", case
        assert TaskLogEntry.objects.filter(officer=officer, date=yesterday).count() == (1 if used else 0)
    else:
        entry = log(officer, yesterday, minutes)
        assert bool(entry.warning) is warned, (case, entry.warning)


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("ms", ["22:04", "1 jam 56 minit", "dibetulkan"]),
        ("en", ["You clocked in at 22:04", "at most 1 h 56 min", "corrected first"]),
    ],
)
def test_the_refusal_says_why_in_the_users_language(in_agency, yesterday, language, words):
    officer = in_agency.officer_1
    attendance.clock(officer, "in", position=INSIDE, now=at(yesterday, "22:04"))
    with translation.override(language), pytest.raises(ValidationError) as err:
        log(officer, yesterday, 1350)
    message = err.value.error_dict["minutes"][0].message
    assert all(w in message for w in words), message


def test_the_bound_of_a_shift_ending_after_midnight():
    day = date(2025, 11, 17)
    assert bounds.bound(day, None, None, KL).limit == 1440
    assert bounds.bound(day, at(day, "22:04"), None, KL).limit == 116
    next_morning = at(day + timedelta(days=1), "05:00")
    assert bounds.bound(day, at(day, "20:00"), next_morning, KL).limit == 9 * 60


def test_the_page_says_when_the_log_holds_more_than_the_time_worked(cast, client_for):
    from django_tenants.utils import schema_context

    from tests.fixtures.agencies import PASSWORD

    yesterday = timezone.localdate() - timedelta(days=1)
    with schema_context(cast.agency.schema_name):
        attendance.clock(cast.officer_1, "in", position=INSIDE, now=at(yesterday, "08:00"))
        attendance.clock(cast.officer_1, "out", position=INSIDE, now=at(yesterday, "12:00"))
    client = client_for(cast.agency)
    client.login_as(cast.LOGINS["officer_1"], PASSWORD)
    response = client.post(
        "/tasks/log/",
        {"date": f"{yesterday:%Y-%m-%d}", "description": "Kerja", "hours": 5, "minutes": 0},
        follow=True,
    )
    assert response.status_code == 200
    assert "lebih daripada masa bekerja" in response.content.decode()
