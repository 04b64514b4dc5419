"""Issue 18 #12 / the agency PDF as a background job (tenant_apps/reports/jobs.py): "Prepare the PDF"
writes a job and answers at once with its page; the task renders the file (here in this process
after the commit, as without REDIS_URL; on Redis a worker does it); the page then offers the
download and the notification centre says it is ready. Only the person who asked sees the job and its
file — not another agency, not a colleague, not a lesser role, and not the asker once they lost the
role that let them open the report."""

from __future__ import annotations

import io

import pytest
from django_tenants.utils import schema_context
from pypdf import PdfReader

from spotme.outbox.models import OutboxMessage
from tenant_apps.notifications.models import Kind, Notification
from tenant_apps.organisation.models import Role
from tenant_apps.reports.models import ReportJob
from tests.fixtures.people import ROLES, walk_matrix

from .conftest import agency_pdf

M = {"month": "2025-10", "export": "pdf"}


def test_prepare_answers_at_once_and_the_file_follows(
    october, cast, client_as, django_capture_on_commit_callbacks
):
    executive = client_as("executive")
    # Without running the after-commit work: the request has only written the job and its outbox row.
    response = executive.post("/reports/agency/prepare/", M)
    assert response.status_code == 302
    with schema_context(cast.agency.schema_name):
        job = ReportJob.objects.get()
        assert job.status == ReportJob.Status.QUEUED and job.requested_by == cast.executive.user
        assert OutboxMessage.objects.filter(task="reports.render_job", args=[job.pk]).exists()
    page = executive.get(response["Location"]).content.decode()
    assert 'id="job-progress"' in page and 'id="job-download"' not in page
    assert executive.get(f"/reports/jobs/{job.pk}/status/").json() == {"status": "queued", "finished": False}
    assert executive.get(f"/reports/jobs/{job.pk}/download/").status_code == 404  # not ready yet

    download = agency_pdf(executive, django_capture_on_commit_callbacks)
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    data = b"".join(download.streaming_content)
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())
    assert "Pegawai Satu" in text and cast.agency.name in text
    with schema_context(cast.agency.schema_name):
        done = ReportJob.objects.filter(status=ReportJob.Status.DONE).get()
        note = Notification.objects.get(kind=Kind.REPORT_READY)
        assert note.recipient == cast.executive.user and note.url == f"/reports/jobs/{done.pk}/"
    assert "sedia untuk dimuat turun" in executive.get("/notifications/").content.decode()


def test_a_background_pdf_of_an_old_link_shows_the_button(october, client_as):
    page = client_as("executive").get("/reports/agency/?month=2025-10&export=pdf")
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    html = page.content.decode()
    assert 'id="pdf-background"' in html and 'id="prepare-pdf"' in html


def test_bad_input_is_a_400_and_writes_nothing(october, cast, client_as):
    executive = client_as("executive")
    for kind, month, fmt in (
        ("agency", "2025-13", "pdf"),
        ("agency", "2025-10", "csv"),
        ("officer", "2025-10", "pdf"),
    ):
        response = executive.post(f"/reports/{kind}/prepare/", {"month": month, "export": fmt})
        assert response.status_code == 400, (kind, month, fmt)
    assert executive.get("/reports/agency/prepare/").status_code == 405
    with schema_context(cast.agency.schema_name):
        assert not ReportJob.objects.exists()


@pytest.fixture
def executives_job(october, cast, client_as, django_capture_on_commit_callbacks):
    agency_pdf(client_as("executive"), django_capture_on_commit_callbacks)
    with schema_context(cast.agency.schema_name):
        return ReportJob.objects.get()


NOT_FOUND, ANON, FORBIDDEN = 404, 302, 403
JOB_ROUTES = ["/reports/jobs/{job}/", "/reports/jobs/{job}/status/", "/reports/jobs/{job}/download/"]
# Only the executive asked: every other person gets a 404 for the job (an id outside one's reach).
SEES = dict.fromkeys(ROLES, NOT_FOUND) | {"anonymous": ANON, "other_agency": ANON, "executive": 200}
PREPARE = dict.fromkeys(ROLES, FORBIDDEN) | {
    "anonymous": ANON,
    "other_agency": ANON,
    "executive": 302,
    "org_admin": 302,
}


@pytest.mark.parametrize("role", ROLES)
def test_only_the_asker_sees_the_job_and_its_file(executives_job, client_as, cast, role):
    matrix = [("GET", path, SEES) for path in JOB_ROUTES]
    matrix.append(("POST", "/reports/agency/prepare/", PREPARE))
    bodies = {("POST", "/reports/agency/prepare/"): M}
    walk_matrix(client_as(role), role, matrix, bodies, job=executives_job.pk)


def test_the_asker_who_lost_the_role_loses_the_file(executives_job, cast, client_as):
    with schema_context(cast.agency.schema_name):
        cast.executive.user.groups.remove(*Role.groups(Role.EXECUTIVE))
    client = client_as("executive")
    for path in JOB_ROUTES:
        assert client.get(path.format(job=executives_job.pk)).status_code == 404


def test_another_agencys_executive_cannot_reach_it_on_their_own_host(executives_job, agency_b, client_for):
    from tests.fixtures.agencies import ADMIN_B, PASSWORD

    other = client_for(agency_b)
    other.login_as(ADMIN_B, PASSWORD)
    for path in JOB_ROUTES:
        assert other.get(path.format(job=executives_job.pk)).status_code == 404
