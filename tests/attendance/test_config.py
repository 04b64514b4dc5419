"""Pengurusan Waktu Kerja, the org admin's side: office locations, working patterns, policy versions,
holiday overrides, leave, arrangements and officers' monthly patterns — through the real pages and
API. Each form is refused field by field; each change recomputes the attendance days it touches;
every page and endpoint answers each role as the permission matrix says."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django_tenants.utils import schema_context

from spotme.audit.models import LogEntry
from tenant_apps.attendance import config, services
from tenant_apps.attendance.models import (
    Arrangement,
    AttendanceDay,
    AttendanceIssue,
    HolidayOverride,
    Leave,
    OfficerPattern,
    OfficeSite,
    PatternRequest,
    Policy,
    WorkingPattern,
)
from tests.fixtures.attendance import INSIDE, OFFICE, OUTSIDE, at
from tests.fixtures.people import ROLES, walk_matrix

MON = date(2025, 11, 17)  # a Monday, no holiday in Selangor
SULTAN_SELANGOR = date(2025, 12, 11)  # Hari Keputeraan Sultan Selangor (a Thursday)
SHIFT_START = time(20, 0)


@pytest.fixture
def admin(login):
    return login("admin")


@pytest.fixture
def in_agency(cast):
    """Run a block in the agency's schema (the test itself stays on public between requests)."""

    def enter():
        return schema_context(cast.agency.schema_name)

    return enter


def today_in(cast) -> date:
    with schema_context(cast.agency.schema_name):
        return config.agency_today()


def errors_of(response, form: str = "form") -> dict:
    assert response.status_code == 400, response.status_code
    return response.context[form].errors


def absent_day(officer, day=MON):
    """A closed working day without any clock-in: tidak hadir, with its issue raised."""
    return services.recompute_day(officer, day, closed=True)


def issue_status(officer, day, code) -> str:
    return AttendanceIssue.objects.get(officer=officer, date=day, code=code).status


# --- office locations ------------------------------------------------------------------------------

SITE = {"name": "Cawangan Cyberjaya", "latitude": "2.9226", "longitude": "101.6502", "radius_m": "150"}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "Ibu Pejabat"}, "name"),  # an active location already has this name
        ({"latitude": ""}, "latitude"),
        ({"latitude": "91"}, "latitude"),
        ({"latitude": "utara"}, "latitude"),
        ({"longitude": "-181"}, "longitude"),
        ({"radius_m": "19"}, "radius_m"),
        ({"radius_m": "5001"}, "radius_m"),
        ({"radius_m": "seratus"}, "radius_m"),
        ({"org_units": ["999999"]}, "org_units"),
    ],
)
def test_site_form_refuses_each_bad_field(cast, office, admin, in_agency, changes, field):
    response = admin.post("/attendance/admin/sites/new/", {**SITE, **changes})
    assert field in errors_of(response)
    with in_agency():
        assert OfficeSite.objects.count() == 1, "nothing written"


def test_site_create_edit_deactivate_and_audit(cast, admin, in_agency):
    response = admin.post(
        "/attendance/admin/sites/new/", {**SITE, "latitude": "2.92261234", "org_units": [cast.unit.pk]}
    )
    assert response.status_code == 302
    with in_agency():
        site = OfficeSite.objects.get()
        assert str(site.latitude) == "2.922612", "rounded to the model's 6 decimals"
        assert list(site.org_units.all()) == [cast.unit]
        assert LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(OfficeSite), object_pk=str(site.pk)
        ).exists(), "changes to office locations are audited"
    assert (
        admin.post(f"/attendance/admin/sites/{site.pk}/edit/", {**SITE, "radius_m": "300"}).status_code == 302
    )
    assert admin.post(f"/attendance/admin/sites/{site.pk}/active/", {"active": "0"}).status_code == 302
    with in_agency():
        site.refresh_from_db()
        assert site.radius_m == 300 and not site.is_active and not site.org_units.exists()
    page = admin.get("/attendance/admin/sites/").content.decode()
    assert f'id="reactivate-site-{site.pk}"' in page


def test_a_site_of_a_unit_applies_to_officers_of_its_sub_units(cast, admin, in_agency):
    """officer_1 is in the sub-unit of `unit`; the org admin is in no unit."""
    response = admin.post(
        "/attendance/admin/sites/new/",
        {
            "name": "Bangunan BTM",
            "latitude": OFFICE[0],
            "longitude": OFFICE[1],
            "radius_m": 200,
            "org_units": [cast.unit.pk],
        },
    )
    assert response.status_code == 302
    with in_agency():
        site = OfficeSite.objects.get()
        event = services.clock(cast.officer_1, "in", position=INSIDE, now=at(MON, "08:00"))
        assert event.inside is True and event.site == site
        stranger = services.clock(cast.admin, "in", position=INSIDE, now=at(MON, "08:00"))
        assert stranger.inside is False, "the site is not the admin's"
        site.org_units.clear()
        everyone = services.clock(cast.admin, "out", position=INSIDE, now=at(MON, "17:30"))
        assert everyone.inside is True, "a site without units applies to everyone"


# --- working patterns ------------------------------------------------------------------------------

