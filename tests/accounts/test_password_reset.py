"""Forgot password: a one-time link by email, to the host the account lives on, without telling
anyone whether an account exists."""

from __future__ import annotations

import re
import uuid

import pytest
from django_tenants.utils import schema_context

from spotme.accounts.models import User
from spotme.audit.models import AuthEvent, AuthEventKind
from tests.fixtures.accounts import WRONG_PASSWORD, login, make_officer
from tests.fixtures.agencies import ADMIN_A, PASSWORD

NEW_PASSWORD = "Kata-Laluan-Baharu-2027"
LINK = re.compile(r"(https?)://([^/\s]+)(/password/reset/[^/\s]+/[^/\s]+/)")


@pytest.fixture(autouse=True)
def _own_cache(settings):
    """The request limits count in the cache: a fresh one per test (Redis outlives test runs)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"password-reset-{uuid.uuid4().hex}",
            "KEY_FUNCTION": "django_tenants.cache.make_key",
            "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        }
    }


@pytest.fixture
def outbox(mailoutbox):
    mailoutbox.clear()  # provisioning's welcome emails
    return mailoutbox


def ask(client, username, callbacks):
    with callbacks(execute=True):
        return client.post("/password/reset/", {"username": username})


def reset_link(message) -> tuple[str, str]:
    scheme, host, path = LINK.search(message.body).groups()
    return host, path


def set_new_password(client, path, password=NEW_PASSWORD):
    """Follow the link as a browser does (token → session, then the form without the token)."""
    first = client.get(path)
    assert first.status_code == 302
    form_url = first["Location"]
    assert client.get(form_url).context["validlink"]
    return client.post(form_url, {"new_password1": password, "new_password2": password})


def test_the_same_answer_whether_or_not_the_account_exists(
    agency_a, client_en, outbox, django_capture_on_commit_callbacks
):
    client = client_en(agency_a)
    page = client.get("/password/reset/")
    assert page.status_code == 200 and "MyKad number" in page.content.decode()
    known = ask(client, "850101-10-5001", django_capture_on_commit_callbacks)  # dashes accepted
    unknown = ask(client, "991231145999", django_capture_on_commit_callbacks)
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == "/password/reset/sent/"
    sent = client.get("/password/reset/sent/")
    assert 'id="password-reset-sent"' in sent.content.decode()
    # Only the real account got an email, at its own address.
    assert [m.to for m in outbox] == [["admin@selangor-test.example.gov.my"]]
    with schema_context(agency_a.schema_name):
        requested = list(AuthEvent.objects.filter(kind=AuthEventKind.PASSWORD_RESET_REQUESTED).order_by("pk"))
    assert [(e.username, e.details["sent"]) for e in requested] == [(ADMIN_A, True), ("991231145999", False)]


def test_an_account_without_email_gets_the_same_page(
    agency_a, client_en, outbox, django_capture_on_commit_callbacks
):
    make_officer(agency_a, "900303105123", email="")
    response = ask(client_en(agency_a), "900303105123", django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == "/password/reset/sent/"
    assert outbox == []


def test_the_link_sets_the_password_once_and_clears_lock_and_temporary_password(
    agency_a, client_en, outbox, django_capture_on_commit_callbacks
):
    client = client_en(agency_a)
    for _ in range(3):
        login(client, ADMIN_A, WRONG_PASSWORD)
    assert login(client, ADMIN_A, PASSWORD).status_code == 429  # locked
    with schema_context(agency_a.schema_name):
        User.objects.filter(username=ADMIN_A).update(must_change_password=True)

    ask(client, ADMIN_A, django_capture_on_commit_callbacks)
    host, path = reset_link(outbox[0])
    assert host == agency_a.host  # the agency's own subdomain
    done = set_new_password(client, path)
    assert done.status_code == 302 and done["Location"] == "/password/reset/done/"
    assert 'id="password-reset-complete"' in client.get("/password/reset/done/").content.decode()

    with schema_context(agency_a.schema_name):
        user = User.objects.get(username=ADMIN_A)
        assert user.check_password(NEW_PASSWORD) and not user.must_change_password
        assert AuthEvent.objects.filter(kind=AuthEventKind.PASSWORD_RESET, user=user).count() == 1
    # Unlocked, and the new password works with no forced change.
    assert login(client, ADMIN_A, NEW_PASSWORD).status_code == 302
    assert client.get("/profile/").status_code == 200

    # The link works once.
    again = client_en(agency_a).get(path)
    assert again.status_code == 200 and 'id="password-reset-invalid"' in again.content.decode()


def test_the_link_works_only_on_its_own_agency(
    agency_a, agency_b, client_en, outbox, django_capture_on_commit_callbacks
):
    make_officer(agency_b, ADMIN_A)  # the same MyKad number in agency B
    ask(client_en(agency_a), ADMIN_A, django_capture_on_commit_callbacks)
    _, path = reset_link(outbox[0])
    on_b = client_en(agency_b).get(path)
    assert on_b.status_code == 200 and 'id="password-reset-invalid"' in on_b.content.decode()
    on_apex = client_en("localhost").get(path)
    assert on_apex.status_code == 200 and 'id="password-reset-invalid"' in on_apex.content.decode()


def test_the_new_password_must_meet_the_policy(
    agency_a, client_en, outbox, django_capture_on_commit_callbacks
):
    client = client_en(agency_a)
    ask(client, ADMIN_A, django_capture_on_commit_callbacks)
    _, path = reset_link(outbox[0])
    weak = set_new_password(client, path, password="kata-laluan-panjang")
    assert weak.status_code == 200
    assert "at least one letter and one digit" in weak.content.decode()


def test_operators_reset_on_the_apex(
    operator, client_en, outbox, settings, django_capture_on_commit_callbacks
):
    client = client_en(settings.APEX_DOMAIN)
    assert "Username" in client.get("/password/reset/").content.decode()
    ask(client, operator.username, django_capture_on_commit_callbacks)
    host, path = reset_link(outbox[0])
    assert host == settings.APEX_DOMAIN and outbox[0].to == [operator.email]
    assert set_new_password(client, path).status_code == 302
    assert login(client, operator.username, NEW_PASSWORD).status_code == 302


def test_requests_are_rate_limited(agency_a, client_en, outbox, django_capture_on_commit_callbacks):
    client = client_en(agency_a)
    for _ in range(3):
        assert ask(client, ADMIN_A, django_capture_on_commit_callbacks).status_code == 302
    refused = ask(client, ADMIN_A, django_capture_on_commit_callbacks)
    assert refused.status_code == 429 and "Too many password reset requests" in refused.content.decode()
    # Limited for unknown accounts in the same way (the limit tells nothing either).
    for _ in range(3):
        ask(client, "991231145999", django_capture_on_commit_callbacks)
    assert ask(client, "991231145999", django_capture_on_commit_callbacks).status_code == 429
    assert len(outbox) == 3


def test_one_account_gets_a_bounded_number_of_emails_from_any_number_of_addresses(
    agency_a, client_en, outbox, django_capture_on_commit_callbacks
):
    answers = [
        ask(client_en(agency_a), ADMIN_A, django_capture_on_commit_callbacks).status_code for _ in range(11)
    ]
    assert answers == [302] * 10 + [429]
    assert len(outbox) == 10
