"""Maps (Leaflet from our static files) on real tiles from a tile server of our own on loopback (a small
real HTTP server answering every /{z}/{x}/{y}.png with a PNG), SPOTME_MAP_TILE_URL pointed at it and the
CSP's img-src opened to it, as the settings do for the configured server:

  * the org admin places an office location by clicking the map (pin and radius circle drawn, the
    latitude/longitude fields filled and saved), and a typed longitude of 10.33 is refused with the
    message next to the field;
  * the officer's "use my location" on the movement form fills the pin from the phone's position;
  * the supervisor's dashboard shows the team's last known locations on tiles, each with its name
    inside the map;
  * the list of office locations draws the active ones with their radius, and a movement's page its
    location's pin (none without one)."""

from __future__ import annotations

import struct
import threading
import zlib
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from provisioning.services import provision_agency
from spotme.settings import map_tile_source
from tenant_apps.attendance import services
from tenant_apps.attendance.models import OfficeSite
from tenant_apps.organisation.models import Role
from tenant_apps.people.actions import create_officer
from tests.fixtures.agencies import ADMIN_A, PASSWORD, activate_admin, make_request
from tests.fixtures.attendance import INSIDE, OFFICE, OUTSIDE
from tests.fixtures.browser import PHONE_VIEWPORT, log_in
from tests.fixtures.people import activate

pytestmark = pytest.mark.browser

SUBDOMAIN = "jabatan-peta"
SUPERVISOR = ("800808105021", "Penyelia Peta")
OFFICERS = [("930909105022", "Zulaikha binti Omar"), ("940404105023", "Ravindran a/l Suppiah")]


def png(size: int = 256) -> bytes:
    """A plain light-grey PNG tile."""
    raw = b"".join(b"\x00" + b"\xdd\xdd\xdd" * size for _ in range(size))

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def tile_server(settings):
    """A tile server on loopback; SPOTME_MAP_TILE_URL and the CSP point at it. Yields the list of
    tile paths requested."""
    tile = png()
    requested: list[str] = []

    class Tiles(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (http.server's name)
            requested.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Content-Length", str(len(tile)))
            self.end_headers()
            self.wfile.write(tile)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Tiles)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}/{{z}}/{{x}}/{{y}}.png"
    settings.SPOTME_MAP_TILE_URL = url
    policy = {
        **settings.CONTENT_SECURITY_POLICY,
        "DIRECTIVES": dict(settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]),
    }
    policy["DIRECTIVES"]["img-src"] = ["'self'", "data:", map_tile_source(url)]
    settings.CONTENT_SECURITY_POLICY = policy
    yield requested
    server.shutdown()
    server.server_close()


def set_up():
    agency = provision_agency(make_request(SUBDOMAIN), notify=False).agency
    activate_admin(agency, ADMIN_A)
    with schema_context(agency.schema_name):
        site = OfficeSite.objects.create(
            name="Ibu Pejabat", latitude=OFFICE[0], longitude=OFFICE[1], radius_m=200
        )
        boss = activate(
            create_officer(
                mykad=SUPERVISOR[0], full_name=SUPERVISOR[1], roles=[Role.SUPERVISOR], notify=False
            ).officer
        )
        officers = [
            activate(create_officer(mykad=m, full_name=n, supervisor=boss, notify=False).officer)
            for m, n in OFFICERS
        ]
        now = timezone.now()
        clocked = services.clock(officers[0], "in", position=INSIDE, now=now)
        services.clock(officers[1], "in", position=OUTSIDE, now=now)
    # 00:00–03:30 a punch belongs to the previous day's shift: today's map cannot show it.
    return agency, site, clocked.attendance_date == timezone.localdate()


def signed_in(new_page, url, mykad, **options):
    page = new_page(viewport=PHONE_VIEWPORT, **options)
    errors = []
    # Script errors and CSP refusals; not the status of a page (the refused form answers 400) or of
    # /favicon.ico (not this branch's).
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and not m.text.startswith("Failed to load resource")
            else None
        ),
    )
    page.goto(f"{url}/login/")
    log_in(page, mykad, PASSWORD)
    expect(page).to_have_url(f"{url}/")
    return page, errors


