"""Login lockout (django-axes): the MyMesyuarat rule of 3 failed logins, each agency's own limits."""

from __future__ import annotations

from datetime import timedelta

from axes.models import AccessAttempt
from django.utils import timezone
from django_tenants.utils import schema_context

from spotme.audit.models import AuthEvent, AuthEventKind
from tests.fixtures.accounts import WRONG_PASSWORD, login, make_officer, set_profile
from tests.fixtures.agencies import ADMIN_A, ADMIN_B, PASSWORD

OFFICER = "900303105123"


def bad_login(client, username: str):
    return login(client, username, WRONG_PASSWORD)


def is_lock_page(response) -> bool:
    return response.status_code == 429 and 'id="lock-message"' in response.content.decode()


def events(agency, kind):
    with schema_context(agency.schema_name):
        return list(AuthEvent.objects.filter(kind=kind).select_related("user", "actor"))


def test_three_bad_passwords_lock_and_the_right_password_is_then_refused(agency_a, client_en):
    client = client_en(agency_a, REMOTE_ADDR="10.1.2.3")
    for _ in range(2):
        response = bad_login(client, ADMIN_A)
        assert response.status_code == 200 and 'id="lock-message"' not in response.content.decode()
    third = bad_login(client, ADMIN_A)
    assert is_lock_page(third)
    assert "locked after 3 failed login attempts" in third.content.decode()
    # The 4th attempt, with the right password, is refused with the same explanation.
    fourth = login(client, ADMIN_A, PASSWORD)
    assert is_lock_page(fourth)
    assert "It unlocks by itself at" in fourth.content.decode()
    assert client.get("/").status_code == 302  # not logged in
    # From another address too: the lock is on the account.
    elsewhere = client_en(agency_a, REMOTE_ADDR="10.9.9.9")
    assert is_lock_page(login(elsewhere, ADMIN_A, PASSWORD))
    # The lock is audited once (not again for each refused attempt), with the address it came from.
    (locked,) = events(agency_a, AuthEventKind.LOCKED)
    assert locked.user.username == ADMIN_A and locked.ip_address == "10.1.2.3" and locked.actor is None
    assert locked.details["limit"] == 3


def test_failures_count_only_while_consecutive(agency_a, client_en):
    client = client_en(agency_a)
    bad_login(client, ADMIN_A)
    bad_login(client, ADMIN_A)
    assert login(client, ADMIN_A).status_code == 302
    client.post("/logout/")
    bad_login(client, ADMIN_A)
    bad_login(client, ADMIN_A)
    assert login(client, ADMIN_A).status_code == 302


def test_dashed_and_plain_mykad_count_as_one_account(agency_a, client_en):
    client = client_en(agency_a)
    bad_login(client, "850101-10-5001")
    bad_login(client, "850101 10 5001")
    assert is_lock_page(bad_login(client, ADMIN_A))
    assert is_lock_page(login(client, "850101-10-5001", PASSWORD))


def test_unknown_accounts_lock_the_same_way(agency_a, client_en):
    """No account enumeration: a made-up MyKad number gets the same answers."""
    client = client_en(agency_a)
    responses = [bad_login(client, "991231145999") for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 429]
    assert is_lock_page(responses[-1])


def test_admin_sees_the_lock_and_unlocks(agency_a, client_en):
    officer = make_officer(agency_a, OFFICER)
    officer_client = client_en(agency_a, REMOTE_ADDR="10.2.3.4")
    for _ in range(3):
        bad_login(officer_client, OFFICER)
    assert is_lock_page(login(officer_client, OFFICER, PASSWORD))

    admin = client_en(agency_a, REMOTE_ADDR="10.7.7.7")
    admin.login_as(ADMIN_A, PASSWORD)
    page = admin.get(f"/people/{officer.pk}/").content.decode()
    assert 'id="unlock"' in page and "Locked" in page

    response = admin.post(f"/people/{officer.pk}/unlock/")
    assert response.status_code == 302 and response["Location"] == f"/people/{officer.pk}/"
    page = admin.get(f"/people/{officer.pk}/").content.decode()
    assert 'id="unlock"' not in page and "Locked" not in page

    assert login(officer_client, OFFICER, PASSWORD).status_code == 302
    (unlocked,) = events(agency_a, AuthEventKind.UNLOCKED)
    assert unlocked.user.username == OFFICER
    assert unlocked.actor.username == ADMIN_A and unlocked.ip_address == "10.7.7.7"
    # Unlocking an account that is not locked records nothing.
    admin.post(f"/people/{officer.pk}/unlock/")
    assert len(events(agency_a, AuthEventKind.UNLOCKED)) == 1


