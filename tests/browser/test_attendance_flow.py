"""The attendance engine in a real browser, with faked geolocation: an officer clocks in inside the
office geofence, another far away is flagged and their supervisor sees it, a third denies the browser
its location and is still recorded; a late officer explains, the supervisor rejects the reason and the
month view counts it.

Lateness depends on the time of day, so the late clock-in is made with the service on a past working
Monday; today's clock-ins (whatever the hour) are only checked for where they were made. Elements are
found by id and CSS class; visible text is compared with Django's own translation of the message.
"""

from __future__ import annotations

import re
import warnings
from datetime import date, timedelta

import pytest
from django.utils import timezone, translation
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from provisioning.services import provision_agency
from tenant_apps.attendance import calendar, services
from tenant_apps.attendance.models import AttendanceIssue, ClockEvent, IssueStatus, OfficeSite
from tenant_apps.organisation.models import Role
from tenant_apps.people.actions import create_officer
from tests.fixtures.agencies import PASSWORD, make_request
from tests.fixtures.attendance import FAR_AWAY, INSIDE, OFFICE, at
from tests.fixtures.browser import PHONE_VIEWPORT, log_in, prefer_language, submit
from tests.fixtures.people import activate

pytestmark = pytest.mark.browser

SUBDOMAIN = "jabatan-hadir"
SITE_NAME = "Ibu Pejabat"
SUPERVISOR = ("800505105011", "Penyelia Kehadiran")
OFFICER_A = ("900909105014", "Aminah binti Yusof")  # inside the office; late on a past Monday
OFFICER_B = ("910101105015", "Badrul bin Hashim")  # far away
OFFICER_C = ("920202105016", "Chandran a/l Muthu")  # denies the browser its location
REASON = "Kereta rosak di Lebuhraya MEX, menunggu trak tunda."
COMMENT = "Tiada bukti dilampirkan."
CLOCKED_AT = re.compile(r"^\d{2}:\d{2}$")


def gettext_ms(message: str) -> str:
    with translation.override("ms"):
        return translation.gettext(message)


def gettext_en(message: str) -> str:
    with translation.override("en"):
        return translation.gettext(message)


def past_working_monday(state: str) -> date:
    """The first Monday of last month that is not a public holiday (a working day under WBF), so the
    month view of that month holds nothing but what this test makes."""
    first_of_last_month = (timezone.localdate().replace(day=1) - timedelta(days=1)).replace(day=1)
    day = first_of_last_month + timedelta(days=(-first_of_last_month.weekday()) % 7)
    while calendar.holiday_name(state, day):
        day += timedelta(days=7)
    return day


def set_up_agency():
    agency = provision_agency(make_request(SUBDOMAIN), notify=False).agency
    with schema_context(agency.schema_name):
        OfficeSite.objects.create(name=SITE_NAME, latitude=OFFICE[0], longitude=OFFICE[1], radius_m=200)

        def person(who, roles=(), supervisor=None):
            mykad, name = who
            return activate(
                create_officer(
                    mykad=mykad, full_name=name, roles=list(roles), supervisor=supervisor, notify=False
                ).officer
            )

        supervisor = person(SUPERVISOR, [Role.SUPERVISOR])
        a, b, c = (person(who, supervisor=supervisor) for who in (OFFICER_A, OFFICER_B, OFFICER_C))
        # Officer A was late on a past Monday: 09:30, after the 09:00 end of the WBF start window.
        monday = past_working_monday(agency.state)
        event = services.clock(a, "in", position=INSIDE, now=at(monday, "09:30"))
        assert event.inside is True
        late = AttendanceIssue.objects.get(officer=a, date=monday)
        assert (late.code, late.status) == ("lewat", IssueStatus.OPEN)
    return agency, supervisor, (a, b, c), late


def clock_in(page):
    with page.expect_navigation():
        page.locator("#clock-in").click()


def clocked_since(agency, officer, since) -> ClockEvent:
    """The one clock event the officer has made in the browser (after `since`)."""
    with schema_context(agency.schema_name):
        [event] = ClockEvent.objects.filter(officer=officer, at__gte=since).select_related("site")
    return event


