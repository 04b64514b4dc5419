"""The attendance engine against the real database: clocking, daily records, issues, closing the
day, decisions, colour cards, corrections and the append-only guarantee."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from tenant_apps.attendance import agency_config, services
from tenant_apps.attendance.models import (
    AttendanceDay,
    AttendanceIssue,
    ClockEvent,
    ColourCard,
    IssueStatus,
    OfficerPattern,
    WorkingPattern,
)
from tests.fixtures.attendance import INSIDE, OUTSIDE, at

MON = date(2025, 11, 17)


@pytest.fixture
def agency_schema(cast):
    with schema_context(cast.agency.schema_name):
        yield cast


def day_of(officer, day=MON) -> AttendanceDay:
    return AttendanceDay.objects.get(officer=officer, date=day)


def issues_of(officer, day=MON) -> dict[str, str]:
    return dict(AttendanceIssue.objects.filter(officer=officer, date=day).values_list("code", "status"))


def test_clock_in_inside_the_office(agency_schema, office):
    o = agency_schema.officer_1
    event = services.clock(o, "in", position=INSIDE, now=at(MON, "08:07"))
    assert event.inside is True and event.site == office and event.distance_m < 100
    assert event.attendance_date == MON
    record = day_of(o)
    assert (
        record.primary == "hadir"
        and record.expected_out.astimezone(at(MON, "0:00").tzinfo).strftime("%H:%M") == "17:07"
    )
    services.clock(o, "out", position=INSIDE, now=at(MON, "17:10"))
    assert day_of(o).codes == ["hadir"] and day_of(o).worked_minutes == 483
    assert issues_of(o) == {}


def test_outside_clock_in_raises_an_issue_at_once(agency_schema, office):
    o = agency_schema.officer_1
    event = services.clock(o, "in", position=OUTSIDE, now=at(MON, "08:00"))
    assert event.inside is False and event.distance_m > 2000
    assert "luar_kawasan" in day_of(o).codes
    assert issues_of(o) == {"luar_kawasan": "open"}


def test_late_clock_in_raises_lewat_and_missing_location_is_recorded(agency_schema, office):
    o = agency_schema.officer_1
    event = services.clock(o, "in", position=services.Position.missing("denied"), now=at(MON, "09:20"))
    assert event.inside is None and event.location_status == "denied"
    assert set(day_of(o).codes) >= {"lewat", "tiada_lokasi"}
    # By default a clock-in without a location counts as outside the office area (issue 18 #4).
    assert issues_of(o) == {"lewat": "open", "luar_kawasan": "open"}


def test_idempotency_key_never_makes_a_second_event(agency_schema, office):
    o = agency_schema.officer_1
    first = services.clock(o, "in", position=INSIDE, now=at(MON, "08:00"), idempotency_key="abc-123")
    again = services.clock(o, "in", position=INSIDE, now=at(MON, "08:01"), idempotency_key="abc-123")
    assert first.pk == again.pk
    assert ClockEvent.objects.filter(officer=o).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        ClockEvent.objects.create(
            officer=o, at=at(MON, "08:02"), direction="in", attendance_date=MON, idempotency_key="abc-123"
        )


def test_events_are_append_only(agency_schema, office):
    event = services.clock(agency_schema.officer_1, "in", position=INSIDE, now=at(MON, "08:00"))
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        ClockEvent.objects.filter(pk=event.pk).update(at=at(MON, "07:00"))
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        ClockEvent.objects.filter(pk=event.pk).delete()
    ClockEvent.objects.filter(pk=event.pk).update(overridden_by_device=True)  # the one allowed change


def test_close_day_marks_absent_and_incomplete_idempotently(agency_schema, office):
    c = agency_schema
    services.clock(c.officer_1, "in", position=INSIDE, now=at(MON, "08:00"))
    assert services.close_day(MON) >= 7
    assert day_of(c.officer_1).primary == "tidak_lengkap"
    assert day_of(c.officer_2).primary == "tidak_hadir"
    assert issues_of(c.officer_1) == {"tidak_lengkap": "open"}
    assert issues_of(c.officer_2) == {"tidak_hadir": "open"}
    before = AttendanceIssue.objects.count()
    services.close_day(MON)
    assert AttendanceIssue.objects.count() == before


def test_weekend_and_holiday_are_not_absences(agency_schema):
    c = agency_schema
    saturday = date(2025, 11, 22)
    sultans_birthday = date(2025, 12, 11)  # Selangor public holiday
    services.close_day(saturday)
    services.close_day(sultans_birthday)
    assert day_of(c.officer_2, saturday).primary == "hari_rehat"
    assert day_of(c.officer_2, sultans_birthday).primary == "cuti_umum"
    assert not AttendanceIssue.objects.filter(officer=c.officer_2).exists()


def test_answer_and_decide_recompute_and_colour_counts(agency_schema, office):
    c = agency_schema
    services.clock(c.officer_1, "in", position=INSIDE, now=at(MON, "09:30"))
    issue = AttendanceIssue.objects.get(officer=c.officer_1, code="lewat")
    with pytest.raises(ValidationError):
        services.decide_issue(issue, supervisor=c.supervisor_1, accept=True)  # not answered yet
    services.answer_issue(issue, reason="Kereta rosak di lebuh raya")
    services.decide_issue(issue, supervisor=c.supervisor_1, accept=False, comment="Tiada bukti")
    issue.refresh_from_db()
    assert issue.status == IssueStatus.REJECTED and issue.decided_by == c.supervisor_1
    # December's card from November: one rejection keeps Kuning; three turn it Hijau.
    services.compute_colour_cards(date(2025, 12, 1))
    assert ColourCard.objects.get(officer=c.officer_1, month=date(2025, 12, 1)).colour == "kuning"
    for d in (MON + timedelta(days=1), MON + timedelta(days=2)):
        services.clock(c.officer_1, "in", position=INSIDE, now=at(d, "09:40"))  # late, never explained
    services.compute_colour_cards(date(2025, 12, 1))
    card = ColourCard.objects.get(officer=c.officer_1, month=date(2025, 12, 1))
    assert (card.colour, card.non_compliances) == ("hijau", 3), "unexplained reasons count after the cut-off"
    assert ColourCard.objects.get(officer=c.officer_2, month=date(2025, 12, 1)).colour == "kuning"


def test_accepted_issue_does_not_count(agency_schema, office):
    c = agency_schema
    for d in (MON, MON + timedelta(days=1), MON + timedelta(days=2)):
        services.clock(c.officer_1, "in", position=INSIDE, now=at(d, "09:30"))
    for issue in AttendanceIssue.objects.filter(officer=c.officer_1):
        services.answer_issue(issue, reason="Mesyuarat di luar pejabat")
        services.decide_issue(issue, supervisor=c.supervisor_1, accept=True)
    services.compute_colour_cards(date(2025, 12, 1))
    assert ColourCard.objects.get(officer=c.officer_1, month=date(2025, 12, 1)).colour == "kuning"


def test_a_later_clock_in_correction_withdraws_the_issue(agency_schema, office, cast):
    c = agency_schema
    services.clock(c.officer_1, "in", position=INSIDE, now=at(MON, "09:30"))
    assert issues_of(c.officer_1) == {"lewat": "open"}
    services.adjust(
        c.officer_1,
        MON,
        by=c.admin.user,
        reason="Pegawai hadir 08:00, telefon rosak",
        add_at=at(MON, "08:00"),
        direction="in",
    )
    assert day_of(c.officer_1).primary == "hadir"
    assert issues_of(c.officer_1) == {"lewat": "withdrawn"}
    with pytest.raises(ValidationError):
        services.adjust(c.officer_1, MON, by=c.admin.user, reason="", add_at=at(MON, "08:00"), direction="in")


def test_overnight_shift_clock_out_after_midnight(agency_schema, office):
    from datetime import time as t

    c = agency_schema
    night = WorkingPattern.objects.create(
        code="MALAM", name="Syif malam", kind="shift", start=t(20, 0), duration_minutes=540
    )
    OfficerPattern.objects.create(officer=c.officer_2, month=MON.replace(day=1), pattern=night)
    services.clock(c.officer_2, "in", position=INSIDE, now=at(MON, "19:55"))
    out = services.clock(c.officer_2, "out", position=INSIDE, now=at(MON + timedelta(days=1), "05:02"))
    assert out.attendance_date == MON
    record = day_of(c.officer_2)
    assert record.codes == ["hadir"] and record.worked_minutes == 542
    # The next night starts a new day, unaffected.
    services.clock(c.officer_2, "in", position=INSIDE, now=at(MON + timedelta(days=1), "19:58"))
    assert day_of(c.officer_2, MON + timedelta(days=1)).first_in is not None


def test_block_mode_refuses_outside_clock_ins(agency_schema, office):
    from tenant_apps.organisation.models import AgencyProfile

    AgencyProfile.objects.update(geofence_mode="block")
    with pytest.raises(services.ClockError):
        services.clock(agency_schema.officer_1, "in", position=OUTSIDE, now=at(MON, "08:00"))
    assert not ClockEvent.objects.exists()
    services.clock(agency_schema.officer_1, "in", position=INSIDE, now=at(MON, "08:00"))


def test_clock_in_costs_the_same_queries_with_two_years_of_history(agency_schema, office):
    """Constant cost: an officer with no history and one with two years of it."""
    c = agency_schema
    fresh, veteran = c.officer_2, c.officer_1
    events = []
    start = MON - timedelta(days=730)
    for n in range(730):
        d = start + timedelta(days=n)
        events += [
            ClockEvent(officer=veteran, at=at(d, "08:00"), direction="in", attendance_date=d),
            ClockEvent(officer=veteran, at=at(d, "17:00"), direction="out", attendance_date=d),
        ]
    ClockEvent.objects.bulk_create(events)
    AttendanceDay.objects.bulk_create(
        [
            AttendanceDay(
                officer=veteran, date=start + timedelta(days=n), codes=["hadir"], primary="hadir", closed=True
            )
            for n in range(730)
        ]
    )

    def sent(ctx) -> int:  # without the savepoint of the test's transaction (BEGIN/COMMIT outside tests)
        return len([q for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))])

    def count(officer, key):
        with CaptureQueriesContext(connection) as ctx:
            services.clock(officer, "in", position=INSIDE, now=at(MON, "08:00"), idempotency_key=key)
        return sent(ctx)

    agency_config.current()  # the agency's configuration is cached after the first clock-in
    # The officer-day's lock, one read of the day and one write (the event, the record and any
    # issue: clock_write.py).
    assert count(fresh, "k1") == count(veteran, "k2") == 3

    # The API's and the page's path, from the signed-in user: the officer is read with the day.
    def count_from_user(officer, key):
        with CaptureQueriesContext(connection) as ctx:
            event = services.clock(
                None, "out", position=INSIDE, now=at(MON, "17:30"), idempotency_key=key, user=officer.user
            )
        assert event.officer_id == officer.pk
        return sent(ctx)

    assert count_from_user(fresh, "k3") == count_from_user(veteran, "k4") == 3
