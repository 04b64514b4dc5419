"""Issue 18 "Rules and records" against a real agency schema: each case of the issue a row."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import translation
from django_tenants.utils import schema_context

from tenant_apps.attendance import measures, services
from tenant_apps.attendance.models import (
    Arrangement,
    AttendanceDay,
    AttendanceIssue,
    ClockEvent,
    HolidayOverride,
)
from tenant_apps.notifications.models import Kind, Notification
from tenant_apps.organisation.forms import AgencySettingsForm
from tenant_apps.organisation.models import AgencyProfile
from tests.fixtures.attendance import INSIDE, OUTSIDE, at

MON = date(2025, 11, 17)
NO_FIX = services.Position.missing("denied")


@pytest.fixture
def agency_schema(cast):
    with schema_context(cast.agency.schema_name):
        yield cast


def day_of(officer, day=MON) -> AttendanceDay:
    return AttendanceDay.objects.get(officer=officer, date=day)


def issues_of(officer, day=MON) -> set[str]:
    return set(
        AttendanceIssue.objects.filter(officer=officer, date=day)
        .exclude(status="withdrawn")
        .values_list("code", flat=True)
    )


def told(supervisor) -> list[str]:
    return list(
        Notification.objects.filter(recipient=supervisor.user, kind=Kind.CLOCK_OUTSIDE).values_list(
            "message", flat=True
        )
    )


# --- 1. the minute shown, app punches (device punches: tests/devices/test_issue18_devices.py) -------

# (case, in, out, codes present, codes absent)
MINUTE_CASES = [
    ("in 09:00:30 is on time", "09:00:30", "18:00:00", {"hadir"}, {"lewat"}),
    ("in 08:00:30 / out 17:00:10 is not early", "08:00:30", "17:00:10", {"hadir"}, {"pulang_awal"}),
    ("out 17:29:59 against 17:30 is early", "08:30:00", "17:29:59", {"pulang_awal"}, set()),
]


def at_s(day, hhmmss):
    h, m, s = hhmmss.split(":")
    return at(day, f"{h}:{m}") + timedelta(seconds=int(s))


@pytest.mark.parametrize(
    ("case", "i", "o", "present", "absent"), MINUTE_CASES, ids=[c[0] for c in MINUTE_CASES]
)
def test_app_punches_are_judged_at_the_minute_shown(agency_schema, office, case, i, o, present, absent):
    officer = agency_schema.officer_1
    services.clock(officer, "in", position=INSIDE, now=at_s(MON, i))
    services.clock(officer, "out", position=INSIDE, now=at_s(MON, o))
    codes = set(day_of(officer).codes)
    assert present <= codes and not absent & codes, (case, codes)
    assert not ({"lewat", "pulang_awal"} & absent) & issues_of(officer)


# --- 2. one rule frees the location: the day, the notification, the dashboards -------------------


def bdr(officer, half="full"):
    Arrangement.objects.create(officer=officer, kind="bdr", start_date=MON, end_date=MON, half=half)


def duty(officer, half="full"):
    Arrangement.objects.create(officer=officer, kind="tugas_rasmi", start_date=MON, end_date=MON, half=half)


def course(officer, half="full"):
    Arrangement.objects.create(officer=officer, kind="kursus", start_date=MON, end_date=MON, half=half)


def movement(officer):
    from tenant_apps.movements.models import Movement

    Movement.objects.create(
        officer=officer,
        date=MON,
        start_time=at(MON, "07:30").time(),
        end_time=at(MON, "12:00").time(),
        kind=Movement.Kind.MEETING,
        place="Kementerian",
        purpose="Mesyuarat",
    )


# (case, set-up, clock-in time, luar kawasan and the supervisor told?)
EXCUSE_CASES = [
    ("no excuse: outside is flagged and told", None, "08:00", True),
    ("BDR officer at home (issue 18 #2)", bdr, "08:00", False),
    ("BDR morning, clock-in at home", lambda o: bdr(o, "am"), "08:00", False),
    ("BDR afternoon, clock-in outside in the morning", lambda o: bdr(o, "pm"), "08:00", True),
    ("whole-day official duty", duty, "08:00", False),
    ("half-day official duty, that half", lambda o: duty(o, "am"), "08:00", False),
    ("whole-day course", course, "08:00", False),
    ("a movement covering the clock-in", movement, "08:00", False),
]


@pytest.mark.parametrize(("case", "setup", "time", "flagged"), EXCUSE_CASES, ids=[c[0] for c in EXCUSE_CASES])
def test_one_excuse_rule_for_the_day_and_the_notification(agency_schema, office, case, setup, time, flagged):
    c = agency_schema
    if setup:
        setup(c.officer_1)
    services.clock(c.officer_1, "in", position=OUTSIDE, now=at(MON, time))
    record = day_of(c.officer_1)
    assert ("luar_kawasan" in record.codes) is flagged, (case, record.codes)
    assert bool(told(c.supervisor_1)) is flagged, case
    # The dashboards count what the day says.
    outside = measures.totals(AttendanceDay.objects.filter(officer=c.officer_1, date=MON))["outside"]
    assert outside == (1 if flagged and record.working_day else 0), case


# --- 3 and 4. location "off", and a clock-in without a location ----------------------------------

# (case, geofence mode, no-location mode, position, day codes, issues, the supervisor told?)
LOCATION_CASES = [
    ("check off, located punch: no 'tiada lokasi' (issue 18 #3)", "off", "outside", INSIDE, set(), set(),
     False),
    ("check off, no location: nothing judged", "off", "outside", NO_FIX, set(), set(), False),
    ("flag, no location, default: like outside (issue 18 #4)", "flag", "outside", NO_FIX,
     {"tiada_lokasi", "luar_kawasan"}, {"luar_kawasan"}, True),
    ("flag, no location, agency allows it", "flag", "allow", NO_FIX, {"tiada_lokasi"}, set(), False),
    ("flag, outside", "flag", "allow", OUTSIDE, {"luar_kawasan"}, {"luar_kawasan"}, True),
    ("flag, inside", "flag", "outside", INSIDE, set(), set(), False),
]  # fmt: skip


@pytest.mark.parametrize(
    ("case", "mode", "no_location", "position", "codes", "issues", "notified"),
    LOCATION_CASES,
    ids=[c[0] for c in LOCATION_CASES],
)
def test_location_outcomes(agency_schema, office, case, mode, no_location, position, codes, issues, notified):
    c = agency_schema
    AgencyProfile.objects.update(geofence_mode=mode, no_location_mode=no_location)
    services.clock(c.officer_1, "in", position=position, now=at(MON, "08:00"))
    location_codes = {"tiada_lokasi", "luar_kawasan"} & set(day_of(c.officer_1).codes)
    assert location_codes == codes, case
    assert issues_of(c.officer_1) == issues, case
    assert bool(told(c.supervisor_1)) is notified, case


def test_the_supervisor_is_told_a_clock_in_had_no_location(agency_schema, office):
    c = agency_schema
    services.clock(c.officer_1, "in", position=NO_FIX, now=at(MON, "08:00"))
    (message,) = told(c.supervisor_1)
    assert "tanpa lokasi" in message and "Pegawai Satu" in message


@pytest.mark.parametrize(("value", "valid"), [("outside", True), ("allow", True), ("sometimes", False)])
def test_the_no_location_setting_is_a_choice(agency_schema, value, valid):
    profile = AgencyProfile.current()
    data = {f: getattr(profile, f) for f in AgencySettingsForm.Meta.fields if f != "logo"}
    data["no_location_mode"] = value
    form = AgencySettingsForm(data, instance=profile)
    assert form.is_valid() is valid, form.errors
    if not valid:
        assert "no_location_mode" in form.errors


# --- 5. worked minutes: one definition ------------------------------------------------------------

# (case, holiday?, in, out, worked minutes)
WORKED_CASES = [
    ("working day 08:00–15:30", False, "08:00", "15:30", 390),
    ("public holiday, same punches (issue 18 #5)", True, "08:00", "15:30", 390),
]


@pytest.mark.parametrize(
    ("case", "holiday", "i", "o", "worked"), WORKED_CASES, ids=[c[0] for c in WORKED_CASES]
)
def test_worked_minutes_are_one_definition(agency_schema, office, case, holiday, i, o, worked):
    if holiday:
        HolidayOverride.objects.create(date=MON, name="Cuti Peristiwa")
    officer = agency_schema.officer_1
    services.clock(officer, "in", position=INSIDE, now=at(MON, i))
    services.clock(officer, "out", position=INSIDE, now=at(MON, o))
    record = day_of(officer)
    assert record.working_day is not holiday and record.worked_minutes == worked, case


# --- 7. the late officer's card and the rate ------------------------------------------------------


def test_a_clock_in_after_the_end_of_the_day_is_said_and_not_attended(agency_schema, office):
    c = agency_schema
    services.clock(c.officer_1, "in", position=INSIDE, now=at(MON, "22:04"))
    services.clock(c.officer_2, "in", position=INSIDE, now=at(MON, "08:00"))
    record = day_of(c.officer_1)
    assert record.arrived_after_end and "lewat" in record.codes
    assert not day_of(c.officer_2).arrived_after_end
    figures = measures.totals(AttendanceDay.objects.filter(officer=c.officer_1, date=MON))
    assert (figures["owed"], figures["attended"], figures["after_end"], figures["rate"]) == (1, 0, 1, 0.0)
    both = measures.totals(AttendanceDay.objects.filter(date=MON, first_in__isnull=False))
    assert (both["attended"], both["after_end"], both["rate"]) == (1, 1, 50.0)


def test_the_officer_report_flags_the_day_and_shows_no_hours_without_a_clock_out(agency_schema, office):
    from tenant_apps.people.access import Access
    from tenant_apps.reports.builders import Params, officer_month

    c = agency_schema
    services.clock(c.officer_1, "in", position=INSIDE, now=at(MON, "22:04"))
    access = Access(c.officer_1.user)
    params = Params("officer", MON.replace(day=1), MON.replace(day=30), officer=c.officer_1)
    with translation.override("en"):
        report = officer_month(access, params)
        (row,) = [r for r in report.rows if r["date"] == MON]
    assert "Arrived after the end of the working day" in row["status"]
    assert row["worked_hours"] is None


def test_the_clock_out_left_after_a_device_punch_counts(agency_schema, office):
    """Issue 18 #6 at the clock: an app clock-out after a device clock-in closes the day, and an
    app clock-in the device already has is marked."""
    c = agency_schema
    o = c.officer_1
    ClockEvent.objects.create(
        officer=o, at=at(MON, "08:02"), direction="in", attendance_date=MON, source="biometric", inside=True
    )
    services.recompute_day(o, MON)
    app_in = services.clock(o, "in", position=INSIDE, now=at(MON, "08:10"))
    app_out = services.clock(o, "out", position=INSIDE, now=at(MON, "17:30"))
    assert app_in.overridden_by_device and not app_out.overridden_by_device
    services.close_day(MON)
    record = day_of(o)
    assert record.first_in == at(MON, "08:02") and record.last_out == at(MON, "17:30")
    assert "tidak_lengkap" not in record.codes
