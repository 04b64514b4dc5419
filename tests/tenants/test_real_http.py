"""The same isolation over real HTTP, against a live server (the browser tests use it too)."""

from __future__ import annotations

import http.client
import re
from urllib.parse import urlencode, urlparse

from provisioning.services import provision_agency
from tests.fixtures.agencies import ADMIN_A, ADMIN_B, PASSWORD, activate_admin, make_request


class HostHTTP:
    """A minimal HTTP client that talks to the live server with a chosen Host header and keeps its
    own cookies, as a browser would keep them for that host only."""

    def __init__(self, live_server_url: str, host: str):
        parsed = urlparse(live_server_url)
        self.addr, self.port, self.host = parsed.hostname, parsed.port, f"{host}:{parsed.port}"
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None):
        conn = http.client.HTTPConnection(self.addr, self.port, timeout=30)
        headers = {"Host": self.host, "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{self.host}{path}"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        raw_cookies = response.headers.get_all("Set-Cookie") or []
        for raw in raw_cookies:
            name, value = raw.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        text = response.read().decode()
        conn.close()
        return response.status, response.headers, raw_cookies, text

    def login(self, username: str, password: str):
        _, _, _, page = self.request("GET", "/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        return self.request(
            "POST", "/login/", {"csrfmiddlewaretoken": token, "username": username, "password": password}
        )


def test_isolation_over_real_http(live_platform, live_server):
    a = provision_agency(make_request("http-a", admin_mykad=ADMIN_A)).agency
    b = provision_agency(make_request("http-b", admin_mykad=ADMIN_B)).agency
    activate_admin(a, ADMIN_A)
    activate_admin(b, ADMIN_B)

    assert HostHTTP(live_server.url, "localhost").request("GET", "/")[0] == 200
    assert HostHTTP(live_server.url, "tiada.localhost").request("GET", "/")[0] == 404

    on_a = HostHTTP(live_server.url, a.host)
    status, headers, set_cookies, _ = on_a.login(ADMIN_A, PASSWORD)
    assert status == 302 and headers["Location"] == "/"
    session = [c for c in set_cookies if c.startswith("spotme_session=")][0]
    assert "domain=" not in session.lower(), "host-only cookie"
    assert "httponly" in session.lower()
    assert on_a.request("GET", "/")[0] == 200

    # The same cookie presented to agency B (as a stolen or mis-scoped cookie would be) is worthless.
    on_b = HostHTTP(live_server.url, b.host)
    on_b.cookies = dict(on_a.cookies)
    status, headers, _, _ = on_b.request("GET", "/")
    assert status == 302 and headers["Location"].startswith("/login/")
    # A's admin cannot log in on B either.
    assert on_b.login(ADMIN_A, PASSWORD)[0] == 200
