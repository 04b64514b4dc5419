"""Web Push in a real browser: the notification settings page turns push on and off for this
device, and what the platform then pushes reaches the device; the service worker's push handler
shows it.

What Chromium cannot do here, and how the test stands in for it: a real subscription needs the
browser's push service (Google's FCM for Chromium), which is out of reach, so `PushManager.subscribe`
and `getSubscription` are replaced (init script) by a stand-in that returns the subscription of a
real receiver on loopback (tests/fixtures/push_receiver.py) and records the
applicationServerKey it was given. Everything else is real: the permission prompt (granted through
the browser context), the page's script and its button states, the POST to the API, the server's
encrypted and VAPID-signed delivery, which the receiver verifies and decrypts. The service worker
is the real sw-push.js, registered by the test at the site's root (the PWA's own /sw.js, which will
import it, comes from another branch; the test serves a one-line /sw.js that imports it), and gets
its push event from Chromium's DevTools protocol (ServiceWorker.deliverPushMessage), as the push
service would deliver it. Clicking the shown notification cannot be driven from here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from tenant_apps.attendance import services as attendance
from tenant_apps.notifications.models import PushSubscription
from tests.fixtures.agencies import PASSWORD
from tests.fixtures.attendance import OUTSIDE
from tests.fixtures.browser import log_in
from tests.fixtures.people import agency_with_team
from tests.fixtures.push_receiver import unb64url

pytestmark = pytest.mark.browser

SUBDOMAIN = "jabatan-tolak"
SUPERVISOR = ("800606105017", "Penyelia Tolak")
OFFICER = ("930303105018", "Dayang binti Ismail")
# The browser's push service, stood in for (see the module's docstring). Kept in localStorage so a
# reload still finds "this browser's" subscription, as a real one would.
FAKE_PUSH_SERVICE = """
(() => {
  const subscription = %s;
  const KEY = "spotme-test-push-key";
  function stored() {
    const key = window.localStorage.getItem(KEY);
    if (!key) { return null; }
    return {
      endpoint: subscription.endpoint,
      expirationTime: null,
      options: { userVisibleOnly: true, applicationServerKey: new Uint8Array(JSON.parse(key)).buffer },
      toJSON: () => subscription,
      unsubscribe: () => { window.localStorage.removeItem(KEY); return Promise.resolve(true); },
    };
  }
  PushManager.prototype.subscribe = function (options) {
    const key = Array.from(new Uint8Array(options.applicationServerKey));
    window.localStorage.setItem(KEY, JSON.stringify(key));
    return Promise.resolve(stored());
  };
  PushManager.prototype.getSubscription = function () { return Promise.resolve(stored()); };
})();
"""


def set_up_agency():
    return agency_with_team(SUBDOMAIN, SUPERVISOR, OFFICER)


def browser_with_root_worker(new_page, base: str, subscription: dict | None = None):
    page = new_page()
    page.context.grant_permissions(["notifications"], origin=base)
    # The product's own service worker (/sw.js, spotme/web/pwa.py), which imports sw-push.js.
    if subscription is not None:
        page.add_init_script(FAKE_PUSH_SERVICE % json.dumps(subscription))
    page.goto(base + "/login/")
    log_in(page, SUPERVISOR[0], PASSWORD)
    page.evaluate(
        "() => navigator.serviceWorker.register('/sw.js').then(() => navigator.serviceWorker.ready)"
    )
    return page


def test_push_turned_on_in_the_browser_reaches_the_device_and_turns_off(
    new_page,
    live_url,
    vapid,
    push_receiver,
):
    agency, supervisor, officer = set_up_agency()
    device = push_receiver()
    subscription = device.subscription()
    base = live_url(SUBDOMAIN)
    page = browser_with_root_worker(new_page, base, subscription)
    page.goto(base + "/notifications/preferences/")
    status, turn_on, turn_off = (
        page.locator("#push-status"),
        page.locator("#push-on"),
        page.locator("#push-off"),
    )
    expect(status).to_have_text("Notifikasi push dimatikan bagi peranti ini.")
    expect(turn_on).to_be_visible()
    expect(turn_off).to_be_hidden()

    with page.expect_response(lambda r: r.url.endswith("/api/v1/notifications/push/subscriptions/")) as sent:
        turn_on.click()
    assert sent.value.status == 201
    assert sent.value.request.post_data_json == subscription
    expect(status).to_have_text("Notifikasi push diaktifkan bagi peranti ini.")
    expect(turn_off).to_be_visible()
    expect(turn_on).to_be_hidden()
    key = page.evaluate("() => JSON.parse(localStorage.getItem('spotme-test-push-key'))")
    assert bytes(key) == unb64url(vapid.public_key), "subscribed with the server's VAPID public key"
    with schema_context(agency.schema_name):
        assert PushSubscription.objects.filter(
            user=supervisor.user, endpoint=subscription["endpoint"]
        ).exists()

    page.reload()  # the server knows this browser's subscription: still on
    expect(status).to_have_text("Notifikasi push diaktifkan bagi peranti ini.")
    expect(page.locator("#push-devices li")).to_have_count(1)

    with schema_context(agency.schema_name):
        attendance.clock(officer, "in", position=OUTSIDE, now=timezone.now())
    assert device.errors == []
    [delivery] = device.received
    assert delivery.payload["body"] == f"{OFFICER[1]} telah mendaftar masuk dari luar kawasan pejabat"

    with page.expect_response(lambda r: r.url.endswith("/api/v1/notifications/push/unsubscribe/")) as gone:
        turn_off.click()
    assert gone.value.json() == {"removed": 1}
    expect(status).to_have_text("Notifikasi push dimatikan bagi peranti ini.")
    expect(turn_on).to_be_visible()
    with schema_context(agency.schema_name):
        assert not PushSubscription.objects.exists()


# The person answers "Block" to the browser's question (Playwright can grant a permission but not
# deny one, and headless Chromium shows no prompt): the question and its answer are stood in for.
ANSWER_BLOCK = """
(() => {
  const KEY = "spotme-test-permission";  // the browser remembers the answer (per site)
  Object.defineProperty(Notification, "permission", {
    get: () => window.sessionStorage.getItem(KEY) || "default",
  });
  Notification.requestPermission = () => {
    window.sessionStorage.setItem(KEY, "denied");
    return Promise.resolve("denied");
  };
})();
"""


def test_notifications_blocked_in_the_browser_are_explained(
    new_page,
    live_url,
    vapid,
    push_receiver,
):
    agency, _supervisor, _officer = set_up_agency()
    base = live_url(SUBDOMAIN)
    page = browser_with_root_worker(new_page, base, push_receiver().subscription())
    page.add_init_script(ANSWER_BLOCK)
    page.goto(base + "/notifications/preferences/")
    blocked = (
        "Notifikasi bagi SPOT-Me disekat dalam pelayar ini. Benarkan notifikasi dalam tetapan pelayar, "
        "kemudian cuba lagi."
    )
    posted = []
    page.on("request", lambda r: posted.append(r.url) if r.method == "POST" else None)
    page.locator("#push-on").click()
    expect(page.locator("#push-status")).to_have_text(blocked)
    expect(page.locator("#push-on")).to_be_hidden()
    expect(page.locator("#push-off")).to_be_hidden()
    page.reload()  # asked before and blocked: said at once
    expect(page.locator("#push-status")).to_have_text(blocked)
    assert posted == [] or all("/push/" not in url for url in posted)
    with schema_context(agency.schema_name):
        assert not PushSubscription.objects.exists()


def test_the_service_worker_shows_a_pushed_notification(new_page, live_url, vapid):
    set_up_agency()
    base = live_url(SUBDOMAIN)
    page = browser_with_root_worker(new_page, base)
    cdp = page.context.new_cdp_session(page)
    registrations = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda e: registrations.extend(e["registrations"]))
    cdp.send("ServiceWorker.enable")
    for _ in range(50):
        if any(r["scopeURL"] == base + "/" for r in registrations):
            break
        page.wait_for_timeout(100)
    [registration] = [r for r in registrations if r["scopeURL"] == base + "/" and not r["isDeleted"]][:1]
    payload = {
        "title": "Pergerakan baharu",
        "body": "Dayang binti Ismail telah memasukkan pergerakan baru",
        "url": "/movements/team/",
        "tag": "spotme-notification-7",
        "lang": "ms",
    }
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": base, "registrationId": registration["registrationId"], "data": json.dumps(payload)},
    )
    shown = page.evaluate(
        """async () => {
          const reg = await navigator.serviceWorker.ready;
          for (let i = 0; i < 50; i++) {
            const all = await reg.getNotifications();
            if (all.length) {
              return all.map(n => ({
                title: n.title, body: n.body, tag: n.tag, url: n.data.url, lang: n.lang,
              }));
            }
            await new Promise(r => setTimeout(r, 100));
          }
          return [];
        }"""
    )
    assert shown == [
        {
            "title": "Pergerakan baharu",
            "body": "Dayang binti Ismail telah memasukkan pergerakan baru",
            "tag": "spotme-notification-7",
            "url": base + "/movements/team/",
            "lang": "ms",
        }
    ]


AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"


def test_the_settings_page_on_a_phone_has_no_sideways_scroll_and_no_serious_axe_finding(
    new_page, live_url, vapid, push_receiver
):
    from tenant_apps.notifications import push

    agency, supervisor, _officer = set_up_agency()
    subscription = push_receiver().subscription()
    with schema_context(agency.schema_name):
        push.subscribe(
            supervisor.user,
            endpoint=subscription["endpoint"],
            p256dh=subscription["keys"]["p256dh"],
            auth=subscription["keys"]["auth"],
            user_agent="Mozilla/5.0 (Linux; Android 14; SM-A546E) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Mobile Safari/537.36",
        )
    base = live_url(SUBDOMAIN)
    page = new_page(viewport={"width": 360, "height": 740}, bypass_csp=True)  # axe is injected inline
    page.goto(base + "/login/")
    log_in(page, SUPERVISOR[0], PASSWORD)
    page.goto(base + "/notifications/preferences/")
    expect(page.locator("#push-devices li")).to_have_count(1)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact)).map(v => v.id + ': ' + v.help)"
    )
    assert violations == []


def worker_of(page, base: str):
    """The site's service worker, as Playwright reaches it (its global scope, for evaluate)."""
    for _ in range(50):
        workers = [w for w in page.context.service_workers if w.url.startswith(base + "/")]
        if workers:
            return workers[0]
        page.wait_for_timeout(100)
    raise AssertionError("no service worker")


