"""The installable app in Debian's Chromium: the manifest and its icons, the service worker, clocking in
without a connection (kept on the phone, shown, sent once when the connection returns, at the tap
time), punches made offline on an earlier day arriving after the nightly close, a phone clock two
hours fast, the agency's offline window, and the clock card's states.

Offline punches of an earlier day are put in the phone's outbox through the page's own SpotmeOutbox
(as clock.js does at a tap): a browser cannot be left offline since yesterday."""

from __future__ import annotations

import base64
import io
import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django_tenants.utils import schema_context
from PIL import Image
from playwright.sync_api import expect

from tenant_apps.attendance import calendar, services
from tenant_apps.attendance.models import AttendanceDay, AttendanceIssue, ClockEvent
from tenant_apps.organisation.models import AgencyProfile
from tests.fixtures.agencies import PASSWORD
from tests.fixtures.attendance import INSIDE, at
from tests.fixtures.browser import PHONE_VIEWPORT, log_in
from tests.fixtures.people import agency_with_team

pytestmark = pytest.mark.browser

SUBDOMAIN = "aplikasi-telefon"
SUPERVISOR = ("800505105021", "Penyelia Telefon")
OFFICER = ("900909105024", "Aminah binti Telefon")
GEO = {"latitude": INSIDE.latitude, "longitude": INSIDE.longitude, "accuracy": 15}


def gettext_ms(message: str) -> str:
    with translation.override("ms"):
        return translation.gettext(message)


def set_up():
    return agency_with_team(SUBDOMAIN, SUPERVISOR, OFFICER)


@pytest.fixture
def phone(live_url, new_page):
    """(agency, officer, url, page): the officer signed in on a phone with the service worker in
    control of the page (installed, activated, and the home page stored)."""
    agency, supervisor, officer = set_up()
    url = live_url(SUBDOMAIN)
    page = new_page(viewport=PHONE_VIEWPORT, geolocation=GEO)
    page.context.grant_permissions(["geolocation"], origin=url)
    page.goto(f"{url}/login/")
    log_in(page, OFFICER[0], PASSWORD)
    expect(page).to_have_url(f"{url}/")
    page.wait_for_function(
        "navigator.serviceWorker.ready.then(r => r.active !== null && r.active.state === 'activated')"
    )
    page.reload()  # now controlled by the service worker, which stores the page
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    return agency, officer, url, page


def events(agency, officer):
    with schema_context(agency.schema_name):
        return list(ClockEvent.objects.filter(officer=officer).order_by("at"))


def get(page, path: str) -> dict:
    """GET from inside the page (Chromium resolves *.localhost; Playwright's own client does not)."""
    got = page.evaluate(
        """async (path) => {
             const r = await fetch(path, {cache: "no-store"});
             const bytes = new Uint8Array(await r.arrayBuffer());
             let s = ""; bytes.forEach(b => { s += String.fromCharCode(b); });
             return {status: r.status, headers: Object.fromEntries(r.headers.entries()), body: btoa(s)};
           }""",
        path,
    )
    got["body"] = base64.b64decode(got["body"])
    return got


def test_manifest_icons_favicon_and_service_worker(phone):
    agency, _officer, url, page = phone
    assert page.locator("head link[rel=manifest]").get_attribute("href") == "/manifest.webmanifest"
    response = get(page, "/manifest.webmanifest")
    assert response["status"] == 200
    assert response["headers"]["content-type"].startswith("application/manifest+json")
    manifest = json.loads(response["body"])
    assert manifest["name"].startswith("SPOT-Me ") and manifest["short_name"] == "SPOT-Me"
    assert manifest["start_url"] == f"{url}/" and manifest["scope"] == f"{url}/"
    assert manifest["display"] == "standalone" and manifest["theme_color"].startswith("#")
    assert manifest["lang"] == "ms"
    sizes = {}
    for icon in manifest["icons"]:
        png = get(page, icon["src"])
        assert png["status"] == 200 and png["headers"]["content-type"] == "image/png", icon
        image = Image.open(io.BytesIO(png["body"]))
        assert f"{image.width}x{image.height}" == icon["sizes"] and image.format == "PNG"
        sizes.setdefault(icon["purpose"], set()).add(icon["sizes"])
    assert sizes == {"any": {"192x192", "512x512"}, "maskable": {"192x192", "512x512"}}
    touch = get(page, page.locator("head link[rel=apple-touch-icon]").get_attribute("href"))
    assert Image.open(io.BytesIO(touch["body"])).size == (180, 180)
    favicon = get(page, "/favicon.ico")
    assert favicon["status"] == 200 and favicon["headers"]["content-type"] == "image/x-icon"
    worker = get(page, "/sw.js")
    assert worker["headers"]["content-type"].startswith("text/javascript")
    assert worker["headers"]["service-worker-allowed"] == "/"
    assert "no-cache" in worker["headers"]["cache-control"]
    # Workbox from our own static files, versioned caches holding the app's files.
    assert b"/static/vendor/workbox/workbox-sw.js" in worker["body"]
    caches = page.evaluate("caches.keys()")
    assert any(name.startswith("spotme-precache-") for name in caches), caches
    assert any(name.startswith("spotme-pages-") for name in caches), caches
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL") == f"{url}/sw.js"


