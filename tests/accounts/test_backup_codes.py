"""Backup codes for a lost authenticator app (issue 17, item 5): made when two-factor authentication
is turned on, shown once, stored hashed, each accepted once at /login/verify/ instead of the app's
code, replaced as a set, throttled like the app's codes, every use recorded."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from spotme.accounts.models import AuthenticatorDevice, BackupCode
from spotme.audit.models import AuthEvent, AuthEventKind
from tests.fixtures.accounts import english, make_officer, totp_code
from tests.fixtures.agencies import ADMIN_A, ADMIN_B, PASSWORD

from .test_two_factor import enable_with_codes, raw_rows, shown_codes


@pytest.fixture(autouse=True)
def _no_backoff(settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0


@pytest.fixture
def admin_with_codes(agency_a, client_for):
    client = client_for(agency_a)
    client.login_as(ADMIN_A, PASSWORD)
    device, codes = enable_with_codes(client, agency_a.schema_name, ADMIN_A)
    return client, device, codes


def signed_in(agency, client_for, language="en"):
    client = client_for(agency, HTTP_ACCEPT_LANGUAGE=language)
    if language == "en":
        english(client)
    client.login_as(ADMIN_A, PASSWORD)
    assert client.get("/people/")["Location"] == "/login/verify/?next=/people/"
    return client


def events(agency, kind):
    with schema_context(agency.schema_name):
        return list(AuthEvent.objects.filter(kind=kind, username=ADMIN_A).order_by("pk"))


def test_a_backup_code_signs_in_once(agency_a, client_for, admin_with_codes):
    _client, _device, codes = admin_with_codes
    assert len(set(codes)) == 10
    assert len(events(agency_a, AuthEventKind.BACKUP_CODES_CREATED)) == 1

    client = signed_in(agency_a, client_for)
    typed = codes[3].upper().replace("-", " ")  # any case, a space instead of the dash
    done = client.post("/login/verify/", {"code": typed, "next": "/people/"}, follow=True)
    assert done.redirect_chain[0] == ("/people/", 302)
    assert "Backup codes left: 9." in done.content.decode()
    assert client.get("/people/").status_code == 200
    used = events(agency_a, AuthEventKind.BACKUP_CODE_USED)
    assert len(used) == 1 and used[0].details == {"purpose": "login", "left": 9}
    page = client.get("/account/two-factor/").content.decode()
    assert "9 unused backup codes left." in page and not shown_codes(page)  # shown only when made

    again = signed_in(agency_a, client_for)
    refused = again.post("/login/verify/", {"code": codes[3]})
    assert refused.status_code == 400
    assert "This backup code is not valid or has already been used." in refused.content.decode()
    assert again.get("/people/").status_code == 302
    failed = events(agency_a, AuthEventKind.LOGIN_FAILED)
    assert [e.details.get("step") for e in failed] == ["backup_code"]
    with schema_context(agency_a.schema_name):
        assert BackupCode.objects.filter(used_at__isnull=False).count() == 1


def test_a_new_set_replaces_the_old_one(agency_a, client_for, admin_with_codes):
    client, device, old = admin_with_codes
    wrong = client.post("/account/two-factor/backup-codes/", {"codes-code": "000000"})
    assert wrong.status_code == 400 and not shown_codes(wrong.content.decode())
    made = client.post("/account/two-factor/backup-codes/", {"codes-code": totp_code(device, 1)})
    new = shown_codes(made.content.decode())
    assert made.status_code == 200 and len(new) == 10 and not set(new) & set(old)
    assert "10 unused backup codes left." in made.content.decode()
    assert len(events(agency_a, AuthEventKind.BACKUP_CODES_CREATED)) == 2

    late = signed_in(agency_a, client_for)
    assert late.post("/login/verify/", {"code": old[0]}).status_code == 400
    fresh = signed_in(agency_a, client_for)
    assert fresh.post("/login/verify/", {"code": new[0]}).status_code == 302


def test_the_table_holds_no_plain_code(agency_a, admin_with_codes):
    _client, _device, codes = admin_with_codes
    with schema_context(agency_a.schema_name):
        dump = raw_rows("accounts_backupcode")
        assert BackupCode.objects.count() == 10
    for code in codes:
        assert code not in dump and code.replace("-", "") not in dump


def test_wrong_backup_codes_are_throttled_like_the_apps(agency_a, client_for, admin_with_codes, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 600  # the next try only 10 minutes after a wrong one
    _client, _device, codes = admin_with_codes
    client = signed_in(agency_a, client_for)
    assert client.post("/login/verify/", {"code": "abcde-fghjk"}).status_code == 400
    held = client.post("/login/verify/", {"code": codes[0]})
    assert held.status_code == 400 and "Too many wrong codes" in held.content.decode()
    with schema_context(agency_a.schema_name):
        assert not BackupCode.objects.filter(used_at__isnull=False).exists()  # not spent while held


def test_turning_it_off_removes_the_codes(agency_a, admin_with_codes):
    client, _device, codes = admin_with_codes
    client.post("/account/two-factor/disable/", {"code": codes[0]})  # a backup code will do
    with schema_context(agency_a.schema_name):
        assert not AuthenticatorDevice.objects.exists() and not BackupCode.objects.exists()


def test_in_malay(agency_a, client_for, admin_with_codes):
    _client, _device, codes = admin_with_codes
    client = signed_in(agency_a, client_for, language="ms")
    verify = client.get("/login/verify/").content.decode()
    assert "kod sandaran" in verify
    refused = client.post("/login/verify/", {"code": "abcde-fghjk"}).content.decode()
    assert "Kod sandaran ini tidak sah atau telah digunakan." in refused
    done = client.post("/login/verify/", {"code": codes[0], "next": "/people/"}, follow=True)
    assert "Baki kod sandaran: 9." in done.content.decode()
    page = client.get("/account/two-factor/").content.decode()
    assert "Kod sandaran" in page and "9 kod sandaran belum digunakan." in page


def test_only_the_user_themself_and_only_who_may_use_it(agency_a, agency_b, client_for, admin_with_codes):
    officer = make_officer(agency_a, "900303105124")
    client = client_for(agency_a)
    client.login_as(officer.user.username, PASSWORD)
    assert client.post("/account/two-factor/backup-codes/", {"codes-code": "000000"}).status_code == 403
    # Agency B's admin makes codes for their own account only, in their own schema.
    other = client_for(agency_b)
    other.login_as(ADMIN_B, PASSWORD)
    enable_with_codes(other, agency_b.schema_name, ADMIN_B)
    with schema_context(agency_a.schema_name):
        assert (
            BackupCode.objects.count() == 10 and not BackupCode.objects.filter(used_at__isnull=False).exists()
        )
    with schema_context(agency_b.schema_name):
        assert set(BackupCode.objects.values_list("user__username", flat=True)) == {ADMIN_B}