def test_office_location_on_the_map_use_my_location_and_the_team_on_tiles(live_url, new_page, tile_server):
    agency, site, clocked_today = set_up()
    url = live_url(SUBDOMAIN)

    # --- the org admin: the office location's pin and radius on tiles; a click moves it -------------
    admin, admin_errors = signed_in(new_page, url, ADMIN_A)
    admin.goto(f"{url}/attendance/admin/sites/{site.pk}/edit/")
    picker = admin.locator("[data-map=picker]")
    expect(picker).to_have_attribute("data-ready", "1")
    expect(picker.locator("img.leaflet-tile-loaded").first).to_be_visible()
    assert tile_server, "tiles were fetched from the configured tile server"
    expect(picker.locator(".leaflet-marker-icon")).to_have_count(1)
    expect(picker.locator("path.leaflet-interactive")).to_have_count(1)  # the radius circle
    before = admin.locator("#id_latitude").input_value(), admin.locator("#id_longitude").input_value()
    box = picker.bounding_box()
    picker.click(position={"x": box["width"] * 0.8, "y": box["height"] * 0.3})
    after = admin.locator("#id_latitude").input_value(), admin.locator("#id_longitude").input_value()
    assert after != before, "a click on the map places the pin"
    admin.locator("#save-site").click()
    expect(admin).to_have_url(f"{url}/attendance/admin/sites/")
    with schema_context(agency.schema_name):
        site.refresh_from_db()
        assert (f"{site.latitude:.6f}", f"{site.longitude:.6f}") == (
            f"{float(after[0]):.6f}",
            f"{float(after[1]):.6f}",
        )
    # A typo in the longitude (the Mediterranean) is refused, next to the field.
    admin.goto(f"{url}/attendance/admin/sites/{site.pk}/edit/")
    admin.locator("#id_longitude").fill("10.33")
    admin.locator("#save-site").click()
    expect(admin.locator("#main")).to_contain_text("di luar Malaysia")
    assert not admin_errors, admin_errors

    # --- the officer: "Guna lokasi saya" on the movement form -------------------------------------
    here = {"latitude": 3.139003, "longitude": 101.686855, "accuracy": 12}
    officer, officer_errors = signed_in(new_page, url, OFFICERS[0][0], geolocation=here)
    officer.context.grant_permissions(["geolocation"], origin=url)
    officer.goto(f"{url}/movements/new/")
    locate = officer.locator("[data-locate]")
    expect(locate).to_be_visible()
    locate.click()
    expect(officer.locator("#id_latitude")).to_have_value("3.139003")
    expect(officer.locator("#id_longitude")).to_have_value("101.686855")
    expect(officer.locator("[data-map=picker] .leaflet-marker-icon")).to_have_count(1)
    assert not officer_errors, officer_errors

    # --- the supervisor: the team's last known locations on tiles, names inside the map --------------
    tile_server.clear()
    boss, boss_errors = signed_in(new_page, url, SUPERVISOR[0])
    boss.goto(f"{url}/dashboard/team/")
    team_map = boss.locator("#team-map")
    expect(team_map).to_have_attribute("data-rendered", "1")
    expect(team_map.locator("img.leaflet-tile-loaded").first).to_be_visible()
    assert tile_server, "the team map's tiles come from the configured tile server"
    expect(team_map.locator("path.leaflet-interactive").first).to_be_visible()  # the office circle
    if clocked_today:
        expect(team_map).to_have_attribute("data-points", "2")
        names = team_map.locator(".team-name")
        expect(names).to_have_count(2)
        frame = team_map.bounding_box()
        for _mykad, name in OFFICERS:
            label = names.filter(has_text=name)
            expect(label).to_be_visible()
            b = label.bounding_box()
            assert frame["x"] <= b["x"] and b["x"] + b["width"] <= frame["x"] + frame["width"], name
    assert not boss_errors, boss_errors


def test_office_locations_list_and_a_movement_location_drawn_on_tiles(live_url, new_page, tile_server):
    """The org admin's list of office locations opens with their circles on a map; an officer's
    movement with a location shows its pin on the movement's page; one without a location, no map."""
    from tenant_apps.movements import services as movements
    from tenant_apps.people.models import Officer

    agency, site, _ = set_up()
    url = live_url(SUBDOMAIN)
    with schema_context(agency.schema_name):
        OfficeSite.objects.create(name="Cawangan Klang", latitude=3.0449, longitude=101.4456, radius_m=150)
        OfficeSite.objects.create(
            name="Pejabat Lama", latitude=3.1, longitude=101.5, radius_m=100, is_active=False
        )
        officer = Officer.objects.get(user__username=OFFICERS[0][0])
        common = dict(whole_day=True, start_time=None, end_time=None, kind="meeting", purpose="Mesyuarat")
        day = timezone.localdate() + timedelta(days=1)
        pinned = movements.create_movement(
            officer,
            dict(common, date=day, place="Putrajaya", latitude=2.9264, longitude=101.6964),
        )
        unpinned = movements.create_movement(
            officer, dict(common, date=day + timedelta(days=1), place="Shah Alam")
        )

    admin, admin_errors = signed_in(new_page, url, ADMIN_A)
    admin.goto(f"{url}/attendance/admin/sites/")
    sites_map = admin.locator("#sites-map")
    expect(sites_map).to_have_attribute("data-rendered", "1")
    expect(sites_map).to_have_attribute("data-sites", "2")  # the active ones
    expect(sites_map.locator("img.leaflet-tile-loaded").first).to_be_visible()
    expect(sites_map.locator("path.leaflet-interactive")).to_have_count(2)  # their radius circles
    assert not admin_errors, admin_errors

    tile_server.clear()
    page, errors = signed_in(new_page, url, OFFICERS[0][0])
    page.goto(f"{url}/movements/{pinned.pk}/")
    movement_map = page.locator("#movement-map")
    expect(movement_map).to_have_attribute("data-points", "1")
    expect(movement_map.locator(".leaflet-marker-icon")).to_have_count(1)
    expect(movement_map.locator("img.leaflet-tile-loaded").first).to_be_visible()
    assert tile_server, "the movement's map tiles come from the configured tile server"
    page.goto(f"{url}/movements/{unpinned.pk}/")
    expect(page.locator("#movement-details")).to_have_count(1)
    expect(page.locator("#movement-map")).to_have_count(0)
    assert page.locator("script[src*='leaflet']").count() == 0, "no Leaflet on a page without a map"
    assert not errors, errors
