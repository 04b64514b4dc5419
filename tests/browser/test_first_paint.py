"""What the first paint of a phone page waits for (issue 16: the clock button in < 3 s on Slow 3G).

On Chrome DevTools' "Slow 3G" every request costs a ~2 s round trip, so the sign-in page and the
officer's home page must paint from their own response: no render-blocking stylesheet or script (the
stylesheet and the menu script come inside the page under the response's CSP nonce, and on the home
page the clock card's scripts too), the page compressed, and small. These are structural facts,
checked here in Chromium without throttling; the times are measured by bench/phone_load.py
(BENCHMARKS.md), not asserted."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from provisioning.services import provision_agency
from tenant_apps.people.actions import create_officer
from tests.fixtures.agencies import PASSWORD, make_request
from tests.fixtures.browser import PHONE_VIEWPORT, log_in
from tests.fixtures.people import activate

pytestmark = pytest.mark.browser

SUBDOMAIN = "cat-pertama"
OFFICER = ("910101105031", "Siti binti Cat")
# The page as sent (gzip): the home page with its stylesheet and clock scripts inside is ~12 KB.
MAX_PAGE_BYTES = 20 * 1024

# Read after `load`: what blocked rendering (Chromium's renderBlockingStatus), the page's own transfer,
# and whether the inline stylesheet and scripts ran under the policy (a blocked <style> leaves the page
# unstyled, a blocked script leaves the menu button hidden).
FACTS = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  return {
    blocking: performance.getEntriesByType('resource')
      .filter(r => r.renderBlockingStatus === 'blocking').map(r => r.name),
    // Leaflet's, added by maps.js once the page is up, is not in the page as sent.
    stylesheets: [...document.querySelectorAll('link[rel=stylesheet]:not([data-leaflet])')].map(l => l.href),
    parserBlockingScripts: [...document.querySelectorAll('script[src]')]
      .filter(s => !s.defer && !s.async && s.type !== 'module').map(s => s.src),
    pageBytes: nav.encodedBodySize,
    decodedBytes: nav.decodedBodySize,
    styled: getComputedStyle(document.body).margin === '0px',
    menuScript: document.documentElement.classList.contains('js'),
    outbox: window.SpotmeOutbox !== undefined,
  };
}"""


@pytest.fixture
def agency_url(live_url):
    agency = provision_agency(make_request(SUBDOMAIN), notify=False).agency
    with schema_context(agency.schema_name):
        activate(create_officer(mykad=OFFICER[0], full_name=OFFICER[1], notify=False).officer)
    return live_url(SUBDOMAIN)


def facts_of(page) -> dict:
    page.wait_for_load_state("load")
    return page.evaluate(FACTS)


def assert_paints_from_its_own_response(facts: dict) -> None:
    assert facts["blocking"] == [], "render-blocking requests"
    assert facts["stylesheets"] == [], "a stylesheet by URL blocks the first paint"
    assert facts["parserBlockingScripts"] == [], "a script without defer/async stops the parser"
    assert facts["styled"] and facts["menuScript"], "the inline stylesheet or menu script did not run"
    assert 0 < facts["pageBytes"] <= MAX_PAGE_BYTES
    assert facts["pageBytes"] * 2 < facts["decodedBytes"], "the page is sent compressed"


def test_sign_in_and_home_paint_without_waiting_for_other_files(agency_url, new_page):
    # A first visit: no service worker (its copies would hide what the server sends).
    page = new_page(viewport={"width": 360, "height": 740}, service_workers="block")
    violations = []
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))

    response = page.goto(f"{agency_url}/login/")
    assert response.headers["content-encoding"] == "gzip"
    assert_paints_from_its_own_response(facts_of(page))

    log_in(page, OFFICER[0], PASSWORD)
    expect(page).to_have_url(f"{agency_url}/")
    facts = facts_of(page)
    assert_paints_from_its_own_response(facts)
    # The clock card's scripts came with the page: the outbox (pwa.js) exists and the button works.
    assert facts["outbox"]
    expect(page.locator("#clock-in")).to_be_enabled()
    assert violations == []


def test_other_pages_load_the_clock_scripts_by_url(agency_url, new_page):
    """Only the home page carries pwa.js inside; other pages keep it a deferred, cached file."""
    page = new_page(viewport=PHONE_VIEWPORT, service_workers="block")
    page.goto(f"{agency_url}/login/")
    log_in(page, OFFICER[0], PASSWORD)
    page.goto(f"{agency_url}/movements/new/")
    assert page.locator("script[src$='/static/spotme/pwa.js'][defer]").count() == 1
    assert_paints_from_its_own_response(facts_of(page))
    # The map's stylesheet comes after the first paint (maps.js), and the map is drawn with it.
    expect(page.locator("link[data-leaflet]")).to_have_count(1)
    expect(page.locator("[data-map=picker][data-ready='1']")).to_have_count(1)