def test_the_service_worker_renews_a_subscription_the_push_service_changed(
    new_page, live_url, vapid, push_receiver
):
    """What `pushsubscriptionchange` does (sw-push.js renewSubscription): subscribe again with the
    server's VAPID key, POST the new subscription, remove the old one; the session's cookie and the
    CSRF token from GET push/ authorise it. Chromium never fires the event (Firefox and Safari do)
    and a script cannot make a trusted one, so the test calls the handler's function inside the real
    worker; PushManager.subscribe is stood in for there, as in the page above (no FCM here)."""
    from tenant_apps.notifications import push

    agency, supervisor, _officer = set_up_agency()
    device = push_receiver()
    old, new = device.subscription("before-change"), device.subscription("after-change")
    with schema_context(agency.schema_name):
        push.subscribe(
            supervisor.user,
            endpoint=old["endpoint"],
            p256dh=old["keys"]["p256dh"],
            auth=old["keys"]["auth"],
        )
        public_key = push.public_key()
    base = live_url(SUBDOMAIN)
    page = browser_with_root_worker(new_page, base)
    worker = worker_of(page, base)
    created = worker.evaluate(
        """async ([old, fresh]) => {
          self.__keys = [];
          self.registration.pushManager.subscribe = (options) => {
            self.__keys.push(Array.from(new Uint8Array(options.applicationServerKey)));
            return Promise.resolve({ endpoint: fresh.endpoint, toJSON: () => fresh });
          };
          return self.SpotmePush.renewSubscription({ endpoint: old.endpoint }, null);
        }""",
        [old, new],
    )
    assert created["service"] == "127.0.0.1"
    assert bytes(worker.evaluate("self.__keys[0]")) == unb64url(public_key)
    with schema_context(agency.schema_name):
        endpoints = list(PushSubscription.objects.values_list("endpoint", flat=True))
    assert endpoints == [new["endpoint"]], "the new subscription stored, the old one removed"

    # Signed out, the API refuses the worker (no session): nothing changes.
    page.context.clear_cookies()
    refused = worker.evaluate(
        """async ([old, fresh]) => self.SpotmePush.renewSubscription({ endpoint: fresh.endpoint }, null)
             .then(() => "renewed", (e) => e.message)""",
        [old, new],
    )
    assert refused.startswith("push API : 403") or refused.startswith("push API : 401"), refused
    with schema_context(agency.schema_name):
        assert list(PushSubscription.objects.values_list("endpoint", flat=True)) == [new["endpoint"]]