def test_geofenced_clock_ins_flagged_for_the_supervisor_and_a_rejected_reason_counts(
    live_url, new_page, screenshot
):
    agency, supervisor, (a, b, c), late = set_up_agency()
    url = live_url(SUBDOMAIN)
    started = timezone.now()

    # --- officer A, on a phone inside the geofence (~55 m from the centre), in Malay ------------------
    officer_a = new_page(
        viewport=PHONE_VIEWPORT,
        geolocation={"latitude": INSIDE.latitude, "longitude": INSIDE.longitude, "accuracy": 15},
    )
    officer_a.context.grant_permissions(["geolocation"], origin=url)
    officer_a.goto(f"{url}/login/")
    log_in(officer_a, OFFICER_A[0], PASSWORD)
    expect(officer_a).to_have_url(f"{url}/")
    expect(officer_a.locator("#first-in")).to_have_text("—")
    screenshot(officer_a, "01-phone-home-before-clock-in")
    clock_in(officer_a)
    expect(officer_a).to_have_url(f"{url}/")
    where = officer_a.locator("#where")
    expect(where).to_have_text(f"{gettext_ms('Inside the office area')} ({SITE_NAME})")
    expect(where.locator(".error-text")).to_have_count(0)
    expect(officer_a.locator("#first-in")).to_have_text(CLOCKED_AT)
    expect(officer_a.locator("#main .messages .msg-success")).to_contain_text("dalam kawasan pejabat")
    if gettext_ms("Inside the office area") != "Inside the office area":
        assert "dalam kawasan" in where.inner_text().lower()
    else:
        warnings.warn("the Malay catalogue has no translation of 'Inside the office area' yet", stacklevel=1)
    # Nothing on the officer's phone is wider than the screen.
    assert officer_a.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(officer_a, "02-phone-home-clocked-in-inside")
    event = clocked_since(agency, a, started)
    assert (event.direction, event.inside, event.location_status) == ("in", True, "ok")
    assert event.site.name == SITE_NAME and event.distance_m < 200 and event.accuracy_m == 15
    assert abs(float(event.latitude) - INSIDE.latitude) < 1e-5

    # --- officer B, ~3 km away, in English: clocked in but flagged ----------------------------------
    officer_b = new_page(geolocation={"latitude": FAR_AWAY[0], "longitude": FAR_AWAY[1], "accuracy": 15})
    officer_b.context.grant_permissions(["geolocation"], origin=url)
    prefer_language(officer_b, url, "en")
    officer_b.goto(f"{url}/login/")
    log_in(officer_b, OFFICER_B[0], PASSWORD)
    clock_in(officer_b)
    expect(officer_b).to_have_url(f"{url}/")
    expect(officer_b.locator("#where .error-text")).to_have_text("Outside the office area")
    expect(officer_b.locator("#first-in")).to_have_text(CLOCKED_AT)
    expect(officer_b.locator("#main .messages .msg-success")).to_contain_text("outside the office area")
    screenshot(officer_b, "03-home-clocked-in-outside")
    event_b = clocked_since(agency, b, started)
    assert (event_b.inside, event_b.location_status, event_b.site.name) == (False, "ok", SITE_NAME)
    assert 2_500 < event_b.distance_m < 3_500

    # --- officer C refuses the browser its location: still clocked in, shown without one ------------
    officer_c = new_page()  # no geolocation permission granted
    officer_c.goto(f"{url}/login/")
    log_in(officer_c, OFFICER_C[0], PASSWORD)
    clock_in(officer_c)
    expect(officer_c).to_have_url(f"{url}/")
    expect(officer_c.locator("#where")).to_have_text(gettext_ms("No location"))
    expect(officer_c.locator("#where .error-text")).to_have_count(0)
    expect(officer_c.locator("#today-status .day-tiada_lokasi")).to_be_visible()
    expect(officer_c.locator("#first-in")).to_have_text(CLOCKED_AT)
    event_c = clocked_since(agency, c, started)
    assert (event_c.inside, event_c.latitude, event_c.site) == (None, None, None)
    assert event_c.location_status == "denied"

    # --- the supervisor's team today ------------------------------------------------------------------
    boss = new_page()
    prefer_language(boss, url, "en")
    boss.goto(f"{url}/login/")
    log_in(boss, SUPERVISOR[0], PASSWORD)
    boss.locator("#main a[href='/attendance/team/']").click()
    expect(boss).to_have_url(f"{url}/attendance/team/")
    rows = {o: boss.locator(f"#team-{o.pk}") for o in (a, b, c)}
    if event_b.attendance_date == timezone.localdate():
        last_location = {o: row.locator("td").nth(4) for o, row in rows.items()}
        expect(last_location[b].locator(".error-text")).to_have_text("Outside the office area")
        expect(last_location[b]).to_contain_text(f"({FAR_AWAY[0]}")
        expect(last_location[a]).to_have_text(gettext_en("Inside the office area"))
        expect(last_location[c]).to_have_text(gettext_en("No location"))
        for o in (a, b, c):
            expect(rows[o].locator("td").nth(2)).to_have_text(CLOCKED_AT)
    else:
        # 00:00–03:30: a punch belongs to the previous day's shift, and the page shows the calendar day.
        warnings.warn("clocked in before 03:30: the team page of today cannot show it", stacklevel=1)
    screenshot(boss, "04-team-today")

    # --- officer A explains the late Monday ---------------------------------------------------------
    officer_a.goto(f"{url}/attendance/issues/")
    card = officer_a.locator(f"#issue-{late.pk}")
    expect(card.locator(".day-lewat")).to_be_visible()
    expect(card.locator(".status-open")).to_be_visible()
    card.locator("textarea[name=reason]").fill(REASON)
    submit(officer_a, f"#issue-{late.pk} button[type=submit]")
    expect(officer_a).to_have_url(f"{url}/attendance/issues/")
    expect(officer_a.locator("#main .messages .msg-success")).to_have_text(
        gettext_ms("Your reason has been sent to your supervisor.")
    )
    expect(card.locator(".status-answered")).to_be_visible()
    expect(card).to_contain_text(REASON)
    screenshot(officer_a, "05-phone-issue-answered")

    # --- the supervisor rejects it --------------------------------------------------------------------
    boss.goto(f"{url}/attendance/team/issues/")
    expect(boss.locator("input[name=issue]")).to_have_count(1)
    row = boss.locator("#main tbody tr", has=boss.locator(f"#pick-{late.pk}"))
    expect(row).to_contain_text(OFFICER_A[1])
    expect(row).to_contain_text(REASON)
    expect(row).to_contain_text(late.date.strftime("%d/%m/%Y"))
    boss.locator(f"#pick-{late.pk}").check()
    boss.locator("#id_comment").fill(COMMENT)
    screenshot(boss, "06-team-issues")
    submit(boss, "#reject")
    expect(boss).to_have_url(f"{url}/attendance/team/issues/")
    expect(boss.locator("#main .messages .msg-success")).to_be_visible()
    expect(boss.locator("input[name=issue]")).to_have_count(0)
    with schema_context(agency.schema_name):
        late.refresh_from_db()
    assert (late.status, late.decided_by_id, late.decision_comment) == (
        IssueStatus.REJECTED, supervisor.pk, COMMENT)

    # --- officer A's month: the rejected reason counts -----------------------------------------------
    officer_a.goto(f"{url}/attendance/month/?m={late.date:%Y-%m}")
    expect(officer_a.locator("#main h1")).to_contain_text(OFFICER_A[1])
    expect(officer_a.locator("#rejected-count")).to_have_text("1")
    counts = officer_a.locator("#issue-counts")
    expect(counts.locator(".day-status")).to_have_count(1)
    expect(counts.locator(".day-lewat")).to_have_text(gettext_ms("Late"))
    expect(counts).to_contain_text(f"{gettext_ms('Late')} 1")
    screenshot(officer_a, "07-phone-month")
    officer_a.goto(f"{url}/attendance/issues/")
    expect(card.locator(".status-rejected")).to_be_visible()
    expect(card).to_contain_text(COMMENT)
