"""Isolation between agencies: accounts, sessions, cookies, cache."""

from __future__ import annotations

from django.core.cache import cache
from django_tenants.utils import schema_context

from tests.fixtures.agencies import ADMIN_A, ADMIN_B, PASSWORD


def test_user_of_a_cannot_log_in_on_b(agency_a, agency_b, client_for):
    client_b = client_for(agency_b)
    response = client_b.post("/login/", {"username": ADMIN_A, "password": PASSWORD})
    assert response.status_code == 200
    assert not response.wsgi_request.user.is_authenticated
    assert "salah" in response.content.decode() or "incorrect" in response.content.decode()
    ok = client_for(agency_a).post("/login/", {"username": ADMIN_A, "password": PASSWORD})
    assert ok.status_code == 302


def test_session_of_a_is_not_accepted_on_b(agency_a, agency_b, client_for, settings):
    client_a = client_for(agency_a)
    client_a.post("/login/", {"username": ADMIN_A, "password": PASSWORD})
    assert client_a.get("/").status_code == 200
    session_cookie = client_a.cookies[settings.SESSION_COOKIE_NAME].value

    client_b = client_for(agency_b)
    client_b.cookies[settings.SESSION_COOKIE_NAME] = session_cookie
    response = client_b.get("/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert client_b.get("/api/v1/me/").status_code == 403


def test_session_cookie_is_host_only(agency_a, client_for, settings):
    response = client_for(agency_a).post("/login/", {"username": ADMIN_A, "password": PASSWORD})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["domain"] == "", "a Domain attribute would send the cookie to every agency"
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_same_mykad_may_exist_in_two_agencies(provision):
    """Officers transfer: the same MyKad number is a separate account in each agency."""
    from spotme.accounts.models import User

    a = provision("satu", admin_mykad=ADMIN_A).agency
    b = provision("dua", admin_mykad=ADMIN_A).agency
    with schema_context(a.schema_name):
        user_a = User.objects.get(username=ADMIN_A)
    with schema_context(b.schema_name):
        user_b = User.objects.get(username=ADMIN_A)
    assert user_a.password != user_b.password


def test_cached_values_of_a_are_invisible_to_b(agency_a, agency_b, settings):
    assert "redis" in settings.CACHES["default"]["BACKEND"].lower(), "the real Redis cache is under test"
    with schema_context(agency_a.schema_name):
        cache.set("dashboard", "data of A", 60)
        assert cache.get("dashboard") == "data of A"
    with schema_context(agency_b.schema_name):
        assert cache.get("dashboard") is None
        cache.set("dashboard", "data of B", 60)
    with schema_context(agency_a.schema_name):
        assert cache.get("dashboard") == "data of A"
    assert cache.get("dashboard") is None, "the public schema has its own keys too"
    with schema_context(agency_a.schema_name):
        cache.delete("dashboard")
    with schema_context(agency_b.schema_name):
        cache.delete("dashboard")


def test_me_api_answers_only_for_the_agency_of_the_session(agency_a, agency_b, client_for):
    client_a = client_for(agency_a)
    client_a.post("/login/", {"username": ADMIN_A, "password": PASSWORD})
    me = client_a.get("/api/v1/me/").json()
    assert me["mykad"] == ADMIN_A and me["agency"] == agency_a.name
    assert sorted(me["roles"]) == ["pegawai", "pentadbir"]
    client_b = client_for(agency_b)
    client_b.post("/login/", {"username": ADMIN_B, "password": PASSWORD})
    assert client_b.get("/api/v1/me/").json()["agency"] == agency_b.name