SHIFT = {
    "code": "SHIFT-M",
    "name": "Syif Malam",
    "kind": "shift",
    "start": "20:00",
    "latest_start": "",
    "duration_minutes": "540",
    "short_day_minutes": "",
    "late_grace_minutes": "0",
    "is_active": "on",
}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"code": ""}, "code"),
        ({"code": "syif malam!"}, "code"),
        ({"code": "WBF"}, "code"),
        ({"name": ""}, "name"),
        ({"kind": "rotating"}, "kind"),
        ({"start": "25:00"}, "start"),
        ({"latest_start": "22:00"}, "latest_start"),  # a shift has no latest start
        ({"kind": "fixed", "start": "08:00", "latest_start": "09:00"}, "latest_start"),
        ({"kind": "flexi", "start": "07:30"}, "latest_start"),  # flexible needs one
        ({"kind": "flexi", "start": "07:30", "latest_start": "07:00"}, "latest_start"),
        ({"kind": "fixed"}, "duration_minutes"),  # 20:00 + 9 h crosses midnight: a shift
        ({"duration_minutes": "120"}, "duration_minutes"),
        ({"duration_minutes": "1000"}, "duration_minutes"),
        ({"duration_minutes": "sembilan"}, "duration_minutes"),
        ({"short_day_minutes": "600"}, "short_day_minutes"),
        ({"late_grace_minutes": "90"}, "late_grace_minutes"),
    ],
)
def test_pattern_form_refuses_each_bad_field(cast, admin, in_agency, changes, field):
    response = admin.post("/attendance/admin/patterns/new/", {**SHIFT, **changes})
    assert field in errors_of(response)
    with in_agency():
        assert not WorkingPattern.objects.filter(name="Syif Malam").exists()


def test_overnight_shift_and_fixed_pattern_are_created(cast, admin, in_agency):
    assert admin.post("/attendance/admin/patterns/new/", SHIFT).status_code == 302
    fixed = {
        **SHIFT,
        "code": "KAUNTER",
        "name": "Kaunter",
        "kind": "fixed",
        "start": "07:00",
        "duration_minutes": "540",
        "short_day_minutes": "450",
    }
    assert admin.post("/attendance/admin/patterns/new/", fixed).status_code == 302
    with in_agency():
        shift = WorkingPattern.objects.get(code="SHIFT-M").as_rule()
        assert shift.crosses_midnight and shift.duration == timedelta(hours=9)
        assert WorkingPattern.objects.get(code="KAUNTER").short_day_minutes == 450
    listing = admin.get("/attendance/admin/patterns/").content.decode()
    for code in ("WBF", "WP1", "WP2", "WP3", "WP4", "SHIFT-M", "KAUNTER"):
        assert f'id="pattern-{code}"' in listing


def test_standard_patterns_cannot_change_and_used_patterns_keep_their_times(cast, admin, in_agency):
    with in_agency():
        wbf = WorkingPattern.objects.get(code="WBF")
        shift = config.save_pattern(
            WorkingPattern(code="SHIFT-M", name="Syif", kind="shift", start=SHIFT_START, duration_minutes=540)
        )
    assert admin.get(f"/attendance/admin/patterns/{wbf.pk}/edit/").status_code == 302
    api = admin.patch(
        f"/api/v1/attendance/patterns/{wbf.pk}/", {"name": "X"}, content_type="application/json"
    )
    assert api.status_code == 400 and api.json()["code"] == "standard"
    # Once the shift governs a month, its times are history; its name may still change.
    today = today_in(cast)
    with in_agency():
        config.set_officer_pattern(cast.officer_1, today, shift)
    response = admin.post(f"/attendance/admin/patterns/{shift.pk}/edit/", {**SHIFT, "start": "21:00"})
    assert response.status_code == 400 and "pattern-in-use" in response.content.decode()
    assert (
        admin.post(
            f"/attendance/admin/patterns/{shift.pk}/edit/", {**SHIFT, "name": "Syif Malam"}
        ).status_code
        == 302
    )
    # The default of a version to come cannot be withdrawn; another pattern can.
    with in_agency():
        Policy.objects.create(effective_from=today + timedelta(days=5), default_pattern=shift)
    api = admin.patch(
        f"/api/v1/attendance/patterns/{shift.pk}/", {"is_active": False}, content_type="application/json"
    )
    assert api.status_code == 400 and "is_active" in api.json()["fields"]
    with in_agency():
        Policy.objects.filter(default_pattern=shift).delete()
    api = admin.patch(
        f"/api/v1/attendance/patterns/{shift.pk}/", {"is_active": False}, content_type="application/json"
    )
    assert api.status_code == 200 and api.json()["is_active"] is False


# --- policy versions -------------------------------------------------------------------------------


def policy_body(cast, **changes) -> dict:
    with schema_context(cast.agency.schema_name):
        wbf = WorkingPattern.objects.get(code="WBF").pk
    body = {
        "effective_from": (today_in(cast) + timedelta(days=10)).isoformat(),
        "default_pattern": wbf,
        "ramadan_start": "",
        "ramadan_end": "",
        "issue_cutoff_day": "2",
        "colour_yellow_to_green": "3",
        "colour_green_to_red": "3",
        "colour_green_stays": "2",
        "colour_red_stays": "1",
    }
    body.update(changes)
    return {k: v for k, v in body.items() if v is not None}