def test_clock_in_offline_is_kept_shown_and_sent_once_at_the_tap_time(phone):
    agency, officer, url, page = phone
    context = page.context
    context.set_offline(True)
    before = timezone.now()
    page.locator("#clock-in").click()
    queue = page.locator("#offline-queue")
    expect(queue).to_be_visible()
    expect(queue.locator("h3")).to_have_text("Disimpan dalam peranti — akan dihantar")
    expect(queue.locator("li.queued-waiting")).to_have_count(1)
    expect(queue.locator("li")).to_contain_text(gettext_ms("Clock in"))
    expect(page.locator("#clock-out")).to_be_visible()  # the card moved on: clocked in (on the phone)
    expect(page.locator("#clock-in")).to_be_hidden()
    tapped = timezone.now()
    assert events(agency, officer) == []
    # Still offline, the home page opens from the phone's store and says so; the punch is still listed.
    page.reload()
    expect(page.locator("#today-card .synced")).to_contain_text(
        gettext_ms("No connection: shown as last synced at {time}.").split("{")[0].strip()
    )
    expect(page.locator("#offline-queue li.queued-waiting")).to_have_count(1)
    # The connection returns: sent once, the page shows the recorded clock-in.
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#first-in")).not_to_have_text("—", timeout=20_000)
    expect(page.locator("#offline-queue")).to_be_hidden()
    [event] = events(agency, officer)
    assert event.direction == "in" and before <= event.at <= tapped, (event.at, before, tapped)
    assert event.client_time == event.at and event.clock_skew_seconds is None
    assert event.created_at >= event.at and event.inside is True
    # Once more online (another page load, the service worker's sync): still one event.
    page.reload()
    page.wait_for_timeout(500)
    assert len(events(agency, officer)) == 1


def wait_for_events(page, agency, officer, count: int, seconds: int = 20) -> list:
    """The officer's events once there are `count` (the phone sends in the background)."""
    for _ in range(seconds * 4):
        found = events(agency, officer)
        if len(found) >= count:
            return found
        page.wait_for_timeout(250)
    return events(agency, officer)


def last_working_day(state: str):
    day = timezone.localdate() - timedelta(days=1)
    with translation.override("ms"):
        while day.weekday() >= 5 or calendar.holiday_name(state, day):
            day -= timedelta(days=1)
    return day


def queue_punch(page, user_id: int, direction: str, tapped, key: str):
    page.evaluate(
        """([user, direction, tapped, key, latitude, longitude]) => SpotmeOutbox.add({key: key,
             kind: "clock", url: "/api/v1/attendance/clock/", user: user, tapped: tapped, label: direction,
             csrf: SpotmeOutbox.csrfToken(),
             body: {direction: direction, latitude: latitude, longitude: longitude, accuracy: 15,
                    location_status: "ok", idempotency_key: key, client_time: tapped}})""",
        [user_id, direction, tapped.isoformat(), key, INSIDE.latitude, INSIDE.longitude],
    )


def test_offline_punches_of_an_earlier_day_fix_it_after_the_nightly_close(phone, new_page):
    agency, officer, url, page = phone
    with schema_context(agency.schema_name):
        day = last_working_day(agency.state)
        AgencyProfile.objects.update(offline_punch_window_hours=24 * 10)  # a long weekend and more
        services.close_day(day)
        assert "tidak_hadir" in AttendanceDay.objects.get(officer=officer, date=day).codes
        absent = AttendanceIssue.objects.get(officer=officer, date=day, code="tidak_hadir")
    queue_punch(page, officer.user_id, "in", at(day, "07:55"), "semalam-masuk")
    queue_punch(page, officer.user_id, "out", at(day, "17:40"), "semalam-keluar")
    page.reload()  # every page load sends what waits
    sent = wait_for_events(page, agency, officer, 2)
    assert [(e.direction, e.at) for e in sent] == [("in", at(day, "07:55")), ("out", at(day, "17:40"))]
    with schema_context(agency.schema_name):
        record = AttendanceDay.objects.get(officer=officer, date=day)
        assert record.closed and record.primary == "hadir" and "tidak_hadir" not in record.codes
        assert AttendanceIssue.objects.get(pk=absent.pk).status == "withdrawn"
    # The supervisor sees that the punches were sent late.
    boss = new_page()
    boss.goto(f"{url}/login/")
    log_in(boss, SUPERVISOR[0], PASSWORD)
    boss.goto(f"{url}/attendance/transactions/?officer={officer.pk}")
    expect(boss.locator(".sent-late")).to_have_count(2)