def test_only_org_admins_may_unlock(agency_a, client_en):
    officer = make_officer(agency_a, OFFICER)
    other = make_officer(agency_a, "910404105124")
    client = client_en(agency_a)
    client.login_as(other.user.username, PASSWORD)
    assert client.post(f"/people/{officer.pk}/unlock/").status_code in (403, 404)
    assert client.get(f"/people/{officer.pk}/unlock/").status_code in (403, 404, 405)


def test_the_limit_is_each_agencys_own(agency_a, agency_b, client_en):
    set_profile(agency_b, failed_login_limit=5)
    client = client_en(agency_b)
    for _ in range(4):
        assert bad_login(client, ADMIN_B).status_code == 200
    fifth = bad_login(client, ADMIN_B)
    assert is_lock_page(fifth) and "locked after 5 failed login attempts" in fifth.content.decode()
    assert is_lock_page(login(client, ADMIN_B, PASSWORD))


def test_a_lock_in_one_agency_does_not_reach_another(agency_a, agency_b, client_en):
    make_officer(agency_b, ADMIN_A)  # the same person (MyKad) in agency B
    on_a = client_en(agency_a)
    for _ in range(3):
        bad_login(on_a, ADMIN_A)
    assert is_lock_page(login(on_a, ADMIN_A, PASSWORD))
    assert login(client_en(agency_b), ADMIN_A, PASSWORD).status_code == 302
    assert events(agency_b, AuthEventKind.LOCKED) == []
    # The attempts are kept in agency A's own schema (axes is a tenant app), none in B's or the public one.
    with schema_context(agency_a.schema_name):
        assert AccessAttempt.objects.filter(username=ADMIN_A).exists()
    with schema_context(agency_b.schema_name):
        assert not AccessAttempt.objects.exists()
    assert not AccessAttempt.objects.exists()  # public


def test_the_lock_ends_after_the_agencys_period(agency_a, client_en):
    set_profile(agency_a, lockout_minutes=1)
    client = client_en(agency_a)
    for _ in range(3):
        bad_login(client, ADMIN_A)
    assert is_lock_page(login(client, ADMIN_A, PASSWORD))
    with schema_context(agency_a.schema_name):
        AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(seconds=61))
    assert login(client, ADMIN_A, PASSWORD).status_code == 302


def test_lockout_minutes_zero_locks_until_an_admin_unlocks(agency_a, client_en):
    set_profile(agency_a, lockout_minutes=0)
    officer = make_officer(agency_a, OFFICER)
    client = client_en(agency_a)
    for _ in range(3):
        bad_login(client, OFFICER)
    with schema_context(agency_a.schema_name):
        AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(days=400))
    refused = login(client, OFFICER, PASSWORD)
    assert is_lock_page(refused) and "Ask your organisation administrator" in refused.content.decode()
    admin = client_en(agency_a)
    admin.login_as(ADMIN_A, PASSWORD)
    admin.post(f"/people/{officer.pk}/unlock/")
    assert login(client, OFFICER, PASSWORD).status_code == 302