def test_policy_form_refuses_each_bad_field(cast, admin, in_agency):
    today = today_in(cast)
    later = today + timedelta(days=10)
    with in_agency():
        Policy.objects.create(
            effective_from=today + timedelta(days=20), default_pattern=WorkingPattern.objects.get(code="WP2")
        )
    cases = [
        ({"effective_from": (today - timedelta(days=1)).isoformat()}, "effective_from"),
        ({"effective_from": today.isoformat()}, "effective_from"),
        ({"effective_from": (today + timedelta(days=20)).isoformat()}, "effective_from"),  # taken
        ({"effective_from": "31/02/2027"}, "effective_from"),
        ({"default_pattern": ""}, "default_pattern"),
        ({"weekend_days": ["0", "1", "2", "3", "4", "5", "6"]}, "weekend_days"),
        ({"weekend_days": ["9"]}, "weekend_days"),
        ({"ramadan_start": later.isoformat()}, "ramadan_end"),
        ({"ramadan_end": later.isoformat()}, "ramadan_start"),
        (
            {"ramadan_start": (later + timedelta(days=5)).isoformat(), "ramadan_end": later.isoformat()},
            "ramadan_end",
        ),
        (
            {"ramadan_start": later.isoformat(), "ramadan_end": (later + timedelta(days=40)).isoformat()},
            "ramadan_end",
        ),
        (
            {
                "ramadan_start": (today - timedelta(days=40)).isoformat(),
                "ramadan_end": (today - timedelta(days=20)).isoformat(),
            },
            "ramadan_end",
        ),
        ({"issue_cutoff_day": "29"}, "issue_cutoff_day"),
        ({"issue_cutoff_day": "0"}, "issue_cutoff_day"),
        ({"colour_yellow_to_green": "0"}, "colour_yellow_to_green"),
        ({"colour_green_to_red": "51"}, "colour_green_to_red"),
        ({"colour_green_stays": "4"}, "colour_green_stays"),
        ({"colour_red_stays": ""}, "colour_red_stays"),
    ]
    wrong = []
    for changes, field in cases:
        response = admin.post("/attendance/admin/policies/new/", policy_body(cast, **changes))
        if response.status_code != 400 or field not in response.context["form"].errors:
            wrong.append((changes, field, response.status_code))
    assert not wrong
    with in_agency():
        assert Policy.objects.count() == 2, "nothing written"


def test_new_version_applies_from_its_date_and_past_versions_are_read_only(cast, admin, in_agency):
    today = today_in(cast)
    with in_agency():
        seeded = Policy.objects.get()
        wp3 = WorkingPattern.objects.get(code="WP3")
    body = policy_body(
        cast,
        default_pattern=wp3.pk,
        weekend_days=["4", "5"],
        ramadan_start=(today + timedelta(days=15)).isoformat(),
        ramadan_end=(today + timedelta(days=44)).isoformat(),
    )
    assert admin.post("/attendance/admin/policies/new/", body).status_code == 302
    with in_agency():
        new = Policy.objects.exclude(pk=seeded.pk).get()
        assert new.weekend_days == [4, 5] and new.default_pattern == wp3
        from tenant_apps.attendance import calendar

        assert calendar.policy_for(today) == seeded
        assert calendar.policy_for(today + timedelta(days=10)) == new
    page = admin.get("/attendance/admin/policies/").content.decode()
    assert f'id="edit-policy-{new.pk}"' in page and f'id="edit-policy-{seeded.pk}"' not in page
    # The version in force: no edit page, no change, no delete — by page or API.
    assert admin.get(f"/attendance/admin/policies/{seeded.pk}/edit/").status_code == 302
    admin.post(f"/attendance/admin/policies/{seeded.pk}/edit/", policy_body(cast))
    admin.post(f"/attendance/admin/policies/{seeded.pk}/delete/")
    api = admin.patch(
        f"/api/v1/attendance/policy-versions/{seeded.pk}/",
        {"issue_cutoff_day": 5},
        content_type="application/json",
    )
    assert api.status_code == 400 and api.json()["code"] == "history"
    assert admin.delete(f"/api/v1/attendance/policy-versions/{seeded.pk}/").status_code == 400
    with in_agency():
        seeded.refresh_from_db()
        assert seeded.issue_cutoff_day == 2 and seeded.effective_from == date(2000, 1, 1)
    # A future version can be edited, then deleted.
    edited = policy_body(cast, default_pattern=wp3.pk, issue_cutoff_day="5")
    assert admin.post(f"/attendance/admin/policies/{new.pk}/edit/", edited).status_code == 302
    with in_agency():
        assert Policy.objects.get(pk=new.pk).issue_cutoff_day == 5
    assert admin.post(f"/attendance/admin/policies/{new.pk}/delete/").status_code == 302
    with in_agency():
        assert list(Policy.objects.all()) == [seeded]


def test_policy_api_creates_a_version_and_refuses_a_past_one(cast, admin, in_agency):
    today = today_in(cast)
    ok = admin.post(
        "/api/v1/attendance/policy-versions/",
        {
            "effective_from": (today + timedelta(days=3)).isoformat(),
            "default_pattern": "WP1",
            "weekend_days": [5, 6],
        },
        content_type="application/json",
    )
    assert ok.status_code == 201 and ok.json()["editable"] is True and ok.json()["default_pattern"] == "WP1"
    past = admin.post(
        "/api/v1/attendance/policy-versions/",
        {"effective_from": today.isoformat(), "default_pattern": "WP1", "ramadan_start": today.isoformat()},
        content_type="application/json",
    )
    assert past.status_code == 400 and {"effective_from", "ramadan_end"} <= set(past.json()["fields"])


