"""A real Celery worker on Redis provisions an approved agency (the path used in production)."""

from __future__ import annotations

import time

import pytest

from shared_apps.onboarding import actions
from shared_apps.onboarding.models import ApplicationStatus
from tenants.models import Agency
from tests.fixtures.agencies import make_application
from tests.fixtures.platform import celery_worker

pytestmark = pytest.mark.worker


@pytest.fixture
def worker(live_platform, settings):
    with celery_worker(settings.REDIS_URL) as proc:
        yield proc


def test_worker_provisions_an_approved_application(worker, operator_live, client_for):
    app = make_application(
        "jabatan-pekerja",
        agency_name="Jabatan Pekerja",
        state="11",
        admin_mykad="900101115555",
        admin_email="aminah@pekerja.gov.my",
    )
    actions.approve_application(app.pk, operator=operator_live)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        app.refresh_from_db()
        if app.status in (ApplicationStatus.PROVISIONED, ApplicationStatus.FAILED):
            break
        time.sleep(0.5)
    assert app.status == ApplicationStatus.PROVISIONED, app.last_error
    agency = Agency.objects.get(subdomain="jabatan-pekerja")
    assert agency.state == "11"
    assert client_for(agency).get("/login/").status_code == 200


def test_worker_sends_notification_emails_after_commit(worker, live_platform):
    """A supervisee's outside clock-in: the notification row commits with the event, and the real
    worker (on Redis) emails it in the agency's schema."""
    from datetime import date

    from django_tenants.utils import schema_context

    from provisioning.services import provision_agency
    from tenant_apps.attendance import services
    from tenant_apps.attendance.models import OfficeSite
    from tenant_apps.notifications.models import Notification
    from tenant_apps.people import actions
    from tests.fixtures.agencies import make_request
    from tests.fixtures.attendance import OFFICE, OUTSIDE, at

    agency = provision_agency(make_request("notis-pekerja")).agency
    with schema_context(agency.schema_name):
        OfficeSite.objects.create(name="Pejabat", latitude=OFFICE[0], longitude=OFFICE[1], radius_m=200)
        boss = actions.create_officer(
            mykad="800505105011",
            full_name="Penyelia",
            email="boss@a.gov.my",
            roles=["penyelia"],
            notify=False,
        ).officer
        worker_officer = actions.create_officer(
            mykad="900909105014", full_name="Pegawai", supervisor=boss, notify=False
        ).officer
        services.clock(worker_officer, "in", position=OUTSIDE, now=at(date(2025, 11, 17), "08:00"))
        note = Notification.objects.get(recipient=boss.user)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with schema_context(agency.schema_name):
            note.refresh_from_db()
        if note.emailed_at is not None:
            break
        time.sleep(0.5)
    assert note.emailed_at is not None, "the worker emailed the notification"
