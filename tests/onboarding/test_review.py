"""Operators review applications: approve → the agency exists and answers on its subdomain;
reject → nothing is created; a failed provisioning leaves nothing and can be retried."""

from __future__ import annotations

import pytest
from django.db import connection
from django_tenants.utils import schema_context, schema_exists

from provisioning import services
from shared_apps.onboarding.models import AgencyApplication, ApplicationStatus, ProvisioningEvent
from tenants.models import Agency, Domain

from .test_application_form import VALID


@pytest.fixture
def application(apex_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert apex_client.post("/apply/", VALID).status_code == 302
    return AgencyApplication.objects.get()


def approve(operator_client, app, capture):
    with capture(execute=True):
        response = operator_client.post(f"/console/applications/{app.pk}/approve/", {"confirmed": "yes"})
    assert response.status_code == 302
    app.refresh_from_db()
    return app


def test_console_lists_and_filters_applications(operator_client, application):
    page = operator_client.get("/console/")
    assert application.reference in page.content.decode()
    assert application.reference not in operator_client.get("/console/?status=rejected").content.decode()
    assert application.reference in operator_client.get("/console/?q=ujian&state=10").content.decode()
    assert application.reference not in operator_client.get("/console/?state=03").content.decode()
    bad = operator_client.get("/console/?status=nonsense")
    assert bad.status_code == 200  # an invalid filter shows the form error, not a crash


def test_approve_provisions_the_agency(
    operator_client, operator, application, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    app = approve(operator_client, application, django_capture_on_commit_callbacks)
    assert app.status == ApplicationStatus.PROVISIONED
    assert app.reviewed_by == operator
    agency = Agency.objects.get(subdomain="jabatan-ujian")
    assert agency.application == app and agency.state == "10"
    assert Domain.objects.get(tenant=agency).domain == "jabatan-ujian.localhost"
    assert schema_exists("agency_jabatan_ujian")
    kinds = list(app.events.values_list("kind", flat=True))
    assert kinds == ["queued", "started", "succeeded"]
    # The applicant is told at each step: approved, then the welcome with the temporary password.
    subjects = [m.subject for m in mailoutbox]
    assert len(subjects) == 2 and app.reference in subjects[0]
    assert "Kata laluan sementara" in mailoutbox[1].body or "Temporary password" in mailoutbox[1].body
    # The console page stays the console's: the agency's name is not put in the header.
    detail = operator_client.get(f"/console/applications/{app.pk}/").content.decode()
    assert 'id="agency-url"' in detail
    assert '<span class="brand-agency">Jabatan Ujian Negeri' not in detail
    # The agency answers on its own subdomain.
    login = client_for("jabatan-ujian.localhost").get("/login/")
    assert login.status_code == 200
    assert "Jabatan Ujian Negeri" in login.content.decode()
    # The org admin exists only in the agency's schema, with a temporary password to change.
    from spotme.accounts.models import User

    assert not User.objects.filter(username="900101105555").exists()
    with schema_context(agency.schema_name):
        admin = User.objects.get(username="900101105555")
        assert admin.must_change_password
        assert {g.name for g in admin.groups.all()} == {"pegawai", "pentadbir"}


def test_approving_twice_is_refused(operator_client, application, django_capture_on_commit_callbacks):
    approve(operator_client, application, django_capture_on_commit_callbacks)
    response = operator_client.post(
        f"/console/applications/{application.pk}/approve/", {"confirmed": "yes"}, follow=True
    )
    assert Agency.objects.filter(subdomain="jabatan-ujian").count() == 1
    assert response.status_code == 200


def test_reject_creates_nothing_and_tells_the_applicant(
    operator_client, application, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = operator_client.post(
            f"/console/applications/{application.pk}/reject/",
            {"reason": "Agensi ini sudah menggunakan sistem lain."},
        )
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REJECTED
    assert not Agency.objects.filter(subdomain="jabatan-ujian").exists()
    assert not schema_exists("agency_jabatan_ujian")
    assert len(mailoutbox) == 1 and "sistem lain" in mailoutbox[0].body


def test_reject_needs_a_reason(operator_client, application):
    response = operator_client.post(f"/console/applications/{application.pk}/reject/", {"reason": "no"})
    assert response.status_code == 400
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_failure_midway_leaves_nothing_and_retry_succeeds(
    operator_client, application, monkeypatch, django_capture_on_commit_callbacks
):
    """Fault injected after the schema is cloned and the domain created, while the org admin is made."""
    real_setup = services._set_up_agency_schema
    calls = {"n": 0}

    def failing_setup(agency, request, password):
        calls["n"] += 1
        assert schema_exists(agency.schema_name) and Domain.objects.filter(tenant=agency).exists()
        raise RuntimeError("simulated failure while creating the org admin")

    monkeypatch.setattr(services, "_set_up_agency_schema", failing_setup)
    app = approve(operator_client, application, django_capture_on_commit_callbacks)
    assert calls["n"] == 1
    assert app.status == ApplicationStatus.FAILED
    assert "simulated failure" in app.last_error
    assert not Agency.objects.filter(subdomain="jabatan-ujian").exists()
    assert not Domain.objects.filter(domain="jabatan-ujian.localhost").exists()
    assert not schema_exists("agency_jabatan_ujian")
    detail = operator_client.get(f"/console/applications/{app.pk}/").content.decode()
    assert "simulated failure" in detail and 'id="retry"' in detail

    monkeypatch.setattr(services, "_set_up_agency_schema", real_setup)
    with django_capture_on_commit_callbacks(execute=True):
        operator_client.post(f"/console/applications/{app.pk}/retry/")
    app.refresh_from_db()
    assert app.status == ApplicationStatus.PROVISIONED
    assert app.provisioning_attempts == 2
    assert schema_exists("agency_jabatan_ujian")
    assert list(app.events.values_list("kind", flat=True)) == [
        "queued",
        "started",
        "failed",
        "queued",
        "started",
        "succeeded",
    ]
    assert connection.schema_name == "public"


def test_provisioning_task_is_idempotent(operator_client, application, django_capture_on_commit_callbacks):
    from provisioning.tasks import provision_application

    approve(operator_client, application, django_capture_on_commit_callbacks)
    assert provision_application(application.pk) == "skipped: provisioned"
    assert Agency.objects.filter(subdomain="jabatan-ujian").count() == 1
    assert ProvisioningEvent.objects.filter(kind="succeeded").count() == 1


def test_only_failed_applications_can_be_retried(operator_client, application):
    operator_client.post(f"/console/applications/{application.pk}/retry/")
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_api_review_actions(operator_client, application, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = operator_client.post(f"/api/v1/applications/{application.pk}/approve/")
    # The answer is given at approval; provisioning runs after the commit.
    assert response.status_code == 200 and response.json()["status"] == "queued"
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PROVISIONED
    again = operator_client.post(f"/api/v1/applications/{application.pk}/approve/")
    assert again.status_code == 409 and again.json()["code"] == "invalid_state"
    assert operator_client.post("/api/v1/applications/999999/approve/").status_code == 404