# --- holidays --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"date": "", "name": "Cuti", "action": "add"}, "date"),
        ({"date": "2025-13-01", "name": "Cuti", "action": "add"}, "date"),
        ({"date": SULTAN_SELANGOR.isoformat(), "name": "Cuti", "action": "add"}, "date"),  # already one
        ({"date": MON.isoformat(), "name": "", "action": "add"}, "name"),
        ({"date": MON.isoformat(), "name": "", "action": "remove"}, "date"),  # not a state holiday
        ({"date": "2045-01-02", "name": "Cuti", "action": "add"}, "date"),
        ({"date": MON.isoformat(), "name": "Cuti", "action": "cancel"}, "action"),
        ({"date": "2025-11-18", "name": "Cuti", "action": "add"}, "date"),  # has an override already
    ],
)
def test_holiday_form_refuses_each_bad_field(cast, admin, in_agency, body, field):
    with in_agency():
        HolidayOverride.objects.create(date=date(2025, 11, 18), name="Cuti Peristiwa")
    assert field in errors_of(admin.post("/attendance/admin/holidays/", body))
    with in_agency():
        assert HolidayOverride.objects.count() == 1


def test_a_new_holiday_turns_an_absent_day_into_cuti_umum_and_withdraws_its_issue(cast, admin, in_agency):
    with in_agency():
        absent_day(cast.officer_1)
        assert issue_status(cast.officer_1, MON, "tidak_hadir") == "open"
    response = admin.post(
        "/attendance/admin/holidays/?year=2025",
        {"date": MON.isoformat(), "name": "Cuti Peristiwa", "action": "add"},
    )
    assert response.status_code == 302 and response["Location"].endswith("?year=2025")
    with in_agency():
        record = AttendanceDay.objects.get(officer=cast.officer_1, date=MON)
        assert record.primary == "cuti_umum" and record.closed, "a closed day stays closed"
        assert issue_status(cast.officer_1, MON, "tidak_hadir") == "withdrawn"
        override = HolidayOverride.objects.get()
    page = admin.get("/attendance/admin/holidays/?year=2025").content.decode()
    assert 'id="holiday-2025-11-17" data-holiday="yes"' in page and "Cuti Peristiwa" in page
    # Deleting the override brings the absence (and its issue) back.
    assert admin.post(f"/attendance/admin/holidays/{override.pk}/delete/").status_code == 302
    with in_agency():
        assert AttendanceDay.objects.get(officer=cast.officer_1, date=MON).primary == "tidak_hadir"
        assert issue_status(cast.officer_1, MON, "tidak_hadir") == "open"


def test_a_state_holiday_marked_as_working_day(cast, admin, in_agency):
    with in_agency():
        assert absent_day(cast.officer_2, SULTAN_SELANGOR).primary == "cuti_umum"
    page = admin.get("/attendance/admin/holidays/?year=2025").content.decode()
    assert 'id="holiday-2025-12-11" data-holiday="yes"' in page, "the package's holiday is listed"
    response = admin.post("/attendance/admin/holidays/", {"date": "2025-12-11", "action": "remove"})
    assert response.status_code == 302
    with in_agency():
        override = HolidayOverride.objects.get()
        assert override.name == "Hari Keputeraan Sultan Selangor", "named after the state holiday"
        record = AttendanceDay.objects.get(officer=cast.officer_2, date=SULTAN_SELANGOR)
        assert record.primary == "tidak_hadir" and record.closed
        assert issue_status(cast.officer_2, SULTAN_SELANGOR, "tidak_hadir") == "open"
    page = admin.get("/attendance/admin/holidays/?year=2025").content.decode()
    assert 'id="holiday-2025-12-11" data-holiday="no"' in page