def test_operators_lock_out_on_the_apex(operator, client_en, settings):
    client = client_en(settings.APEX_DOMAIN, REMOTE_ADDR="10.3.3.3")
    for _ in range(2):
        assert bad_login(client, operator.username).status_code == 200
    assert is_lock_page(bad_login(client, operator.username))
    refused = login(client, operator.username, PASSWORD)
    assert is_lock_page(refused) and "organisation administrator" not in refused.content.decode()
    assert client.get("/console/").status_code == 302
    locked = AuthEvent.objects.get(kind=AuthEventKind.LOCKED)
    assert locked.user == operator and locked.ip_address == "10.3.3.3"


def test_script_requests_get_json(agency_a, client_en):
    client = client_en(agency_a)
    for _ in range(3):
        bad_login(client, ADMIN_A)
    response = client.post(
        "/login/", {"username": ADMIN_A, "password": PASSWORD}, HTTP_X_REQUESTED_WITH="XMLHttpRequest"
    )
    assert response.status_code == 429 and response.json()["code"] == "account_locked"


# --- password spraying: the per-address limit (issue 17, item 5) -----------------------------------


def test_spraying_many_accounts_from_one_address_is_blocked(agency_a, client_en, settings):
    settings.SPOTME_LOGIN_ADDRESS_ACCOUNT_LIMIT = 4
    sprayer = client_en(agency_a, REMOTE_ADDR="10.66.6.6")
    targets = [f"90010110{n:04d}" for n in range(5000, 5004)]
    for mykad in targets:  # one guess per account: no account's own count comes near its limit
        response = bad_login(sprayer, mykad)
        assert response.status_code == 200 and 'id="lock-message"' not in response.content.decode()
    # The next attempt from that address is refused before any password is checked, even a right one.
    refused = login(sprayer, ADMIN_A, PASSWORD)
    assert is_lock_page(refused)
    page = refused.content.decode()
    assert "different accounts" in page and "network address" in page
    assert sprayer.get("/").status_code == 302, "not logged in"
    api = sprayer.post(
        "/login/", {"username": ADMIN_A, "password": PASSWORD}, HTTP_X_REQUESTED_WITH="XMLHttpRequest"
    )
    assert api.status_code == 429 and api.json()["code"] == "address_blocked" and api.json()["unlocks_at"]
    # The accounts themselves are not locked: from another address the admin logs in.
    assert login(client_en(agency_a, REMOTE_ADDR="10.7.7.7"), ADMIN_A, PASSWORD).status_code == 302


def test_the_address_block_ends_with_its_window(agency_a, client_en, settings):
    settings.SPOTME_LOGIN_ADDRESS_ACCOUNT_LIMIT = 3
    sprayer = client_en(agency_a, REMOTE_ADDR="10.66.6.7")
    for n in range(3):
        bad_login(sprayer, f"90010110{n:04d}")
    assert is_lock_page(login(sprayer, ADMIN_A, PASSWORD))
    with schema_context(agency_a.schema_name):
        AccessAttempt.objects.filter(ip_address="10.66.6.7").update(
            attempt_time=timezone.now() - timedelta(minutes=settings.SPOTME_LOGIN_ADDRESS_WINDOW_MINUTES + 1)
        )
    assert login(sprayer, ADMIN_A, PASSWORD).status_code == 302


def test_one_account_mistyped_many_times_does_not_block_the_address(agency_a, client_en, settings):
    settings.SPOTME_LOGIN_ADDRESS_ACCOUNT_LIMIT = 2
    office = client_en(agency_a, REMOTE_ADDR="10.66.6.8")
    make_officer(agency_a, OFFICER)
    for _ in range(3):
        bad_login(office, OFFICER)  # locks that one account (limit 3) ...
    assert login(office, ADMIN_A, PASSWORD).status_code == 302  # ... but not the shared address


def test_the_address_message_is_in_malay_by_default(agency_a, client_for, settings):
    settings.SPOTME_LOGIN_ADDRESS_ACCOUNT_LIMIT = 2
    sprayer = client_for(agency_a, REMOTE_ADDR="10.66.6.9")
    for n in range(2):
        bad_login(sprayer, f"90010110{n:04d}")
    page = login(sprayer, ADMIN_A, PASSWORD).content.decode()
    assert "alamat rangkaian" in page
