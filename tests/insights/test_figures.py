"""Dashboard figures against the hand-computed month of conftest.py (3 officers × November 2025)."""

from __future__ import annotations

from datetime import date

import pytest
from django_tenants.utils import schema_context

from tenant_apps.attendance import measures
from tenant_apps.attendance.models import AttendanceDay
from tenant_apps.insights import stats
from tenant_apps.people.models import Officer

from .conftest import DECEMBER, NOVEMBER, OUTSIDE_DAY

pytestmark = pytest.mark.django_db(transaction=False)
NOV_END = date(2025, 11, 30)


def test_agency_figures_of_the_month(month):
    with schema_context(month.agency.schema_name):
        figures = stats.agency_stats(NOVEMBER, NOV_END, unit=month.unit)
    t = figures["totals"]
    assert (t["owed"], t["attended"], t["absent"], t["late"], t["early_out"]) == (60, 58, 2, 3, 1)
    assert t["rate"] == 96.7
    assert figures["clock_ins"] == {"clock_ins": 58, "outside": 1, "no_location": 0, "outside_share": 1.7}
    issues = figures["issues"]
    assert (issues["raised"], issues["accepted"], issues["rejected"], issues["open"]) == (7, 1, 3, 3)
    assert issues["awaiting_decision"] == 0
    assert issues["average_decision_hours"] == 0.0  # answered and decided a moment apart


def test_trend_by_day_week_and_month(month):
    with schema_context(month.agency.schema_name):
        by_day = stats.agency_stats(NOVEMBER, NOV_END, unit=month.unit, granularity="day")["trend"]
        by_week = stats.agency_stats(NOVEMBER, NOV_END, unit=month.unit, granularity="week")["trend"]
        by_month = stats.agency_stats(NOVEMBER, NOV_END, unit=month.unit, granularity="month")["trend"]
    days = {row["period"]: row for row in by_day}
    assert len(days) == 20  # weekends: nobody clocked, no record
    assert days["2025-11-03"]["late"] == 1 and days["2025-11-03"]["rate"] == 100.0
    assert days["2025-11-27"]["owed"] == 3 and days["2025-11-27"]["attended"] == 2
    assert days["2025-11-27"]["rate"] == 66.7
    assert "2025-11-01" not in days
    weeks = {row["period"]: (row["owed"], row["attended"], row["late"], row["early_out"]) for row in by_week}
    assert weeks == {
        "2025-11-03": (15, 15, 3, 0),
        "2025-11-10": (15, 15, 0, 1),
        "2025-11-17": (15, 15, 0, 0),
        "2025-11-24": (15, 13, 0, 0),
    }
    assert [(r["period"], r["owed"], r["attended"], r["rate"]) for r in by_month] == [
        ("2025-11-01", 60, 58, 96.7)
    ]


def test_breakdown_by_unit_drills_down_the_tree(month):
    with schema_context(month.agency.schema_name):
        top = stats.agency_stats(NOVEMBER, NOV_END)
        inside = stats.agency_stats(NOVEMBER, NOV_END, unit=month.unit)
    rows = {row["name"]: row for row in top["by_unit"]}
    statistik = rows["Bahagian Statistik"]
    assert (statistik["owed"], statistik["attended"], statistik["rate"]) == (60, 58, 96.7)
    # The cast's unit was only closed on the 27th and 28th (no punches): its people were absent.
    assert "Bahagian Teknologi Maklumat" in rows
    # Inside the unit: no child units, the unit's own officers in one "directly" row.
    assert [(r["name"], r.get("direct"), r["owed"], r["attended"]) for r in inside["by_unit"]] == [
        ("Bahagian Statistik", True, 60, 58)
    ]