def test_large_recomputes_run_in_a_task_after_commit(
    cast, in_agency, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(config, "RECOMPUTE_INLINE_LIMIT", 0)
    with in_agency():
        absent_day(cast.officer_1)
        absent_day(cast.officer_2)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            config.add_holiday_override(HolidayOverride(date=MON, name="Cuti Peristiwa"))
        assert AttendanceDay.objects.get(officer=cast.officer_1, date=MON).primary == "tidak_hadir"
        assert len(callbacks) == 2  # the cached configuration is dropped; the recompute is a task
        for callback in callbacks:
            callback()  # Celery is eager in the tests: the task runs here, in this schema
        assert set(AttendanceDay.objects.filter(date=MON).values_list("primary", flat=True)) == {"cuti_umum"}
        assert connection.schema_name == cast.agency.schema_name


# --- leave and arrangements ------------------------------------------------------------------------


def leave_body(**changes) -> dict:
    body = {
        "leave_type": "rehat",
        "start_date": MON.isoformat(),
        "end_date": MON.isoformat(),
        "half": "full",
        "note": "",
    }
    body.update(changes)
    return {f"leave-{k}": v for k, v in body.items()}


def arrangement_body(**changes) -> dict:
    body = {
        "kind": "bdr",
        "start_date": MON.isoformat(),
        "end_date": MON.isoformat(),
        "half": "full",
        "note": "",
    }
    body.update(changes)
    return {f"arrangement-{k}": v for k, v in body.items()}


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"leave_type": "haji"}, "leave_type"),
        ({"start_date": ""}, "start_date"),
        ({"end_date": "2025-11-16"}, "end_date"),
        ({"end_date": "2026-12-31"}, "end_date"),  # more than a year in one record
        ({"half": "am", "end_date": "2025-11-18"}, "half"),
        ({"half": "evening"}, "half"),
        ({"start_date": "2025-11-20", "end_date": "2025-11-21"}, "start_date"),  # overlaps
        ({"note": "x" * 301}, "note"),
    ],
)
def test_leave_form_refuses_each_bad_field(cast, admin, in_agency, changes, field):
    with in_agency():
        Leave.objects.create(
            officer=cast.officer_1, start_date=date(2025, 11, 21), end_date=date(2025, 11, 25)
        )
    response = admin.post(f"/attendance/admin/officers/{cast.officer_1.pk}/leave/", leave_body(**changes))
    assert field in errors_of(response, "leave_form")
    with in_agency():
        assert Leave.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "cuti"}, "kind"),
        ({"end_date": "2025-11-16"}, "end_date"),
        ({"kind": "pregnancy", "end_date": "2026-04-13"}, "end_date"),  # 21 weeks
        ({"kind": "pregnancy", "half": "am"}, "half"),
        ({"kind": "kursus", "half": "pm"}, "half"),
        ({"half": "am", "end_date": "2025-11-18"}, "half"),  # half-day BDR is for one day
        ({"start_date": "2025-11-20", "end_date": "2025-11-21"}, "start_date"),  # overlaps the BDR
    ],
)
def test_arrangement_form_refuses_each_bad_field(cast, admin, in_agency, changes, field):
    with in_agency():
        Arrangement.objects.create(
            officer=cast.officer_1, kind="bdr", start_date=date(2025, 11, 21), end_date=date(2025, 11, 21)
        )
    response = admin.post(
        f"/attendance/admin/officers/{cast.officer_1.pk}/arrangements/", arrangement_body(**changes)
    )
    assert field in errors_of(response, "arrangement_form")
    with in_agency():
        assert Arrangement.objects.count() == 1


def test_leave_turns_an_absent_day_into_cuti(cast, admin, in_agency):
    with in_agency():
        absent_day(cast.officer_1)
    url = f"/attendance/admin/officers/{cast.officer_1.pk}/leave/"
    assert admin.post(url, leave_body(leave_type="sakit")).status_code == 302
    with in_agency():
        assert AttendanceDay.objects.get(officer=cast.officer_1, date=MON).primary == "cuti"
        assert issue_status(cast.officer_1, MON, "tidak_hadir") == "withdrawn"
        leave = Leave.objects.get()
    page = admin.get(f"/attendance/admin/officers/{cast.officer_1.pk}/").content.decode()
    assert f'id="leave-{leave.pk}"' in page
    assert admin.post(f"/attendance/admin/leave/{leave.pk}/delete/").status_code == 302
    with in_agency():
        assert AttendanceDay.objects.get(officer=cast.officer_1, date=MON).primary == "tidak_hadir"


def test_pregnancy_arrangement_moves_the_expected_out_one_hour_earlier(cast, office, admin, in_agency):
    with in_agency():
        services.clock(cast.officer_2, "in", position=INSIDE, now=at(MON, "08:00"))
        before = AttendanceDay.objects.get(officer=cast.officer_2, date=MON).expected_out
    body = arrangement_body(kind="pregnancy", start_date="2025-11-03", end_date="2026-02-27", note="Lulus KP")
    assert (
        admin.post(f"/attendance/admin/officers/{cast.officer_2.pk}/arrangements/", body).status_code == 302
    )
    with in_agency():
        after = AttendanceDay.objects.get(officer=cast.officer_2, date=MON).expected_out
    assert before == at(MON, "17:00") and after == at(MON, "16:00")


def test_bdr_excuses_an_outside_clock_in(cast, office, admin, in_agency):
    with in_agency():
        services.clock(cast.officer_1, "in", position=OUTSIDE, now=at(MON, "08:00"))
        assert "luar_kawasan" in AttendanceDay.objects.get(officer=cast.officer_1, date=MON).codes
        assert issue_status(cast.officer_1, MON, "luar_kawasan") == "open"
    url = f"/attendance/admin/officers/{cast.officer_1.pk}/arrangements/"
    assert admin.post(url, arrangement_body()).status_code == 302
    with in_agency():
        record = AttendanceDay.objects.get(officer=cast.officer_1, date=MON)
        assert "bdr" in record.codes and "luar_kawasan" not in record.codes
        assert issue_status(cast.officer_1, MON, "luar_kawasan") == "withdrawn"
        arrangement = Arrangement.objects.get()
    assert admin.post(f"/attendance/admin/arrangements/{arrangement.pk}/delete/").status_code == 302
    with in_agency():
        assert "luar_kawasan" in AttendanceDay.objects.get(officer=cast.officer_1, date=MON).codes


