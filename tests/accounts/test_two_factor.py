"""Two-factor authentication (TOTP, django-otp) for JDN operators and organisation administrators."""

from __future__ import annotations

import re
from base64 import b32encode

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from spotme.accounts.models import AuthenticatorDevice as TOTPDevice
from spotme.accounts.models import User
from spotme.audit.models import AuthEvent, AuthEventKind
from tests.fixtures.accounts import english, make_officer, set_profile, totp_code
from tests.fixtures.agencies import ADMIN_A, PASSWORD

WRONG_CODE_OFFSET = 500_000


@pytest.fixture(autouse=True)
def _no_backoff(settings):
    # django-otp waits 1, 2, 4… seconds after each wrong code; the tests do not sleep.
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


def wrong(code: str) -> str:
    return str((int(code) + WRONG_CODE_OFFSET) % 1_000_000).zfill(6)


def enable(client, schema_name: str, username: str) -> TOTPDevice:
    return enable_with_codes(client, schema_name, username)[0]


def shown_codes(html: str) -> list[str]:
    return re.findall(r"<li><code>([a-z0-9]{5}-[a-z0-9]{5})</code></li>", html)


def enable_with_codes(client, schema_name: str, username: str) -> tuple[TOTPDevice, list[str]]:
    english(client)  # the messages below are read in English
    page = client.get("/account/two-factor/")
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and 'id="totp-secret"' in html
    with schema_context(schema_name):
        device = TOTPDevice.objects.get(user__username=username, confirmed=False)
    refused = client.post("/account/two-factor/", {"code": wrong(totp_code(device))})
    assert refused.status_code == 400 and "The code is incorrect" in refused.content.decode()
    done = client.post("/account/two-factor/", {"code": totp_code(device)})
    # On, and the backup codes shown this once (spotme.accounts.backup_codes).
    codes = shown_codes(done.content.decode())
    assert done.status_code == 200 and len(codes) == 10, done.content.decode()
    with schema_context(schema_name):
        device.refresh_from_db()
    assert device.confirmed
    return device, codes


def test_an_operator_turns_it_on_and_then_needs_a_code(operator, operator_client, client_en, settings):
    assert 'id="nav-two-factor"' in operator_client.get("/console/").content.decode()
    device = enable(operator_client, "public", operator.username)
    assert AuthEvent.objects.filter(kind=AuthEventKind.TOTP_ENABLED, user=operator).count() == 1
    assert operator_client.get("/console/").status_code == 200  # this session is verified

    client = client_en(settings.APEX_DOMAIN)
    client.login_as(operator.username, PASSWORD)
    held = client.get("/console/")
    assert held.status_code == 302 and held["Location"] == "/login/verify/?next=/console/"
    api = client.get("/api/v1/agencies/")
    assert api.status_code == 403 and api.json()["code"] == "two_factor_required"

    refused = client.post("/login/verify/", {"code": wrong(totp_code(device, 1)), "next": "/console/"})
    assert refused.status_code == 400 and "The code is incorrect" in refused.content.decode()
    assert client.get("/console/").status_code == 302
    assert AuthEvent.objects.filter(
        kind=AuthEventKind.LOGIN_FAILED, user=operator, details__step="totp"
    ).exists()

    verified = client.post("/login/verify/", {"code": totp_code(device, 1), "next": "/console/"})
    assert verified.status_code == 302 and verified["Location"] == "/console/"
    assert client.get("/console/").status_code == 200


def test_a_code_is_accepted_only_once(operator, operator_client, client_en, settings):
    device = enable(operator_client, "public", operator.username)
    client = client_en(settings.APEX_DOMAIN)
    client.login_as(operator.username, PASSWORD)
    # The code used to turn it on is spent.
    assert client.post("/login/verify/", {"code": totp_code(device)}).status_code == 400


def test_turning_it_off_needs_a_current_code(operator, operator_client):
    device = enable(operator_client, "public", operator.username)
    page = operator_client.get("/account/two-factor/").content.decode()
    assert 'id="totp-disable"' in page
    operator_client.post("/account/two-factor/disable/", {"code": wrong(totp_code(device, 1))})
    assert TOTPDevice.objects.filter(user=operator).exists()
    operator_client.post("/account/two-factor/disable/", {"code": totp_code(device, 1)})
    assert not TOTPDevice.objects.filter(user=operator).exists()
    assert AuthEvent.objects.filter(kind=AuthEventKind.TOTP_DISABLED, user=operator).count() == 1


