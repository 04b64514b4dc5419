"""Host → agency routing: apex, agency subdomains, unknown and suspended agencies."""

from __future__ import annotations

from provisioning.services import set_agency_status
from tenants.models import AgencyStatus


def test_unknown_subdomain_gets_a_friendly_404(platform_db, client_for):
    response = client_for("tiada.localhost").get("/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "tiada.localhost" in html and "<html" in html
    api = client_for("tiada.localhost").get("/api/v1/me/")
    assert api.status_code == 404 and api.json()["code"] == "unknown_agency"


def test_unknown_page_on_a_known_agency_is_a_404_page(agency_a, client_for):
    response = client_for(agency_a).get("/no/such/page/")
    assert response.status_code == 404


def test_host_outside_the_platform_is_refused(platform_db, client_for):
    assert client_for("evil.example.com").get("/").status_code in (400, 404)


def test_suspended_agency_shows_a_page_and_its_api_answers_403(agency_a, client_for):
    from tests.fixtures.agencies import ADMIN_A, PASSWORD

    client = client_for(agency_a)
    client.login_as(ADMIN_A, PASSWORD)
    set_agency_status(agency_a.pk, AgencyStatus.SUSPENDED, reason="Ujian")
    page = client.get("/")
    assert page.status_code == 403
    assert "digantung" in page.content.decode().lower() or "suspended" in page.content.decode().lower()
    login = client_for(agency_a).get("/login/")
    assert login.status_code == 403, "no login form while suspended"
    api = client.get("/api/v1/me/")
    assert api.status_code == 403
    assert api["Content-Type"] == "application/json"
    assert api.json()["code"] == "agency_suspended"
    set_agency_status(agency_a.pk, AgencyStatus.ACTIVE)
    assert client.get("/").status_code == 200


def test_archived_agency_is_closed_too(agency_a, client_for):
    set_agency_status(agency_a.pk, AgencyStatus.ARCHIVED, reason="Tamat")
    assert client_for(agency_a).get("/login/").status_code == 403
    assert client_for(agency_a).get("/api/v1/me/").json()["code"] == "agency_archived"


def test_console_is_not_served_on_an_agency_host(agency_a, client_for):
    for path in ("/console/", "/apply/", "/api/v1/applications/", "/api/v1/agencies/"):
        assert client_for(agency_a).get(path).status_code == 404, path


def test_agency_pages_are_not_served_on_the_apex(apex_client):
    for path in ("/api/v1/me/",):
        assert apex_client.get(path).status_code == 404, path


def test_operator_console_needs_an_operator(apex_client, platform_db):
    from spotme.accounts.models import User

    response = apex_client.get("/console/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    User.objects.create_user("bukan-operator", password="Sangat-Selamat-2026")
    apex_client.force_login(User.objects.get(username="bukan-operator"))
    assert apex_client.get("/console/").status_code == 403
    assert apex_client.get("/api/v1/agencies/").status_code == 403


def test_operator_login_form_refuses_non_staff(apex_client, platform_db):
    from spotme.accounts.models import User

    User.objects.create_user("bukan-operator", password="Sangat-Selamat-2026")
    response = apex_client.post("/login/", {"username": "bukan-operator", "password": "Sangat-Selamat-2026"})
    assert response.status_code == 200 and not response.wsgi_request.user.is_authenticated


def test_operator_can_suspend_and_reactivate_from_the_console(operator_client, agency_a, client_for):
    response = operator_client.post(
        f"/console/agencies/{agency_a.pk}/status/",
        {"status": "suspended", "reason": "Tunggakan bayaran", "confirmed": "yes"},
    )
    assert response.status_code == 302
    assert client_for(agency_a).get("/login/").status_code == 403
    listing = operator_client.get("/console/agencies/").content.decode()
    assert "Tunggakan bayaran" in listing
    operator_client.post(f"/console/agencies/{agency_a.pk}/status/", {"status": "active"})
    assert client_for(agency_a).get("/login/").status_code == 200


def test_suspending_needs_a_reason(operator_client, agency_a):
    operator_client.post(
        f"/console/agencies/{agency_a.pk}/status/", {"status": "suspended", "reason": "", "confirmed": "yes"}
    )
    agency_a.refresh_from_db()
    assert agency_a.status == AgencyStatus.ACTIVE


def test_in_development_the_address_runserver_prints_leads_to_the_apex(platform_db, client_for, settings):
    """runserver prints http://127.0.0.1:8000/; that address names no agency. In development it
    redirects to the apex on the same port; in production it stays an unknown host."""
    settings.DEBUG = True
    response = client_for("127.0.0.1:8000").get("/console/?next=x")
    assert response.status_code == 302
    assert response["Location"] == "http://localhost:8000/console/?next=x"
    settings.DEBUG = False
    assert client_for("127.0.0.1:8000").get("/").status_code in (400, 404)
