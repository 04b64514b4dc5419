"""The agency's PDF as a background job in a real browser: the executive presses "Sediakan PDF" on
the agency report, lands on the job's page, which offers the download once the file is made (here
in the server's process after the commit: no REDIS_URL, eager mode), downloads a real PDF, and
finds the "ready" message in the notification centre. A supervisor of the same agency gets no page
for that job."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context
from playwright.sync_api import expect

from provisioning.services import provision_agency
from tenant_apps.organisation.models import Role
from tenant_apps.people.actions import create_officer
from tests.fixtures.agencies import ADMIN_A, PASSWORD, activate_admin, make_request
from tests.fixtures.browser import log_in
from tests.fixtures.people import activate

pytestmark = pytest.mark.browser

SUBDOMAIN = "jabatan-laporan"
EXECUTIVE = "820707105013"
SUPERVISOR = "800505105011"


def test_the_executive_prepares_and_downloads_the_agency_pdf(live_url, new_page):
    agency = provision_agency(make_request(SUBDOMAIN), notify=False).agency
    activate_admin(agency, ADMIN_A)
    with schema_context(agency.schema_name):
        for mykad, name, role in ((EXECUTIVE, "Eksekutif Laporan", Role.EXECUTIVE),
                                  (SUPERVISOR, "Penyelia Laporan", Role.SUPERVISOR)):  # fmt: skip
            activate(create_officer(mykad=mykad, full_name=name, roles=[role], notify=False).officer)
    url = live_url(SUBDOMAIN)
    month = timezone.localdate().strftime("%Y-%m")

    page = new_page()
    page.goto(f"{url}/login/")
    log_in(page, EXECUTIVE, PASSWORD)
    page.goto(f"{url}/reports/agency/?month={month}")
    with page.expect_navigation():
        page.locator("#export-pdf").click()
    expect(page).to_have_url(re.compile(r"/reports/jobs/\d+/$"))
    job_url = page.url
    expect(page.locator("h1")).to_have_text("Fail laporan")
    expect(page.locator("#job-status")).to_have_text("Sedia")
    with page.expect_download() as download_info:
        page.locator("#job-download").click()
    download = download_info.value
    assert download.suggested_filename == f"laporan-agency-{month}.pdf"
    with open(download.path(), "rb") as f:
        assert f.read(5) == b"%PDF-"

    page.goto(f"{url}/notifications/")
    expect(page.locator("#main")).to_contain_text("sedia untuk dimuat turun")

    other = new_page()
    other.goto(f"{url}/login/")
    log_in(other, SUPERVISOR, PASSWORD)
    response = other.goto(job_url)
    assert response.status == 404
