"""The officer's home page on a phone, against a running server (e.g. `make run`):

    .venv/bin/python bench/phone_load.py [--url http://selangor.localhost:8000]
                                         [--username 880404105012] [--password Demo-SpotMe-2026]

With Playwright and Debian's Chromium (/usr/bin/chromium, or SPOTME_CHROMIUM), a 390x844 viewport:

1. bytes of the home page on the first load (empty browser cache, no service worker yet), then of
   the service worker's install (what it stores for offline use, fetched in the background), then
   of a repeat visit (the service worker in control: static files from its cache, the page itself
   from the network);                                             targets: < 250 KB first, < 30 KB repeat
2. time from the start of the navigation to an enabled, visible clock button (Daftar Masuk or
   Daftar Keluar) under Chrome DevTools' "Slow 3G" (CDP Network.emulateNetworkConditions: download
   and upload 500 kbit/s x 0.8, latency 400 ms x 5 = 2 s), cold (first load) and with the service
   worker;                                                                           target: < 3 s
3. the same for the sign-in page, logged out, cold: time to a styled, visible "Log in" button;
4. for both cold loads: the first contentful paint, and the requests the page made before it (each
   costs a 2 s round trip on Slow 3G; only the page itself is unavoidable).

Bytes are counted on the wire by a small TCP proxy in this script between Chromium and the server
(every byte from the server to the browser, headers included, the service worker's own requests
too). The sign-in is not measured. Prints a table and writes bench/results/latest-phone.json."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
SLOW_3G = {
    "offline": False,
    "downloadThroughput": 500 * 1024 / 8 * 0.8,
    "uploadThroughput": 500 * 1024 / 8 * 0.8,
    "latency": 400 * 5,
}
PHONE = {"width": 390, "height": 844}
# Ready to tap: the button shown and enabled, the stylesheets applied (until then nothing is painted)
# and the page's scripts run (clock.js handles the tap: position, idempotency key, offline outbox).
BUTTON_READY = """() => {
  const b = [...document.querySelectorAll('#clock-in, #clock-out')]
    .find(x => !x.hidden && !x.disabled && x.offsetParent !== null);
  const styled = [...document.querySelectorAll('link[rel=stylesheet]')].every(l => l.sheet !== null);
  const scripted = document.readyState !== 'loading' && window.SpotmeOutbox !== undefined;
  return b && styled && scripted ? performance.now() : false;
}"""
LOGIN_READY = """() => {
  const b = document.querySelector('#main form[method=post] button[type=submit]');
  const styled = [...document.querySelectorAll('link[rel=stylesheet]')].every(l => l.sheet !== null)
    && document.body !== null && getComputedStyle(document.body).margin === '0px';
  return b && b.offsetParent !== null && styled ? performance.now() : false;
}"""
# The first contentful paint, the resources requested before it and those that blocked rendering
# (Chromium's renderBlockingStatus), read once the page has loaded (the throttling lifted by then).
BEFORE_PAINT = """() => new Promise(resolve => {
  const done = () => {
    const paint = performance.getEntriesByName('first-contentful-paint')[0];
    if (!paint || document.readyState !== 'complete') return false;
    const all = performance.getEntriesByType('resource');
    const short = r => r.name.replace(location.origin, '');
    resolve({
      fcp: Math.round(paint.startTime),
      requests_before_paint: all.filter(r => r.startTime < paint.startTime).map(short),
      render_blocking: all.filter(r => r.renderBlockingStatus === 'blocking').map(short),
    });
    return true;
  };
  if (!done()) {
    new PerformanceObserver(() => done()).observe({type: 'paint', buffered: true});
    addEventListener('load', () => setTimeout(done, 0));
  }
})"""


class CountingProxy:
    """127.0.0.1:<port> -> the server; counts the bytes the server sends back."""

    def __init__(self, target: tuple[str, int]):
        self.target = target
        self.received = 0
        self.lock = threading.Lock()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def reset(self) -> int:
        with self.lock:
            value, self.received = self.received, 0
        return value

    def _accept(self) -> None:
        while True:
            client, _ = self.listener.accept()
            upstream = socket.create_connection(self.target)
            threading.Thread(target=self._pipe, args=(client, upstream, False), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client, True), daemon=True).start()

    def _pipe(self, source, sink, count: bool) -> None:
        try:
            while data := source.recv(65536):
                if count:
                    with self.lock:
                        self.received += len(data)
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)


def settle(page, seconds: float = 1.5) -> None:
    """Wait until nothing has crossed the wire for a moment (the service worker works after `load`)."""
    page.wait_for_load_state("networkidle")
    time.sleep(seconds)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--url", default="http://selangor.localhost:8000")
    parser.add_argument("--username", default="880404105012")  # make run's Selangor officer
    parser.add_argument("--password", default="Demo-SpotMe-2026")
    parser.add_argument("--runs", type=int, default=5, help="Slow 3G runs of each kind (median)")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    parts = urlsplit(args.url)
    proxy = CountingProxy(("127.0.0.1", parts.port or 80))
    base = f"{parts.scheme}://{parts.hostname}:{proxy.port}"
    chromium = os.environ.get("SPOTME_CHROMIUM", "/usr/bin/chromium")
    results: dict = {"url": args.url, "slow_3g": SLOW_3G}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])

        def signed_in_context():
            context = browser.new_context(viewport=PHONE, locale="ms-MY", timezone_id="Asia/Kuala_Lumpur")
            page = context.new_page()
            page.goto(f"{base}/login/")
            page.fill("#id_username", args.username)
            page.fill("#id_password", args.password)
            with page.expect_navigation():
                page.click("#main form[method=post] button[type=submit]")
            cookies = context.cookies()
            context.close()
            fresh = browser.new_context(viewport=PHONE, locale="ms-MY", timezone_id="Asia/Kuala_Lumpur")
            fresh.add_cookies(cookies)  # signed in, with an empty cache and no service worker
            return fresh

        # 1. bytes ----------------------------------------------------------------------------
        context = signed_in_context()
        page = context.new_page()
        proxy.reset()
        page.goto(f"{base}/", wait_until="load")
        first = proxy.reset()
        page.wait_for_function(
            "navigator.serviceWorker.ready.then(r => r.active && r.active.state === 'activated')"
        )
        settle(page)
        install = proxy.reset()
        page.goto(f"{base}/", wait_until="load")
        settle(page)
        repeat = proxy.reset()
        controlled = page.evaluate("navigator.serviceWorker.controller !== null")
        context.close()
        results["bytes"] = {
            "first_load": first,
            "service_worker_install": install,
            "repeat_visit": repeat,
            "repeat_controlled_by_service_worker": controlled,
        }

        # 2. time to an enabled clock button under Slow 3G ---------------------------------------
        paints: dict[str, list] = {"home": [], "login": []}

        def timed(page, path: str = "/", ready: str = BUTTON_READY, paint: str | None = None) -> float:
            cdp = page.context.new_cdp_session(page)
            cdp.send("Network.enable")
            cdp.send("Network.emulateNetworkConditions", SLOW_3G)
            page.goto(f"{base}{path}", wait_until="commit", timeout=120_000)
            ms = page.wait_for_function(ready, polling=20, timeout=120_000).json_value()
            cdp.send(
                "Network.emulateNetworkConditions",
                {**SLOW_3G, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
            )
            if paint:
                paints[paint].append(page.evaluate(BEFORE_PAINT))
            return round(ms)

        cold, warm, login = [], [], []
        for _ in range(args.runs):
            context = browser.new_context(viewport=PHONE, locale="ms-MY", timezone_id="Asia/Kuala_Lumpur")
            login.append(timed(context.new_page(), "/login/", LOGIN_READY, "login"))
            context.close()
            context = signed_in_context()
            page = context.new_page()
            cold.append(timed(page, paint="home"))
            page.wait_for_function(
                "navigator.serviceWorker.ready.then(r => r.active && r.active.state === 'activated')",
                timeout=120_000,
            )
            settle(page, 0.5)
            warm.append(timed(page))
            context.close()
        results["button_ms_slow_3g"] = {
            "first_load": cold,
            "service_worker": warm,
            "first_load_median": sorted(cold)[len(cold) // 2],
            "service_worker_median": sorted(warm)[len(warm) // 2],
            "login_first_load": login,
            "login_first_load_median": sorted(login)[len(login) // 2],
        }
        results["first_paint_slow_3g"] = paints
        browser.close()

    b, t = results["bytes"], results["button_ms_slow_3g"]
    print(f"home page, first load        {b['first_load'] / 1024:7.1f} KB   (target < 250 KB)")
    print(f"service worker install       {b['service_worker_install'] / 1024:7.1f} KB   (background)")
    print(
        f"home page, repeat visit      {b['repeat_visit'] / 1024:7.1f} KB   (target < 30 KB; "
        f"controlled by the service worker: {b['repeat_controlled_by_service_worker']})"
    )
    print(
        f"Slow 3G, clock button, first load   {t['first_load_median']:6d} ms  {t['first_load']}  (< 3000 ms)"
    )
    print(f"Slow 3G, clock button, with the SW  {t['service_worker_median']:6d} ms  {t['service_worker']}")
    print(
        f"Slow 3G, sign-in button, first load {t['login_first_load_median']:6d} ms  {t['login_first_load']}"
    )
    for name, runs in results["first_paint_slow_3g"].items():
        fcp = sorted(r["fcp"] for r in runs)[len(runs) // 2]
        print(
            f"Slow 3G, {name}, first contentful paint {fcp:6d} ms; requested before it: "
            f"{runs[0]['requests_before_paint']}; render-blocking: {runs[0]['render_blocking']}"
        )
    out = ROOT / "bench" / "results" / "latest-phone.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=2))
    print(f"written to {out.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
