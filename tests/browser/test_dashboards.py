"""Every role's dashboard in a real browser, on data made through the real attendance engine: one
agency with an office, a supervisor of three officers, an executive and the org admin, a week of last
month clocked (one late day) and clock-ins today; then the JDN operator's platform statistics.
Screenshots go to test-artifacts/test_dashboards__<test>/; each page is checked for its key elements
(grids, charts actually drawn by the vendored Chart.js, figures)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from provisioning.services import provision_agency
from shared_apps.operators.tasks import collect_stats_everywhere
from tenant_apps.attendance import calendar, services
from tenant_apps.attendance.models import OfficeSite
from tenant_apps.organisation.models import Role
from tenant_apps.people.actions import create_officer
from tests.fixtures.agencies import ADMIN_A, PASSWORD, activate_admin, make_operator, make_request
from tests.fixtures.attendance import INSIDE, OFFICE, OUTSIDE, at
from tests.fixtures.browser import log_in
from tests.fixtures.people import activate

pytestmark = pytest.mark.browser

SUBDOMAIN = "jabatan-papan"
SUPERVISOR = ("800505105011", "Penyelia Papan")
EXECUTIVE = ("820707105013", "Eksekutif Papan")
OFFICERS = [
    ("900909105014", "Aminah binti Yusof"),
    ("910101105015", "Badrul bin Hashim"),
    ("920202105016", "Chandran a/l Muthu"),
]


def working_week_of_last_month(state: str) -> list:
    """Monday–Friday of a week of last month without a public holiday."""
    first = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    monday = first + timedelta(days=(-first.weekday()) % 7)
    while True:
        week = [monday + timedelta(days=n) for n in range(5)]
        if not any(calendar.holiday_name(state, d) for d in week):
            return week
        monday += timedelta(days=7)


def set_up():
    agency = provision_agency(make_request(SUBDOMAIN), notify=False).agency
    activate_admin(agency, ADMIN_A)
    with schema_context(agency.schema_name):
        OfficeSite.objects.create(name="Ibu Pejabat", latitude=OFFICE[0], longitude=OFFICE[1], radius_m=200)

        def person(who, roles=(), supervisor=None):
            mykad, name = who
            return activate(
                create_officer(
                    mykad=mykad, full_name=name, roles=list(roles), supervisor=supervisor, notify=False
                ).officer
            )

        boss = person(SUPERVISOR, [Role.SUPERVISOR])
        person(EXECUTIVE, [Role.EXECUTIVE])
        officers = [person(who, supervisor=boss) for who in OFFICERS]
        week = working_week_of_last_month(agency.state)
        for day in week:
            for n, officer in enumerate(officers):
                late = n == 1 and day == week[0]
                services.clock(officer, "in", position=INSIDE, now=at(day, "09:30" if late else "08:00"))
                services.clock(officer, "out", position=INSIDE, now=at(day, "18:00" if late else "17:30"))
        now = timezone.now()
        services.clock(officers[0], "in", position=INSIDE, now=now)
        event = services.clock(officers[1], "in", position=OUTSIDE, now=now)
        services.compute_colour_cards(timezone.localdate().replace(day=1))
    # 00:00–03:30 a punch belongs to the previous day's shift: today's figures cannot show it.
    return agency, week, event.attendance_date == timezone.localdate()


def signed_in(new_page, url, username):
    page = new_page()
    page.goto(f"{url}/login/")
    log_in(page, username, PASSWORD)
    return page


def charts_drawn(page, count: int) -> None:
    expect(page.locator("canvas[data-chart]")).to_have_count(count)
    expect(page.locator("canvas[data-chart][data-rendered='1']")).to_have_count(count)
    assert page.evaluate("typeof window.Chart") == "function"  # the vendored library, no CDN


def test_each_roles_dashboard_with_seeded_data(live_url, new_page, screenshot):
    agency, week, clocked_today = set_up()
    url = live_url(SUBDOMAIN)
    errors = []

    # --- officer: today's card, this month's calendar, the twelve months' colours ------------------
    officer = signed_in(new_page, url, OFFICERS[0][0])
    officer.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    expect(officer).to_have_url(f"{url}/")
    # Clocked in (today's shift): the clock card offers only Daftar Keluar.
    expect(officer.locator("#clock-out")).to_be_visible()
    expect(officer.locator("#clock-in")).to_be_hidden()
    expect(officer.locator("#first-in")).to_have_text(re.compile(r"^\d{2}:\d{2}$"))
    expect(officer.locator("#year-colours li")).to_have_count(12)
    this_month = timezone.localdate().month
    expect(officer.locator(f"#year-colours li:nth-child({this_month})")).to_have_attribute(
        "data-colour", "kuning"
    )
    if this_month < 12:
        expect(officer.locator("#year-colours li").last).to_have_attribute("data-colour", "future")
    expect(officer.locator("#month-calendar")).to_be_visible()
    expect(officer.locator("#task-log-today")).to_be_visible()
    expect(officer.locator("#tab-team")).to_have_count(0)
    screenshot(officer, "01-officer-dashboard")

    # --- supervisor: today, the map, the two grids ---------------------------------------------------
    boss = signed_in(new_page, url, SUPERVISOR[0])
    boss.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    boss.locator("#tab-team").click()
    expect(boss).to_have_url(f"{url}/dashboard/team/")
    expect(boss.locator("#team-table tbody tr")).to_have_count(3)
    if clocked_today:
        expect(boss.locator("#count-present strong")).to_have_text("2")
        expect(boss.locator("#count-outside strong")).to_have_text("1")
        expect(boss.locator("#team-map")).to_have_attribute("data-points", "2")
    expect(boss.locator("#team-map")).to_have_attribute("data-rendered", "1")
    expect(boss.locator("#pattern-grid tbody tr")).to_have_count(3)
    expect(boss.locator("#pattern-grid tbody td", has_text="WBF")).to_have_count(36)
    expect(boss.locator("#colour-grid tbody td.cell-colour")).to_have_count(36)
    expect(
        boss.locator("#colour-grid tbody tr").first.locator(f"td:nth-of-type({this_month})")
    ).to_have_attribute("data-colour", "kuning")
    expect(boss.locator("#pending-issues")).to_be_visible()
    screenshot(boss, "02-supervisor-dashboard")

    # --- executive: last month's week, charts drawn --------------------------------------------------
    executive = signed_in(new_page, url, EXECUTIVE[0])
    executive.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    executive.goto(f"{url}/dashboard/agency/?start={week[0]}&end={week[-1]}&granularity=day")
    expect(executive.locator("#fig-owed")).to_have_text("15")  # 3 officers × 5 working days
    expect(executive.locator("#fig-attended")).to_have_text("15")
    expect(executive.locator("#fig-late")).to_have_text("1")
    expect(executive.locator("#fig-rate")).to_have_text("100.0%")
    expect(executive.locator("#fig-outside-share")).to_have_text("0.0%")
    charts_drawn(executive, 4)
    screenshot(executive, "03-executive-dashboard")

    # --- org admin: the same statistics and the configuration's health -------------------------------
    admin = signed_in(new_page, url, ADMIN_A)
    admin.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    admin.locator("#nav-dashboard-monitoring").click()
    expect(admin).to_have_url(f"{url}/dashboard/monitoring/")
    expect(admin.locator("#health-officers strong")).to_have_text("6")
    expect(admin.locator("#health-no-supervisor strong")).to_have_text("3")  # admin, supervisor, executive
    expect(admin.locator("#list-no-supervisor li")).to_have_count(3)
    charts_drawn(admin, 4)
    screenshot(admin, "04-org-admin-monitoring")

    # --- JDN operator: platform statistics, counts only ----------------------------------------------
    assert collect_stats_everywhere() >= 1
    make_operator("operator.papan")
    operator = signed_in(new_page, live_url(), "operator.papan")
    operator.goto(f"{live_url()}/console/stats/")
    expect(operator.locator(f"#stats-{SUBDOMAIN}")).to_be_visible()
    expect(operator.locator("#total-officers")).to_have_text("6")
    # Today's clock-ins: none yet between 00:00 and 03:30 (those punches close yesterday's shift).
    expect(operator.locator("#total-clock-ins")).to_have_text("2" if clocked_today else "0")
    expect(operator.locator("#provisioning-history")).to_be_visible()
    charts_drawn(operator, 1)
    page_text = operator.locator("#main").inner_text()
    for _mykad, name in OFFICERS:
        assert name not in page_text
    screenshot(operator, "05-operator-platform-statistics")
    assert not errors, errors  # no script error (CSP refusals included) on any dashboard