def test_rate_per_officer_with_the_shared_measures(month):
    with schema_context(month.agency.schema_name):
        rows = measures.totals_by(
            AttendanceDay.objects.filter(officer__org_unit=month.unit, date__month=11),
            "officer__user__full_name",
        )
        rates = {r["officer__user__full_name"]: measures.rate(r["attended"], r["owed"]) for r in rows}
        chandran = stats.officer_month(month.chandran, NOVEMBER)
    assert rates == {"Aminah binti Yusof": 100.0, "Badrul bin Hashim": 100.0, "Chandran a/l Muthu": 90.0}
    assert chandran["totals"]["rate"] == 90.0 and chandran["totals"]["absent"] == 2
    cells = {c["date"]: c["status"] for week in chandran["weeks"] for c in week if c}
    assert cells["2025-11-27"] == "tidak_hadir" and cells["2025-11-10"] == "pulang_awal"
    assert cells["2025-11-01"] == "" and len(cells) == 30  # a weekend without a record: blank


def test_colour_cards_and_the_supervisors_grids(month):
    with schema_context(month.agency.schema_name):
        december = stats.agency_stats(DECEMBER, date(2025, 12, 31), unit=month.unit)
        officers = Officer.objects.filter(supervisor=month.supervisor)
        grids = stats.team_year(officers, 2025, today=date(2025, 11, 20))
        year = stats.officer_year(month.badrul, 2025, today=date(2026, 1, 5))
    assert december["colours"] == {"kuning": 2, "hijau": 1, "merah": 0}
    rows = {r["name"]: r for r in grids["rows"]}
    assert list(rows) == ["Aminah binti Yusof", "Badrul bin Hashim", "Chandran a/l Muthu"]
    # Colours: December has not started on 20 Nov 2025 → grey; earlier months without a card → Kuning.
    assert [c["colour"] for c in rows["Badrul bin Hashim"]["colours"]] == ["kuning"] * 11 + ["future"]
    assert rows["Badrul bin Hashim"]["colours"][0]["default"] is True
    # Patterns: the agency default (WBF) except Aminah's own WP2 in December.
    assert [p["pattern"] for p in rows["Aminah binti Yusof"]["patterns"]] == ["WBF"] * 11 + ["WP2"]
    assert rows["Aminah binti Yusof"]["patterns"][11]["own"] is True
    assert {p["pattern"] for p in rows["Chandran a/l Muthu"]["patterns"]} == {"WBF"}
    # Badrul's own year, seen in January 2026: December is Hijau (computed), the rest default Kuning.
    assert [c["colour"] for c in year] == ["kuning"] * 11 + ["hijau"]
    assert [c["default"] for c in year] == [True] * 11 + [False]


def test_team_today_on_a_known_day(month):
    with schema_context(month.agency.schema_name):
        officers = Officer.objects.filter(supervisor=month.supervisor)
        team = stats.team_today(officers, OUTSIDE_DAY)
        pending = stats.team_pending(officers, date(2025, 11, 28))
        saturday = stats.team_today(officers, date(2025, 11, 29))
    assert team["summary"] == {"present": 2, "late": 0, "not_in": 1, "outside": 1, "movement": 1, "leave": 0}
    rows = {r["name"]: r for r in team["rows"]}
    aminah = rows["Aminah binti Yusof"]
    assert aminah["location"]["inside"] is False and aminah["is_outside"]
    assert abs(aminah["location"]["latitude"] - 2.95) < 1e-6
    assert aminah["first_in"][11:16] == "08:00"  # local time
    assert rows["Badrul bin Hashim"]["movements"][0]["place"] == "Menara MKN"
    chandran = rows["Chandran a/l Muthu"]
    assert chandran["status"] == "tidak_hadir" and chandran["is_not_in"] and chandran["location"] is None
    assert [s["name"] for s in team["sites"]] == ["Ibu Pejabat"]
    assert pending == {"issues_to_decide": 0, "task_log_days_to_review": 0}
    # A rest day: nobody is "not yet in".
    assert saturday["summary"]["not_in"] == 0 and saturday["summary"]["present"] == 0
