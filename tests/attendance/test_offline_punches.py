"""Punches kept on the phone while offline (offline.py) and the clock-out without a clock-in, through
the API and the page: the tap time counts, a wrong phone clock is corrected and flagged, the agency's
window is enforced, a closed day is recomputed and its issue withdrawn."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django_tenants.utils import schema_context

from tenant_apps.attendance import offline, services
from tenant_apps.attendance.models import AttendanceDay, AttendanceIssue, ClockEvent
from tenant_apps.organisation.models import AgencyProfile
from tests.fixtures.attendance import OFFICE, at

MON = date(2025, 11, 17)
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
MIN = timedelta(minutes=1)


@pytest.mark.parametrize(
    ("tapped", "sent", "received", "at", "skew"),
    [
        # online: tapped and sent at once, the phone's clock right
        (T0, T0, T0, T0, None),
        # kept offline for 5 hours, the phone's clock right (within the tolerance)
        (T0, T0 + timedelta(hours=5), T0 + timedelta(hours=5, seconds=40), T0, None),
        # the phone's clock 2 hours fast: shifted back, flagged
        (T0 + timedelta(hours=2), T0 + timedelta(hours=2, minutes=3), T0 + 3 * MIN, T0, 7200),
        # 2 hours slow, kept offline 10 minutes
        (T0 - timedelta(hours=2), T0 - timedelta(hours=2) + 10 * MIN, T0 + 10 * MIN, T0, -7200),
        # a tap "in the future" within the tolerance is never later than its arrival
        (T0 + MIN, T0 + MIN, T0, T0, None),
        # no sending time (an older client): the server's time counts, the tap is only kept
        (T0 - timedelta(hours=1), None, T0, T0, None),
    ],
)
def test_tap_time_table(tapped, sent, received, at, skew):
    tap = offline.resolve(received, tapped, sent, window_hours=72)
    assert (tap.at, tap.skew_seconds) == (at, skew)


def test_tap_outside_the_window_or_with_a_clock_set_back_is_refused():
    with pytest.raises(ValidationError) as refused:
        offline.resolve(T0 + timedelta(hours=73), T0, T0 + timedelta(hours=73), window_hours=72)
    assert refused.value.code == "offline_window"
    assert offline.resolve(T0 + timedelta(hours=71), T0, T0 + timedelta(hours=71), window_hours=72).at == T0
    with pytest.raises(ValidationError) as changed:
        offline.resolve(T0, T0, T0 - timedelta(hours=1), window_hours=72)
    assert changed.value.code == "phone_clock_changed"
    with pytest.raises(ValidationError) as nonsense:
        offline.resolve(T0, datetime(1, 1, 2, tzinfo=UTC), datetime(9999, 1, 1, tzinfo=UTC), window_hours=72)
    assert nonsense.value.code == "invalid_time"


@pytest.fixture
def long_window(cast):
    """MON is long past: let the agency accept offline punches from then (the window's own test sets
    it back)."""
    with schema_context(cast.agency.schema_name):
        AgencyProfile.objects.update(offline_punch_window_hours=32000)


def post_clock(client, direction, tapped, sent=None, key=None, **extra):
    body = {
        "direction": direction,
        "latitude": OFFICE[0],
        "longitude": OFFICE[1],
        "accuracy": 12,
        "client_time": tapped.isoformat(),
        "sent_at": (sent or timezone.now()).isoformat(),
        "idempotency_key": key or f"{direction}-{tapped:%Y%m%d%H%M}",
        **extra,
    }
    return client.post("/api/v1/attendance/clock/", body, content_type="application/json")


def test_offline_punches_after_the_nightly_close_fix_the_closed_day(cast, office, login, long_window):
    with schema_context(cast.agency.schema_name):
        services.close_day(MON)
        record = AttendanceDay.objects.get(officer=cast.officer_1, date=MON)
        assert record.closed and "tidak_hadir" in record.codes
        absent = AttendanceIssue.objects.get(officer=cast.officer_1, date=MON, code="tidak_hadir")
        assert absent.status == "open"
    client = login("officer_1")
    first = post_clock(client, "in", at(MON, "07:58"))
    assert first.status_code == 201, first.content
    assert first.json()["attendance_date"] == "2025-11-17" and first.json()["sent_late"] is True
    with schema_context(cast.agency.schema_name):
        record = AttendanceDay.objects.get(officer=cast.officer_1, date=MON)
        assert record.closed and "tidak_lengkap" in record.codes and "tidak_hadir" not in record.codes
        assert AttendanceIssue.objects.get(pk=absent.pk).status == "withdrawn"
    assert post_clock(client, "out", at(MON, "17:35")).status_code == 201
    again = post_clock(client, "out", at(MON, "17:35"))  # the phone's replay: answered, not repeated
    assert again.status_code == 200
    with schema_context(cast.agency.schema_name):
        record = AttendanceDay.objects.get(officer=cast.officer_1, date=MON)
        assert record.primary == "hadir" and record.first_in == at(MON, "07:58")
        assert not AttendanceIssue.objects.filter(
            officer=cast.officer_1, date=MON, status__in=["open", "answered"]
        ).exists()
        events = list(ClockEvent.objects.filter(officer=cast.officer_1).order_by("at"))
        assert [e.at for e in events] == [at(MON, "07:58"), at(MON, "17:35")]
        assert all(e.created_at - e.at > timedelta(days=1) and e.sent_late for e in events)
    # The supervisor's view of the day marks the punches as sent late.
    page = login("supervisor_1").get(f"/attendance/transactions/?officer={cast.officer_1.pk}&m=2025-11")
    assert page.status_code == 200 and page.content.decode().count('class="sent-late"') == 2


def test_a_phone_clock_two_hours_fast_is_corrected_and_flagged(cast, office, login):
    client = login("officer_1")
    phone_now = timezone.now() + timedelta(hours=2)
    response = post_clock(client, "in", phone_now - timedelta(seconds=20), sent=phone_now)
    assert response.status_code == 201, response.content
    body = response.json()
    assert 7190 <= body["clock_skew_seconds"] <= 7210
    with schema_context(cast.agency.schema_name):
        event = ClockEvent.objects.get(pk=body["id"])
        assert abs(event.at - (timezone.now() - timedelta(seconds=20))) < timedelta(minutes=1)
        assert event.client_time == phone_now - timedelta(seconds=20)  # the phone's reading is kept


def test_offline_window_of_the_agency_is_enforced(cast, office, login):
    with schema_context(cast.agency.schema_name):
        AgencyProfile.objects.update(offline_punch_window_hours=72)
    client = login("officer_1")
    now = timezone.now()
    refused = post_clock(client, "in", now - timedelta(hours=73), sent=now)
    assert refused.status_code == 400 and refused.json()["code"] == "offline_window"
    assert "72" in refused.json()["detail"]
    english = login("officer_1", HTTP_ACCEPT_LANGUAGE="en")
    refused = post_clock(english, "in", now - timedelta(hours=80), sent=now, key="k80")
    assert "more than 72 hours ago" in refused.json()["detail"]
    with schema_context(cast.agency.schema_name):
        assert not ClockEvent.objects.exists()
    accepted = post_clock(client, "in", now - timedelta(hours=70), sent=now)
    assert accepted.status_code == 201


def test_clock_out_without_clock_in_is_refused_by_the_api_and_the_page(cast, office, login):
    client = login("officer_1")
    now = timezone.now()
    refused = post_clock(client, "out", now, sent=now)
    assert refused.status_code == 400 and refused.json()["code"] == "out_without_in"
    assert "daftar masuk" in refused.json()["detail"].lower()
    english = login("officer_2", HTTP_ACCEPT_LANGUAGE="en")
    refused = english.post(
        "/attendance/clock/", {"direction": "out", "location_status": "denied"}, follow=True
    )
    assert "Clock in first" in refused.content.decode()
    with schema_context(cast.agency.schema_name):
        assert not ClockEvent.objects.exists()
    assert post_clock(client, "in", now, sent=now).status_code == 201
    assert (
        post_clock(client, "out", now + timedelta(seconds=1), sent=now + timedelta(seconds=1)).status_code
        == 201
    )


def test_a_queued_punch_of_another_user_is_not_sent_with_this_session(cast, office, login):
    client = login("officer_1")
    now = timezone.now()
    other = post_clock(client, "in", now, sent=now, user_id=cast.officer_2.user_id)
    assert other.status_code == 409 and other.json()["code"] == "other_user"
    mine = post_clock(client, "in", now, sent=now, user_id=cast.officer_1.user_id)
    assert mine.status_code == 201


def test_other_agency_and_a_user_without_officer_profile_cannot_send_offline_punches(
    cast, office, client_as, long_window
):
    now = timezone.now()
    for role in ("other_agency", "anonymous"):
        response = post_clock(client_as(role), "in", at(MON, "08:00"), sent=now)
        assert response.status_code == 403, role
    with schema_context(cast.agency.schema_name):
        assert not ClockEvent.objects.exists()


def test_the_agency_sets_its_window_on_the_settings_page(cast, login):
    client = login("admin")
    page = client.get("/settings/")
    assert 'name="offline_punch_window_hours"' in page.content.decode()


def test_the_supervisor_dashboard_marks_a_punch_sent_late(cast, office, login):
    client = login("officer_1")
    now = timezone.now()
    with schema_context(cast.agency.schema_name):
        today, _record = services.today_for(cast.officer_1)
    response = post_clock(client, "in", now - timedelta(minutes=6), sent=now)
    assert response.status_code == 201
    if response.json()["attendance_date"] != today.isoformat():
        pytest.skip("6 minutes ago belonged to the previous attendance day (just after 03:30)")
    page = login("supervisor_1").get("/dashboard/team/").content.decode()
    row = page.split(f'id="team-row-{cast.officer_1.pk}"')[1].split("</tr>")[0]
    assert 'class="sent-late"' in row
    other = page.split(f'id="team-row-{cast.officer_1.pk}"')[0]
    assert 'class="sent-late"' not in other