def test_a_click_on_a_notification_brings_forward_the_right_window(new_page, live_url, vapid):
    """Which window `notificationclick` focuses (sw-push.js pickWindow), evaluated in the real worker
    with stand-in window clients: Chromium's DevTools protocol can show a notification but not click
    it, so the click itself (focus, navigate, openWindow) is not driven here."""
    set_up_agency()
    base = live_url(SUBDOMAIN)
    page = browser_with_root_worker(new_page, base)
    worker = worker_of(page, base)
    chosen = worker.evaluate(
        """(origin) => {
          const P = self.SpotmePush;
          const w = (url, focused) => ({ url, focused });
          const home = w(origin + "/", false), team = w(origin + "/movements/team/", false);
          const tasks = w(origin + "/tasks/", true), other = w("https://elsewhere.example/", true);
          const name = (r) => r && [r[0].url, r[1]];
          const target = P.sameOriginUrl("/movements/team/");
          return {
            target,
            exact: name(P.pickWindow([home, tasks, team], target)),
            focused: name(P.pickWindow([home, tasks], target)),
            first: name(P.pickWindow([home], target)),
            none: P.pickWindow([other], target),
            foreign: P.sameOriginUrl("https://evil.example/phish"),
            empty: P.sameOriginUrl(undefined),
          };
        }""",
        base,
    )
    assert chosen == {
        "target": base + "/movements/team/",
        "exact": [base + "/movements/team/", False],  # already there: just focused
        "focused": [base + "/tasks/", True],  # the window in use, taken to the page
        "first": [base + "/", True],
        "none": None,  # no window of the app: a new one opens
        "foreign": base + "/notifications/",  # never another site, whatever a payload says
        "empty": base + "/notifications/",
    }
