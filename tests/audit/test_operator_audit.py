"""JDN operators' audit trail on the apex: their actions on applications and agencies, with the
operator as actor; nobody else may read it."""

from __future__ import annotations

import pytest

from shared_apps.onboarding.models import AgencyApplication
from spotme.accounts.models import User
from spotme.audit.models import AuthEventKind, LogEntry
from tests.fixtures.agencies import PASSWORD
from tests.onboarding.test_application_form import VALID

from .conftest import read_csv

OPERATOR_IP = "172.16.5.4"
OPERATOR_UA = "Mozilla/5.0 (Windows NT 10.0) JDNConsole/1.0"


@pytest.fixture
def console(apex_client, operator):
    apex_client.defaults.update(REMOTE_ADDR=OPERATOR_IP, HTTP_USER_AGENT=OPERATOR_UA)
    apex_client.login_as(operator.username, PASSWORD)
    return apex_client


@pytest.fixture
def application(client_for, settings, django_capture_on_commit_callbacks):
    applicant = client_for(settings.APEX_DOMAIN, REMOTE_ADDR="203.0.113.50", HTTP_USER_AGENT="Applicant/1.0")
    with django_capture_on_commit_callbacks(execute=True):
        assert applicant.post("/apply/", VALID).status_code == 302
    return AgencyApplication.objects.get()


def entries_about(obj) -> list[LogEntry]:
    return list(
        LogEntry.objects.filter(object_pk=str(obj.pk), content_type__model=obj._meta.model_name)
        .select_related("actor")
        .order_by("timestamp", "pk")
    )


def test_application_and_its_approval_are_recorded(
    console, operator, application, django_capture_on_commit_callbacks
):
    [submitted] = entries_about(application)
    assert submitted.action == LogEntry.Action.CREATE and submitted.actor is None  # the public applied
    assert submitted.remote_addr == "203.0.113.50" and submitted.user_agent == "Applicant/1.0"

    with django_capture_on_commit_callbacks(execute=True):
        assert (
            console.post(f"/console/applications/{application.pk}/approve/", {"confirmed": "yes"}).status_code
            == 302
        )
    approval = entries_about(application)[1]
    assert approval.action == LogEntry.Action.UPDATE
    assert (
        approval.actor == operator
        and approval.remote_addr == OPERATOR_IP
        and approval.user_agent == OPERATOR_UA
    )
    assert approval.changes["status"] == ["submitted", "queued"]
    assert approval.changes["reviewed_by"] == ["None", str(operator)]

    page = console.get("/audit/", {"model": "onboarding.agencyapplication"})
    assert page.status_code == 200
    assert {r.entry.pk for r in page.context["rows"]} >= {submitted.pk, approval.pk}
    assert f'id="change-{approval.pk}"' in page.content.decode()


def test_rejection_is_recorded(console, operator, application):
    response = console.post(
        f"/console/applications/{application.pk}/reject/", {"reason": "Bukan agensi kerajaan"}
    )
    assert response.status_code == 302
    rejection = entries_about(application)[-1]
    assert rejection.actor == operator and rejection.remote_addr == OPERATOR_IP
    assert rejection.changes["status"] == ["submitted", "rejected"]
    assert rejection.changes["rejection_reason"] == ["", "Bukan agensi kerajaan"]


def test_suspending_an_agency_is_recorded_and_exported(console, operator, agency_a):
    console.cookies["spotme_lang"] = "en"
    response = console.post(
        f"/console/agencies/{agency_a.pk}/status/",
        {"status": "suspended", "reason": "Audit JDN", "confirmed": "yes"},
    )
    assert response.status_code == 302
    suspension = entries_about(agency_a)[-1]
    assert suspension.actor == operator and suspension.remote_addr == OPERATOR_IP
    assert suspension.user_agent == OPERATOR_UA
    assert suspension.changes["status"] == ["active", "suspended"]
    assert suspension.changes["status_reason"] == ["", "Audit JDN"]

    csv_response = console.get(
        "/audit/changes.csv", {"model": "tenants.agency", "action": "1", "who": "operator1"}
    )
    assert csv_response.status_code == 200
    assert "audit-jdn-changes-" in csv_response["Content-Disposition"]
    header, *rows = read_csv(csv_response)
    [row] = rows
    column = dict(zip(header, row, strict=True))
    assert column["Done by (login)"] == operator.username and column["Record"] == agency_a.name
    assert "Status: Active → Suspended" in column["Changes (before → after)"]
    assert column["IP address"] == OPERATOR_IP


def test_operator_logins_are_in_the_console_trail(console, operator):
    page = console.get("/audit/auth/", {"kind": AuthEventKind.LOGIN})
    assert page.status_code == 200
    [row] = page.context["rows"]
    assert row.event.user == operator and row.event.ip_address == OPERATOR_IP
    assert 'id="nav-audit"' in page.content.decode()


def test_non_operators_may_not_read_the_console_trail(apex_client, platform_db):
    for path in ("/audit/", "/audit/changes.csv", "/audit/auth/", "/audit/auth.csv"):
        response = apex_client.get(path)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), path
    someone = User.objects.create_user("bukan-operator", password=PASSWORD)  # public account, not staff
    apex_client.force_login(someone)
    for path in ("/audit/", "/audit/changes.csv", "/audit/auth/", "/audit/auth.csv"):
        assert apex_client.get(path).status_code == 403, path