def test_api_leave_and_arrangements_validate_like_the_pages(cast, admin, in_agency):
    t = cast.officer_1.pk
    half = admin.post(
        "/api/v1/attendance/leave/",
        {"officer": t, "start_date": "2025-11-17", "end_date": "2025-11-18", "half": "am"},
        content_type="application/json",
    )
    assert half.status_code == 400 and "half" in half.json()["fields"]
    ok = admin.post(
        "/api/v1/attendance/arrangements/",
        {"officer": t, "kind": "bdr", "start_date": "2025-11-17", "end_date": "2025-11-17", "half": "pm"},
        content_type="application/json",
    )
    assert ok.status_code == 201
    unknown = admin.post(
        "/api/v1/attendance/leave/",
        {"officer": 999999, "start_date": "2025-11-17", "end_date": "2025-11-17"},
        content_type="application/json",
    )
    assert unknown.status_code == 400 and "officer" in unknown.json()["fields"]


# --- officers' monthly patterns --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("month", "pattern", "field"),
    [
        ("2025-01", "WP4", "month"),  # past
        ("Januari", "WP4", "month"),
        ("", "WP4", "month"),
        (None, "999999", "pattern"),
    ],
)
def test_month_pattern_form_refuses_each_bad_field(cast, admin, in_agency, month, pattern, field):
    with in_agency():
        pk = WorkingPattern.objects.get(code=pattern).pk if pattern.startswith("WP") else pattern
    month = f"{today_in(cast):%Y-%m}" if month is None else month
    response = admin.post(
        f"/attendance/admin/officers/{cast.officer_1.pk}/pattern/",
        {"pattern-month": month, "pattern-pattern": pk},
    )
    assert field in errors_of(response, "pattern_form")
    with in_agency():
        assert not OfficerPattern.objects.exists()


def test_setting_a_month_pattern_recomputes_the_officers_days(cast, office, admin, in_agency):
    today = today_in(cast)
    with in_agency():
        services.clock(cast.officer_1, "in", position=INSIDE, now=at(today, "08:10"))
        wp4 = WorkingPattern.objects.get(code="WP4")
    url = f"/attendance/admin/officers/{cast.officer_1.pk}/pattern/"
    assert admin.post(url, {"pattern-month": f"{today:%Y-%m}", "pattern-pattern": wp4.pk}).status_code == 302
    with in_agency():
        assert OfficerPattern.objects.get(officer=cast.officer_1).pattern == wp4
        assert AttendanceDay.objects.get(officer=cast.officer_1, date=today).pattern_code == "WP4"
    page = admin.get(f"/attendance/admin/officers/{cast.officer_1.pk}/?year={today.year}").content.decode()
    assert f'id="month-{today:%Y-%m}"><th>' in page
    # Back to the policy's default.
    assert admin.post(url, {"pattern-month": f"{today:%Y-%m}", "pattern-pattern": ""}).status_code == 302
    with in_agency():
        assert not OfficerPattern.objects.exists()
        assert AttendanceDay.objects.get(officer=cast.officer_1, date=today).pattern_code == "WBF"


# --- links ----------------------------------------------------------------------------------------


def test_settings_are_linked_for_org_admins_only(cast, admin, login):
    assert 'id="link-attendance-settings"' in admin.get("/").content.decode()
    assert 'id="attendance-settings"' in admin.get("/settings/").content.decode()
    assert 'id="attendance-settings"' in admin.get(f"/people/{cast.officer_1.pk}/").content.decode()
    home = login("supervisor_1").get("/").content.decode()
    assert 'id="link-attendance-settings"' not in home and 'id="link-pattern-requests"' in home
    assert 'id="link-my-pattern"' in login("officer_1").get("/").content.decode()


def test_schema_lists_the_configuration_endpoints(cast, admin):
    paths = set(admin.get("/api/schema/?format=json").json()["paths"])
    assert {
        "/api/v1/attendance/sites/",
        "/api/v1/attendance/patterns/",
        "/api/v1/attendance/policy-versions/",
        "/api/v1/attendance/holiday-overrides/",
        "/api/v1/attendance/leave/",
        "/api/v1/attendance/arrangements/",
        "/api/v1/attendance/officer-patterns/",
        "/api/v1/attendance/pattern-requests/",
        "/api/v1/attendance/pattern-requests/{id}/decide/",
    } <= paths


# --- the permission matrix -------------------------------------------------------------------------

ANON = 302  # pages: to the login page
OUT = 403  # API without a session


def _row(method, path, **expected):
    base = dict(anonymous=OUT if path.startswith("/api/") else ANON)
    base["other_agency"] = base["anonymous"]
    return (method, path, {**base, **expected})


def admin_only(method, path, ok):
    return _row(
        method, path, officer=403, supervisor_of_target=403, supervisor_other=403, executive=403, org_admin=ok
    )


def admin_and_executive(method, path):
    return _row(
        method,
        path,
        officer=403,
        supervisor_of_target=403,
        supervisor_other=403,
        executive=200,
        org_admin=200,
    )


def everyone(method, path, ok=200):
    return _row(
        method, path, officer=ok, supervisor_of_target=ok, supervisor_other=ok, executive=ok, org_admin=ok
    )


def who_sees_the_target(method, path):
    """officer_1's own data: themself, their supervisor, the executive and the org admin."""
    return _row(
        method,
        path,
        officer=200,
        supervisor_of_target=200,
        supervisor_other=404,
        executive=200,
        org_admin=200,
    )