def test_offline_window_exceeded_is_refused_and_shown(phone):
    agency, officer, url, page = phone
    queue_punch(page, officer.user_id, "in", timezone.now() - timedelta(hours=80), "terlalu-lama")
    page.reload()
    refused = page.locator("#offline-queue li.queued-refused")
    expect(refused).to_have_count(1, timeout=20_000)
    expect(refused).to_contain_text("72")
    assert events(agency, officer) == []
    refused.locator("button").click()
    expect(page.locator("#offline-queue")).to_be_hidden()


def test_a_phone_clock_two_hours_fast_is_corrected_and_flagged(phone):
    agency, officer, url, page = phone
    page.clock.set_fixed_time(timezone.now() + timedelta(hours=2))
    with page.expect_navigation():
        page.locator("#clock-in").click()
    [event] = events(agency, officer)
    assert 7100 <= event.clock_skew_seconds <= 7300
    assert abs(event.at - timezone.now()) < timedelta(minutes=2), "the tap time was shifted back"
    assert event.client_time - event.at > timedelta(hours=1, minutes=55), "the phone's reading is kept"


def test_the_clock_card_offers_only_the_next_action_and_confirms_the_clock_out(phone):
    agency, officer, url, page = phone
    clock_in, clock_out = page.locator("#clock-in"), page.locator("#clock-out")
    expect(clock_in).to_be_visible()
    expect(clock_out).to_be_hidden()
    expect(page.locator("#live-clock")).to_have_text(re.compile(r"^\d{2}:\d{2}:\d{2}$"))
    expect(page.locator("#site-distance")).to_contain_text("Ibu Pejabat: ")
    expect(page.locator("#site-distance")).to_contain_text(" m (")
    with page.expect_navigation():
        clock_in.click()
    expect(clock_out).to_be_visible()
    expect(clock_in).to_be_hidden()
    # Daftar Keluar asks first: "cancel" records nothing, "OK" clocks out.
    page.once("dialog", lambda dialog: dialog.dismiss())
    clock_out.click()
    page.wait_for_timeout(300)
    assert [e.direction for e in events(agency, officer)] == ["in"]
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        clock_out.click()
    assert [e.direction for e in events(agency, officer)] == ["in", "out"]
    expect(clock_in).to_be_visible()
    expect(clock_out).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_movement_form_and_task_log_open_offline_and_a_task_log_entry_is_sent_later(phone):
    from tenant_apps.tasks.models import TaskLogEntry as LogEntry

    agency, officer, url, page = phone
    # Stored in the background once the service worker runs (the home page asks for them).
    for path in ("/movements/new/", "/tasks/log/"):
        page.wait_for_function(f"caches.match('{path}').then(r => r !== undefined)", timeout=20_000)
    page.context.set_offline(True)
    offline_note = gettext_ms("No connection: shown as last synced at {time}.").split("{")[0].strip()
    page.goto(f"{url}/movements/new/")
    expect(page.locator("#movement-form")).to_be_visible()
    expect(page.locator(".synced")).to_contain_text(offline_note)
    page.goto(f"{url}/tasks/log/")
    expect(page.locator("#log-form")).to_be_visible()
    expect(page.locator(".synced")).to_contain_text(offline_note)
    page.locator("#log-description").fill("Menyemak fail tanpa sambungan")
    page.locator("#log-hours").fill("1")
    page.locator("#log-add").click()
    expect(page.locator("#log-form [data-offline-note]")).to_have_text(
        gettext_ms("Saved on this phone — it will be sent when the connection returns.")
    )
    with schema_context(agency.schema_name):
        assert not LogEntry.objects.exists()
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    for _ in range(80):
        with schema_context(agency.schema_name):
            entries = list(LogEntry.objects.filter(officer=officer))
        if entries:
            break
        page.wait_for_timeout(250)
    assert [(e.description, e.minutes) for e in entries] == [("Menyemak fail tanpa sambungan", 60)]
