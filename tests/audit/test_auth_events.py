"""Authentication events (login, failed login, password change) carry who, when, IP and user agent."""

from __future__ import annotations

from spotme.audit.models import AuthEventKind
from tests.fixtures.agencies import ADMIN_A, PASSWORD

from .conftest import OFFICER_MYKAD, auth_events, entries, make_officer, of_model

UA = "Mozilla/5.0 (Linux; Android 14) SpotMeAuditTest/1.0"
NEW_PASSWORD = "Sangat-Selamat-2026!"


def test_login_and_failed_login_are_recorded(agency_a, client_for, settings):
    settings.SPOTME_TRUSTED_PROXIES = "10.0.0.0/8"  # the peer below is our ingress
    client = client_for(agency_a, REMOTE_ADDR="10.0.0.5", HTTP_USER_AGENT=UA)
    failed = client.post(
        "/login/",
        {"username": ADMIN_A, "password": "salah-sama-sekali"},
        HTTP_X_FORWARDED_FOR="198.51.100.23",
    )
    assert failed.status_code == 200
    assert client.post("/login/", {"username": ADMIN_A, "password": PASSWORD}).status_code == 302

    [failure] = auth_events(agency_a, kind=AuthEventKind.LOGIN_FAILED)
    assert failure.username == ADMIN_A and failure.user.username == ADMIN_A
    assert failure.actor is None
    assert failure.ip_address == "198.51.100.23" and failure.user_agent == UA

    [login] = auth_events(agency_a, kind=AuthEventKind.LOGIN)
    assert login.user.username == ADMIN_A and login.actor_id == login.user_id
    assert login.ip_address == "10.0.0.5" and login.user_agent == UA


def test_failed_login_of_an_unknown_number_is_recorded(agency_a, client_for):
    client = client_for(agency_a, REMOTE_ADDR="10.0.0.6", HTTP_USER_AGENT=UA)
    client.post("/login/", {"username": "000101-10-0001", "password": "apa-apa-sahaja"})
    [failure] = auth_events(agency_a, kind=AuthEventKind.LOGIN_FAILED)
    assert failure.user is None and failure.username == "000101100001"
    assert failure.ip_address == "10.0.0.6"


def test_voluntary_password_change_is_recorded(agency_a, client_for):
    client = client_for(agency_a, REMOTE_ADDR="10.0.0.7", HTTP_USER_AGENT=UA)
    client.login_as(ADMIN_A, PASSWORD)
    response = client.post(
        "/password/change/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    [changed] = auth_events(agency_a, kind=AuthEventKind.PASSWORD_CHANGED)
    assert changed.user.username == ADMIN_A and changed.actor_id == changed.user_id
    assert changed.ip_address == "10.0.0.7" and changed.user_agent == UA
    assert changed.details == {"forced": False}


def test_forced_password_change_is_recorded_with_the_flag_it_clears(agency_a, client_for):
    officer = make_officer(agency_a, OFFICER_MYKAD)
    from django_tenants.utils import schema_context

    with schema_context(agency_a.schema_name):
        officer.user.must_change_password = True
        officer.user.save(update_fields=["must_change_password"])
    client = client_for(agency_a, REMOTE_ADDR="10.0.0.8", HTTP_USER_AGENT=UA)
    client.login_as(OFFICER_MYKAD, PASSWORD)
    response = client.post(
        "/password/change/", {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert response.status_code == 302

    [changed] = auth_events(agency_a, kind=AuthEventKind.PASSWORD_CHANGED)
    assert changed.details == {"forced": True} and changed.ip_address == "10.0.0.8"
    [flag] = [
        e
        for e in of_model(entries(agency_a, object_pk=str(officer.user_id)), "accounts.user")
        if e.remote_addr == "10.0.0.8"
    ]
    assert flag.changes == {"must_change_password": ["True", "False"]}, "never the password hash"
    assert flag.actor_id == officer.user_id and flag.user_agent == UA