MATRIX = [
    # org admin's pages
    admin_only("GET", "/attendance/admin/", 200),
    admin_only("GET", "/attendance/admin/sites/", 200),
    admin_only("GET", "/attendance/admin/sites/new/", 200),
    admin_only("POST", "/attendance/admin/sites/new/", 302),
    admin_only("GET", "/attendance/admin/sites/{s}/edit/", 200),
    admin_only("POST", "/attendance/admin/sites/{s}/active/", 302),
    admin_only("GET", "/attendance/admin/patterns/", 200),
    admin_only("GET", "/attendance/admin/patterns/new/", 200),
    admin_only("POST", "/attendance/admin/patterns/new/", 302),
    admin_only("GET", "/attendance/admin/patterns/{p}/edit/", 200),
    admin_only("GET", "/attendance/admin/policies/", 200),
    admin_only("GET", "/attendance/admin/policies/new/", 200),
    admin_only("GET", "/attendance/admin/policies/{fp}/edit/", 200),
    admin_only("POST", "/attendance/admin/policies/{fp}/delete/", 302),
    admin_only("GET", "/attendance/admin/holidays/", 200),
    admin_only("POST", "/attendance/admin/holidays/", 302),
    admin_only("POST", "/attendance/admin/holidays/{h}/delete/", 302),
    admin_only("GET", "/attendance/admin/officers/{t}/", 200),
    admin_only("POST", "/attendance/admin/officers/{t}/leave/", 302),
    admin_only("POST", "/attendance/admin/leave/{l}/delete/", 302),
    admin_only("POST", "/attendance/admin/officers/{t}/arrangements/", 302),
    admin_only("POST", "/attendance/admin/arrangements/{a}/delete/", 302),
    admin_only("POST", "/attendance/admin/officers/{t}/pattern/", 302),
    # the officer's and the supervisor's pages
    everyone("GET", "/attendance/my-pattern/"),
    _row(
        "GET",
        "/attendance/team/pattern-requests/",
        officer=403,
        supervisor_of_target=200,
        supervisor_other=200,
        executive=403,
        org_admin=200,
    ),
    _row(
        "POST",
        "/attendance/team/pattern-requests/{r}/decide/",
        officer=403,
        supervisor_of_target=302,
        supervisor_other=404,
        executive=403,
        org_admin=302,
    ),
    # API: agency-wide settings
    admin_and_executive("GET", "/api/v1/attendance/sites/"),
    admin_and_executive("GET", "/api/v1/attendance/sites/{s}/"),
    admin_only("POST", "/api/v1/attendance/sites/", 201),
    admin_only("PATCH", "/api/v1/attendance/sites/{s}/", 200),
    everyone("GET", "/api/v1/attendance/patterns/"),
    everyone("GET", "/api/v1/attendance/patterns/{p}/"),
    admin_only("POST", "/api/v1/attendance/patterns/", 201),
    admin_only("PATCH", "/api/v1/attendance/patterns/{p}/", 200),
    admin_and_executive("GET", "/api/v1/attendance/policy-versions/"),
    admin_and_executive("GET", "/api/v1/attendance/policy-versions/{fp}/"),
    admin_only("POST", "/api/v1/attendance/policy-versions/", 201),
    admin_only("PATCH", "/api/v1/attendance/policy-versions/{fp}/", 200),
    admin_only("DELETE", "/api/v1/attendance/policy-versions/{fp}/", 204),
    admin_and_executive("GET", "/api/v1/attendance/holiday-overrides/"),
    admin_only("POST", "/api/v1/attendance/holiday-overrides/", 201),
    admin_only("DELETE", "/api/v1/attendance/holiday-overrides/{h}/", 204),
    # API: per-officer data
    everyone("GET", "/api/v1/attendance/leave/"),
    who_sees_the_target("GET", "/api/v1/attendance/leave/{l}/"),
    admin_only("POST", "/api/v1/attendance/leave/", 201),
    admin_only("DELETE", "/api/v1/attendance/leave/{l}/", 204),
    everyone("GET", "/api/v1/attendance/arrangements/"),
    who_sees_the_target("GET", "/api/v1/attendance/arrangements/{a}/"),
    admin_only("POST", "/api/v1/attendance/arrangements/", 201),
    admin_only("DELETE", "/api/v1/attendance/arrangements/{a}/", 204),
    everyone("GET", "/api/v1/attendance/officer-patterns/"),
    admin_only("POST", "/api/v1/attendance/officer-patterns/", 201),
    # API: pattern requests (officer_1's request {r})
    everyone("GET", "/api/v1/attendance/pattern-requests/"),
    everyone("POST", "/api/v1/attendance/pattern-requests/", 201),
    _row(
        "GET",
        "/api/v1/attendance/pattern-requests/?scope=to_decide",
        officer=403,
        supervisor_of_target=200,
        supervisor_other=200,
        executive=403,
        org_admin=200,
    ),
    _row(
        "GET",
        "/api/v1/attendance/pattern-requests/{r}/",
        officer=200,
        supervisor_of_target=200,
        supervisor_other=404,
        executive=404,
        org_admin=200,
    ),
    _row(
        "POST",
        "/api/v1/attendance/pattern-requests/{r}/decide/",
        officer=403,
        supervisor_of_target=200,
        supervisor_other=404,
        executive=403,
        org_admin=200,
    ),
]


