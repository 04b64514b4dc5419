"""Issue 17, item 4: proxy headers only from configured proxies, e-mailed links from configuration
(never the Host header), hosts matched case- and dot-insensitively, no caching of what a signed-in
user or an API caller is shown."""

from __future__ import annotations

import re

import pytest
from axes.models import AccessAttempt
from django.http import HttpResponse
from django.test import RequestFactory
from django_tenants.utils import schema_context
from rest_framework.request import Request
from rest_framework.throttling import AnonRateThrottle

from spotme.audit.models import AuthEvent, AuthEventKind
from spotme.proxies import TrustedProxyMiddleware, client_address, parse_networks
from tests.fixtures.accounts import WRONG_PASSWORD
from tests.fixtures.agencies import ADMIN_A, PASSWORD

PROXIES = "10.0.0.0/8, fd00::/8"


def failed_login_ip(agency) -> str:
    with schema_context(agency.schema_name):
        return AuthEvent.objects.filter(kind=AuthEventKind.LOGIN_FAILED).latest("pk").ip_address


# --- the client's address -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("peer", "forwarded", "expected"),
    [
        ("198.51.100.7", "203.0.113.9", "198.51.100.7"),  # not a proxy of ours: header ignored
        ("10.0.0.2", "203.0.113.9", "203.0.113.9"),  # the ingress: believed
        ("10.0.0.2", "6.6.6.6, 203.0.113.9", "203.0.113.9"),  # the client's own prefix ignored
        ("10.0.0.2", "203.0.113.9, 10.1.1.1", "203.0.113.9"),  # two proxies of ours
        ("10.0.0.2", "10.9.9.9", "10.9.9.9"),  # only proxies: the farthest one
        ("10.0.0.2", "garbage, 10.1.1.1", "10.1.1.1"),  # unreadable hop: the last proxy's view
        ("10.0.0.2", "", "10.0.0.2"),
        ("fd00::1", "2001:db8::5", "2001:db8::5"),
        ("[2001:db8::9]:443", "203.0.113.9", "2001:db8::9"),
    ],
)
def test_client_address(peer, forwarded, expected):
    meta = {"REMOTE_ADDR": peer, "HTTP_X_FORWARDED_FOR": forwarded}
    assert client_address(meta, parse_networks(PROXIES)) == expected


def test_nothing_is_trusted_by_default(settings):
    assert settings.SPOTME_TRUSTED_PROXIES == ""
    assert client_address({"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}, ()) == "127.0.0.1"


def test_spoofed_forwarded_for_is_recorded_as_the_real_peer(agency_a, client_for):
    client = client_for(agency_a, REMOTE_ADDR="198.51.100.7")
    client.post(
        "/login/", {"username": ADMIN_A, "password": WRONG_PASSWORD}, HTTP_X_FORWARDED_FOR="203.0.113.9"
    )
    assert failed_login_ip(agency_a) == "198.51.100.7"
    with schema_context(agency_a.schema_name):
        assert AccessAttempt.objects.get(username=ADMIN_A).ip_address == "198.51.100.7"  # django-axes


def test_forwarded_for_from_a_configured_proxy_is_honoured(agency_a, client_for, settings):
    settings.SPOTME_TRUSTED_PROXIES = PROXIES
    client = client_for(agency_a, REMOTE_ADDR="10.0.0.2")
    client.post(
        "/login/", {"username": ADMIN_A, "password": WRONG_PASSWORD},
        HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9",
    )
    assert failed_login_ip(agency_a) == "203.0.113.9"
    with schema_context(agency_a.schema_name):
        assert AccessAttempt.objects.get(username=ADMIN_A).ip_address == "203.0.113.9"


def run_middleware(meta: dict, settings, proxies: str):
    settings.SPOTME_TRUSTED_PROXIES = proxies
    request = RequestFactory().get("/", **meta)
    seen = {}

    def view(req):
        seen["secure"] = req.is_secure()
        seen["ident"] = AnonRateThrottle().get_ident(Request(req))
        return HttpResponse()

    TrustedProxyMiddleware(view)(request)
    return seen


def test_https_and_throttle_identity_only_from_a_trusted_proxy(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    headers = {"HTTP_X_FORWARDED_PROTO": "https", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}
    spoofed = run_middleware({"REMOTE_ADDR": "198.51.100.7", **headers}, settings, PROXIES)
    assert spoofed == {"secure": False, "ident": "198.51.100.7"}
    proxied = run_middleware({"REMOTE_ADDR": "10.0.0.2", **headers}, settings, PROXIES)
    assert proxied == {"secure": True, "ident": "203.0.113.9"}


def test_settings_refuse_a_malformed_proxy_list():
    with pytest.raises(ValueError):
        parse_networks("10.0.0.0/8, not-a-network")


# --- links in e-mails -----------------------------------------------------------------------------

LINK = re.compile(r"(https?)://([^/\s]+)(/password/reset/\S+)")


@pytest.mark.parametrize("host_header", ["selangor-test.localhost:6666", "SELANGOR-TEST.localhost."])
def test_reset_link_ignores_the_host_header(
    agency_a, client_for, mailoutbox, django_capture_on_commit_callbacks, settings, host_header
):
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client_for(host_header).post("/password/reset/", {"username": ADMIN_A})
    scheme, host, _ = LINK.search(mailoutbox[-1].body).groups()
    assert (scheme, host) == ("http", agency_a.host)

    settings.SPOTME_PUBLIC_PORT = "8443"
    settings.HTTPS = True
    with django_capture_on_commit_callbacks(execute=True):
        client_for(host_header).post("/password/reset/", {"username": ADMIN_A})
    scheme, host, _ = LINK.search(mailoutbox[-1].body).groups()
    assert (scheme, host) == ("https", f"{agency_a.host}:8443")


# --- host names -----------------------------------------------------------------------------------


@pytest.mark.parametrize("transform", [str.upper, lambda h: h + ".", lambda h: h.upper() + ".:8000"])
def test_upper_case_and_trailing_dot_hosts_are_served(agency_a, client_for, transform):
    client = client_for(transform(agency_a.host))
    page = client.get("/login/")
    assert page.status_code == 200 and agency_a.name in page.content.decode()
    client.login_as(ADMIN_A, PASSWORD)
    assert client.get("/api/v1/me/").status_code == 200


def test_the_apex_is_matched_the_same_way(platform_db, client_for):
    assert client_for("LOCALHOST.").get("/").status_code == 200


# --- caching --------------------------------------------------------------------------------------


def no_store(response) -> bool:
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    return {"no-store", "private"} <= directives


def test_authenticated_pages_and_api_are_not_stored(agency_a, client_for):
    client = client_for(agency_a)
    unauthenticated_api = client.get("/api/v1/me/")
    assert unauthenticated_api.status_code in (401, 403) and no_store(unauthenticated_api)
    client.login_as(ADMIN_A, PASSWORD)
    for path in ("/", "/profile/", "/api/v1/me/"):
        response = client.get(path)
        assert response.status_code == 200 and no_store(response), path
