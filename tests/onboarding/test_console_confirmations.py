"""Issue 18 item 10 in the JDN console: approving an application and suspending or archiving an
agency ask to be confirmed on a page of their own (no JavaScript, no window.confirm), in the
operator's language; nothing changes before the confirmation; the action stays POST-only and
CSRF-checked; only operators reach it."""

from __future__ import annotations

import pytest
from django.test import Client

from shared_apps.onboarding.models import AgencyApplication, ApplicationStatus
from tenants.models import AgencyStatus
from tests.fixtures.agencies import PASSWORD, make_operator
from tests.fixtures.language import say

from .test_application_form import VALID

LANGUAGES = ["ms", "en"]


@pytest.fixture
def application(apex_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert apex_client.post("/apply/", VALID).status_code == 302
    return AgencyApplication.objects.get()


def console(operator_client, language):
    operator_client.cookies["spotme_lang"] = language
    return operator_client


@pytest.mark.parametrize("language", LANGUAGES)
def test_approving_asks_first_and_changes_nothing_until_confirmed(
    operator_client, application, language, django_capture_on_commit_callbacks
):
    client = console(operator_client, language)
    url = f"/console/applications/{application.pk}/approve/"
    asked = client.post(url)
    assert asked.status_code == 200
    page = asked.content.decode()
    assert say(language, "Approve the application") in page
    assert say(language, "Yes, approve and provision") in page
    assert say(language, "No, go back") in page
    assert 'name="confirmed" value="yes"' in page and f'action="{url}"' in page
    assert "Jabatan Ujian Negeri" in page and "jabatan-ujian" in page
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED, "nothing happens before the confirmation"

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(url, {"confirmed": "yes"})
    assert done.status_code == 302
    application.refresh_from_db()
    assert application.status in (ApplicationStatus.QUEUED, ApplicationStatus.PROVISIONED)


def test_approve_is_post_only_csrf_checked_and_for_operators(apex_client, application, settings):
    url = f"/console/applications/{application.pk}/approve/"
    operator = make_operator("operator2")
    strict = Client(HTTP_HOST=settings.APEX_DOMAIN, enforce_csrf_checks=True)
    strict.force_login(operator)
    assert strict.post(url, {"confirmed": "yes"}).status_code == 403, "no CSRF token: refused"
    apex_client.login_as(operator.username, PASSWORD)
    assert apex_client.get(url).status_code == 405
    # A lesser role: an apex account that is not an operator.
    from spotme.accounts.models import User

    plain = User.objects.create_user(username="bukanoperator", password=PASSWORD)
    other = Client(HTTP_HOST=settings.APEX_DOMAIN)
    other.force_login(plain)
    assert other.post(url, {"confirmed": "yes"}).status_code == 403
    anonymous = Client(HTTP_HOST=settings.APEX_DOMAIN).post(url, {"confirmed": "yes"})
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("target", "title", "confirm"),
    [
        (AgencyStatus.SUSPENDED, "Suspend the agency", "Yes, suspend"),
        (AgencyStatus.ARCHIVED, "Archive the agency", "Yes, archive"),
    ],
)
def test_suspending_and_archiving_ask_first(operator_client, agency_a, language, target, title, confirm):
    client = console(operator_client, language)
    url = f"/console/agencies/{agency_a.pk}/status/"
    asked = client.post(url, {"status": target, "reason": "Tunggakan bayaran"})
    assert asked.status_code == 200
    page = asked.content.decode()
    assert say(language, title) in page and say(language, confirm) in page
    assert agency_a.name in page and "Tunggakan bayaran" in page
    agency_a.refresh_from_db()
    assert agency_a.status == AgencyStatus.ACTIVE
    assert (
        client.post(url, {"status": target, "reason": "Tunggakan bayaran", "confirmed": "yes"}).status_code
        == 302
    )
    agency_a.refresh_from_db()
    assert agency_a.status == target and agency_a.status_reason == "Tunggakan bayaran"


def test_a_missing_reason_is_refused_before_asking_and_reactivating_needs_no_confirmation(
    operator_client, agency_a
):
    url = f"/console/agencies/{agency_a.pk}/status/"
    refused = operator_client.post(url, {"status": "suspended", "reason": ""})
    assert refused.status_code == 302, "the reason is checked first: no confirmation page for bad input"
    operator_client.post(url, {"status": "suspended", "reason": "Tunggakan bayaran", "confirmed": "yes"})
    assert operator_client.post(url, {"status": "active"}).status_code == 302
    agency_a.refresh_from_db()
    assert agency_a.status == AgencyStatus.ACTIVE


def test_agency_status_is_for_operators_only(agency_a, settings, client_for):
    from spotme.accounts.models import User

    url = f"/console/agencies/{agency_a.pk}/status/"
    plain = User.objects.create_user(username="bukanoperator", password=PASSWORD)
    other = Client(HTTP_HOST=settings.APEX_DOMAIN)
    other.force_login(plain)
    body = {"status": "suspended", "reason": "Tunggakan bayaran", "confirmed": "yes"}
    assert other.post(url, body).status_code == 403
    # The agency's own org admin, on the agency's host: the console does not exist there.
    admin = client_for(agency_a)
    assert admin.post(url, body).status_code == 404
    agency_a.refresh_from_db()
    assert agency_a.status == AgencyStatus.ACTIVE