@pytest.fixture
def world(cast):
    """One of each configuration object; the per-officer ones belong to officer_1 (the target)."""
    with schema_context(cast.agency.schema_name):
        today = config.agency_today()
        wp = {p.code: p for p in WorkingPattern.objects.all()}
        shift = WorkingPattern.objects.create(
            code="SHIFT-M", name="Syif Malam", kind="shift", start=SHIFT_START, duration_minutes=540
        )
        ids = dict(
            t=cast.officer_1.pk,
            s=OfficeSite.objects.create(name="Ibu Pejabat", latitude=OFFICE[0], longitude=OFFICE[1]).pk,
            p=shift.pk,
            fp=Policy.objects.create(effective_from=today + timedelta(days=30), default_pattern=wp["WP2"]).pk,
            h=HolidayOverride.objects.create(date=date(2025, 11, 19), name="Cuti Khas").pk,
            l=Leave.objects.create(officer=cast.officer_1, start_date=MON, end_date=MON).pk,
            a=Arrangement.objects.create(
                officer=cast.officer_1, kind="kursus", start_date=MON, end_date=MON
            ).pk,
            r=PatternRequest.objects.create(
                officer=cast.officer_1,
                month=config.add_months(today.replace(day=1), 1),
                pattern=wp["WP4"],
                reason="Menghantar anak ke sekolah",
            ).pk,
        )
        this_month = today.replace(day=1)
        bodies = {
            ("POST", "/attendance/admin/sites/new/"): SITE,
            ("POST", "/attendance/admin/sites/{s}/active/"): {"active": "0"},
            ("POST", "/attendance/admin/patterns/new/"): {**SHIFT, "code": "SHIFT-P", "start": "06:00"},
            ("POST", "/attendance/admin/holidays/"): {"date": "2025-11-20", "name": "Cuti", "action": "add"},
            ("POST", "/attendance/admin/officers/{t}/leave/"): leave_body(
                start_date="2025-11-18", end_date="2025-11-18"
            ),
            ("POST", "/attendance/admin/officers/{t}/arrangements/"): arrangement_body(),
            ("POST", "/attendance/admin/officers/{t}/pattern/"): {
                "pattern-month": f"{this_month:%Y-%m}",
                "pattern-pattern": wp["WP3"].pk,
            },
            ("POST", "/attendance/team/pattern-requests/{r}/decide/"): {"decision": "approve"},
            ("POST", "/api/v1/attendance/sites/"): {
                "name": "Cawangan",
                "latitude": "3.1",
                "longitude": "101.6",
                "radius_m": 150,
                "org_units": [],
            },
            ("PATCH", "/api/v1/attendance/sites/{s}/"): {"radius_m": 300},
            ("POST", "/api/v1/attendance/patterns/"): {
                "code": "SHIFT-P",
                "name": "Syif Pagi",
                "kind": "shift",
                "start": "06:00",
                "duration_minutes": 540,
            },
            ("PATCH", "/api/v1/attendance/patterns/{p}/"): {"name": "Syif Malam Baharu"},
            ("POST", "/api/v1/attendance/policy-versions/"): {
                "effective_from": (today + timedelta(days=60)).isoformat(),
                "default_pattern": "WP2",
            },
            ("PATCH", "/api/v1/attendance/policy-versions/{fp}/"): {"issue_cutoff_day": 5},
            ("POST", "/api/v1/attendance/holiday-overrides/"): {
                "date": "2025-11-20",
                "name": "Cuti Khas",
                "action": "add",
            },
            ("POST", "/api/v1/attendance/leave/"): {
                "officer": cast.officer_1.pk,
                "leave_type": "sakit",
                "start_date": "2025-11-21",
                "end_date": "2025-11-21",
            },
            ("POST", "/api/v1/attendance/arrangements/"): {
                "officer": cast.officer_1.pk,
                "kind": "bdr",
                "start_date": "2025-11-24",
                "end_date": "2025-11-24",
                "half": "am",
            },
            ("POST", "/api/v1/attendance/officer-patterns/"): {
                "officer": cast.officer_1.pk,
                "month": f"{this_month:%Y-%m}",
                "pattern": "WP3",
            },
            ("POST", "/api/v1/attendance/pattern-requests/"): {
                "month": f"{config.add_months(this_month, 2):%Y-%m}",
                "pattern": "WP4",
                "reason": "Menghantar anak ke sekolah",
            },
            ("POST", "/api/v1/attendance/pattern-requests/{r}/decide/"): {"approve": True},
        }
    return ids, bodies


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(cast, world, client_as, role):
    ids, bodies = world
    walk_matrix(client_as(role), role, MATRIX, bodies, **ids)


def test_supervisors_read_only_their_supervisees_leave(cast, world, client_as):
    ids, _ = world
    with schema_context(cast.agency.schema_name):
        Leave.objects.create(officer=cast.officer_2, start_date=MON, end_date=MON)

    def officers_in(role):
        return {row["officer"] for row in client_as(role).get("/api/v1/attendance/leave/").json()["results"]}

    assert officers_in("supervisor_of_target") == {cast.officer_1.pk}
    assert officers_in("supervisor_other") == {cast.officer_2.pk}
    assert officers_in("officer") == {cast.officer_1.pk}
    assert officers_in("executive") == {cast.officer_1.pk, cast.officer_2.pk}