def test_an_agency_may_require_it_of_its_admins(agency_a, client_en):
    set_profile(agency_a, require_totp_for_admins=True)
    client = client_en(agency_a)
    client.login_as(ADMIN_A, PASSWORD)
    held = client.get("/people/")
    assert held.status_code == 302 and held["Location"] == "/account/two-factor/"
    assert 'id="totp-required"' in client.get("/account/two-factor/").content.decode()
    assert client.get("/api/v1/me/").json()["code"] == "two_factor_setup_required"

    device = enable(client, agency_a.schema_name, ADMIN_A)
    assert client.get("/people/").status_code == 200
    # Required: it cannot be turned off.
    client.post("/account/two-factor/disable/", {"code": totp_code(device, 1)})
    with schema_context(agency_a.schema_name):
        assert TOTPDevice.objects.filter(user__username=ADMIN_A, confirmed=True).exists()

    again = client_en(agency_a)
    again.login_as(ADMIN_A, PASSWORD)
    assert again.get("/people/")["Location"] == "/login/verify/?next=/people/"


def test_officers_do_not_get_it_and_are_never_asked(agency_a, client_en):
    set_profile(agency_a, require_totp_for_admins=True)
    officer = make_officer(agency_a, "900303105123")
    client = client_en(agency_a)
    client.login_as(officer.user.username, PASSWORD)
    assert client.get("/profile/").status_code == 200
    assert 'id="two-factor-link"' not in client.get("/profile/").content.decode()
    assert client.get("/account/two-factor/").status_code == 403


def test_the_code_comes_before_a_forced_password_change(agency_a, client_en):
    admin = client_en(agency_a)
    admin.login_as(ADMIN_A, PASSWORD)
    assert 'id="two-factor-link"' in admin.get("/profile/").content.decode()
    device = enable(admin, agency_a.schema_name, ADMIN_A)
    with schema_context(agency_a.schema_name):
        User.objects.filter(username=ADMIN_A).update(must_change_password=True)

    client = client_en(agency_a)
    client.login_as(ADMIN_A, PASSWORD)
    assert client.get("/password/change/")["Location"].startswith("/login/verify/")
    assert client.get("/login/verify/").status_code == 200
    client.post("/login/verify/", {"code": totp_code(device, 1)})
    assert client.get("/profile/")["Location"] == "/password/change/"
    assert client.get("/password/change/").status_code == 200


# --- the secret encrypted at rest (issue 17, item 5) -------------------------------------------------


def raw_rows(table: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")  # noqa: S608 (a constant)
        return repr(cursor.fetchall())


def test_the_secret_is_not_readable_in_the_table(agency_a, client_for):
    client = client_for(agency_a)
    client.login_as(ADMIN_A, PASSWORD)
    device = enable(client, agency_a.schema_name, ADMIN_A)
    hex_key = device.key
    assert len(hex_key) == 40 and device.encrypted_key != hex_key
    with schema_context(agency_a.schema_name):
        dump = raw_rows("accounts_authenticatordevice") + raw_rows("otp_totp_totpdevice")
    assert hex_key not in dump and hex_key.upper() not in dump
    assert b32encode(device.bin_key).decode() not in dump

    # ... and login with the code still works.
    other = client_for(agency_a)
    other.login_as(ADMIN_A, PASSWORD)
    assert other.post("/login/verify/", {"code": totp_code(device, 1)}).status_code == 302
    assert other.get("/").status_code == 200


def test_the_migration_encrypts_existing_devices(agency_a):
    """0002_authenticator_device_encrypted, run again on a device left in django-otp's table."""
    from importlib import import_module

    from django.apps import apps
    from django_otp.plugins.otp_totp.models import TOTPDevice as PlainDevice

    migration = import_module("spotme.accounts.migrations.0002_authenticator_device_encrypted")
    with schema_context(agency_a.schema_name):
        user = User.objects.get(username=ADMIN_A)
        plain = PlainDevice.objects.create(user=user, name="SPOT-Me", confirmed=True)
        hex_key = plain.key
        migration.encrypt_existing(apps, None)
        moved = TOTPDevice.objects.get(user=user)
        assert moved.confirmed and moved.key == hex_key
        plain.refresh_from_db()
        assert plain.key != hex_key, "the plain secret is gone from the old table"
        assert hex_key not in raw_rows("accounts_authenticatordevice") + raw_rows("otp_totp_totpdevice")
