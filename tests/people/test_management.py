"""User management by the org admin, the org-unit tree, agency settings and the officer's profile."""

from __future__ import annotations

import html
import re

import pytest
from django_tenants.utils import schema_context

from tenant_apps.organisation.models import AgencyProfile, OrgUnit
from tenant_apps.people.models import Officer
from tests.fixtures.agencies import ADMIN_A, PASSWORD


@pytest.fixture
def admin_client(cast, client_for):
    client = client_for(cast.agency)
    client.login_as(ADMIN_A, PASSWORD)
    return client


def in_agency(cast, fn):
    with schema_context(cast.agency.schema_name):
        return fn()


NEW = {
    "mykad": "950505-10-5021",
    "full_name": "Ahmad bin Ali",
    "email": "ahmad@a.gov.my",
    "phone": "012-345 6789",
    "grade": "N19",
    "position": "Pembantu Tadbir",
    "roles": ["penyelia"],
}


def test_admin_creates_an_officer_who_must_change_the_temporary_password(
    cast, admin_client, client_for, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/people/new/", {**NEW, "org_unit": cast.sub_unit.pk, "supervisor": cast.supervisor_1.pk}
        )
    assert response.status_code == 302
    officer = in_agency(
        cast, lambda: Officer.objects.select_related("user").get(user__username="950505105021")
    )
    assert officer.org_unit_id == cast.sub_unit.pk and officer.supervisor_id == cast.supervisor_1.pk
    assert officer.user.must_change_password
    roles = in_agency(cast, lambda: set(officer.user.groups.values_list("name", flat=True)))
    assert roles == {"pegawai", "penyelia"}
    assert len(mailoutbox) == 1 and "950505105021" in mailoutbox[0].body
    password = re.search(r"(?:Kata laluan sementara|Temporary password): (\S+)", mailoutbox[0].body).group(1)
    newcomer = client_for(cast.agency)
    newcomer.login_as("950505105021", password)
    assert newcomer.get("/profile/")["Location"] == "/password/change/"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"mykad": "12345"}, "mykad"),
        ({"mykad": "951305105021"}, "mykad"),
        ({"mykad": "900909-10-5014"}, "mykad"),  # already officer_1
        ({"full_name": ""}, "full_name"),
        ({"email": "bukan-emel"}, "email"),
        ({"phone": "123"}, "phone"),
        ({"join_date": "2025-05-01", "leave_date": "2024-01-01"}, "leave_date"),
        ({"roles": ["raja"]}, "roles"),
        ({"org_unit": "999999"}, "org_unit"),
        ({"supervisor": "999999"}, "supervisor"),
    ],
)
def test_bad_officer_input_is_refused_field_by_field(cast, admin_client, changes, field):
    before = in_agency(cast, Officer.objects.count)
    response = admin_client.post("/people/new/", {**NEW, **changes})
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert in_agency(cast, Officer.objects.count) == before


def test_supervisor_cycles_are_refused(cast, admin_client):
    # supervisor_1 → officer_1 → officer_3: making officer_3 supervise supervisor_1 closes a loop.
    response = admin_client.post(
        f"/people/{cast.supervisor_1.pk}/edit/",
        {"mykad": "x", "full_name": "Penyelia Satu", "supervisor": cast.officer_3.pk},
    )
    assert response.status_code == 400
    assert "supervisor" in response.context["form"].errors
    assert in_agency(cast, lambda: Officer.objects.get(pk=cast.supervisor_1.pk).supervisor_id) is None


def test_edit_moves_and_changes_supervisor(cast, admin_client):
    response = admin_client.post(
        f"/people/{cast.officer_2.pk}/edit/",
        {
            "full_name": "Pegawai Dua Baharu",
            "org_unit": cast.unit.pk,
            "supervisor": cast.supervisor_1.pk,
            "roles": ["eksekutif"],
        },
    )
    assert response.status_code == 302
    officer = in_agency(cast, lambda: Officer.objects.select_related("user").get(pk=cast.officer_2.pk))
    assert (officer.org_unit_id, officer.supervisor_id) == (cast.unit.pk, cast.supervisor_1.pk)
    assert officer.user.full_name == "Pegawai Dua Baharu"
    assert officer.user.username == "910101105015", "the MyKad number cannot be changed"
    assert in_agency(cast, lambda: set(officer.user.groups.values_list("name", flat=True))) == {
        "pegawai",
        "eksekutif",
    }


def test_deactivated_officer_cannot_log_in_and_is_signed_out(cast, admin_client, client_for):
    from tests.fixtures.people import OFFICER_1

    officer_client = client_for(cast.agency)
    officer_client.login_as(OFFICER_1, PASSWORD)
    assert officer_client.get("/profile/").status_code == 200
    assert admin_client.post(f"/people/{cast.officer_1.pk}/active/", {"active": "0"}).status_code == 302
    assert officer_client.get("/profile/").status_code == 302, "the open session stops working"
    assert (
        client_for(cast.agency).post("/login/", {"username": OFFICER_1, "password": PASSWORD}).status_code
        == 200
    )
    admin_client.post(f"/people/{cast.officer_1.pk}/active/", {"active": "1"})
    client_for(cast.agency).login_as(OFFICER_1, PASSWORD)


def test_admin_cannot_deactivate_themself(cast, admin_client):
    admin_client.post(f"/people/{cast.admin.pk}/active/", {"active": "0"})
    assert in_agency(cast, lambda: Officer.objects.get(pk=cast.admin.pk).user.is_active)


def test_new_temporary_password_forces_a_change(cast, admin_client, client_for):
    from tests.fixtures.people import OFFICER_2

    response = admin_client.post(f"/people/{cast.officer_2.pk}/temporary-password/", follow=True)
    text = response.content.decode()
    found = re.search(r"(?:sementara baharu|New temporary password): (\S+)", text)
    assert found, "the new password is shown once to the admin"
    password = html.unescape(found.group(1))
    client = client_for(cast.agency)
    assert client.post("/login/", {"username": OFFICER_2, "password": PASSWORD}).status_code == 200
    client.login_as(OFFICER_2, password)
    assert client.get("/")["Location"] == "/password/change/"


def test_officer_list_filters(cast, admin_client):
    def names(query):
        return admin_client.get(f"/people/?{query}").content.decode()

    assert "Pegawai Dua" in names("q=dua") and "Pegawai Satu" not in names("q=dua")
    assert "Pegawai Satu" in names(f"org_unit={cast.unit.pk}"), "a unit includes its sub-units"
    assert "Penyelia Satu" in names("role=penyelia") and "Pegawai Satu" not in names("role=penyelia")


def test_org_unit_tree_moves_keep_paths_right(cast, admin_client):
    response = admin_client.post(
        "/org-units/new/", {"name": "Unit Pangkalan Data", "parent": cast.sub_unit.pk, "is_active": "on"}
    )
    assert response.status_code == 302
    leaf = in_agency(cast, lambda: OrgUnit.objects.get(name="Unit Pangkalan Data"))
    assert leaf.path == f"{cast.sub_unit.path}{leaf.pk}/" and leaf.depth == 2
    # Move the middle unit to the top: its child follows.
    admin_client.post(
        f"/org-units/{cast.sub_unit.pk}/edit/", {"name": "Seksyen Aplikasi", "parent": "", "is_active": "on"}
    )
    leaf = in_agency(cast, lambda: OrgUnit.objects.get(pk=leaf.pk))
    assert leaf.path == f"/{cast.sub_unit.pk}/{leaf.pk}/" and leaf.depth == 1
    # A unit cannot go under its own descendant.
    response = admin_client.post(
        f"/org-units/{cast.sub_unit.pk}/edit/",
        {"name": "Seksyen Aplikasi", "parent": leaf.pk, "is_active": "on"},
    )
    assert response.status_code == 400
    # Two units of the same name under one parent are refused.
    response = admin_client.post(
        "/org-units/new/", {"name": "Seksyen Aplikasi", "parent": "", "is_active": "on"}
    )
    assert response.status_code == 400


def test_agency_settings_validation(cast, admin_client):
    current = in_agency(cast, AgencyProfile.current)
    data = {
        "name": current.name,
        "state": "03",
        "timezone": "Asia/Kuala_Lumpur",
        "default_working_policy": "WBF",
        "geofence_mode": "block",
        "failed_login_limit": "5",
        "lockout_minutes": "15",
        "idle_timeout_minutes": "20",
        "supervisor_sees_chain": "on",
    }
    assert admin_client.post("/settings/", data).status_code == 302
    saved = in_agency(cast, AgencyProfile.current)
    assert (saved.state, saved.geofence_mode, saved.failed_login_limit, saved.supervisor_sees_chain) == (
        "03",
        "block",
        5,
        True,
    )
    for bad in (
        {"timezone": "Mars/Olympus"},
        {"failed_login_limit": "0"},
        {"idle_timeout_minutes": "1"},
        {"state": "99"},
        {"geofence_mode": "sometimes"},
    ):
        response = admin_client.post("/settings/", {**data, **bad})
        assert response.status_code == 400, bad


def test_officer_updates_own_profile(cast, client_for):
    from tests.fixtures.people import OFFICER_1

    client = client_for(cast.agency)
    client.login_as(OFFICER_1, PASSWORD)
    page = client.get("/profile/").content.decode()
    assert "Pegawai Satu" in page and "Seksyen Aplikasi" in page and "Penyelia Satu" in page
    response = client.post(
        "/profile/", {"email": "baru@a.gov.my", "phone": "03-2222 3333", "preferred_language": "en"}
    )
    assert response.status_code == 302
    user = in_agency(cast, lambda: Officer.objects.get(pk=cast.officer_1.pk).user)
    assert (user.email, user.phone, user.preferred_language) == ("baru@a.gov.my", "0322223333", "en")
    assert (
        client.post("/profile/", {"email": "x", "phone": "1", "preferred_language": "fr"}).status_code == 400
    )


def test_api_creates_and_validates_officers(cast, admin_client):
    response = admin_client.post(
        "/api/v1/officers/", {"mykad": "12", "full_name": ""}, content_type="application/json"
    )
    assert response.status_code == 400
    assert {"mykad", "full_name"} <= set(response.json()["fields"])
    response = admin_client.post(
        "/api/v1/officers/",
        {
            "mykad": "930303105017",
            "full_name": "Pegawai API",
            "supervisor": cast.supervisor_2.pk,
            "roles": ["penyelia"],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["mykad"] == "930303105017" and body["roles"] == ["pegawai", "penyelia"]
    patched = admin_client.patch(
        f"/api/v1/officers/{body['id']}/", {"grade": "F44"}, content_type="application/json"
    )
    assert patched.status_code == 200 and patched.json()["grade"] == "F44"
    assert patched.json()["supervisor"] == cast.supervisor_2.pk, "a partial update keeps other fields"


def test_api_filters_and_schema(cast, admin_client):
    rows = admin_client.get(f"/api/v1/officers/?supervisor={cast.supervisor_1.pk}").json()["results"]
    assert [r["mykad"] for r in rows] == ["900909105014"]
    rows = admin_client.get(f"/api/v1/officers/?org_unit={cast.unit.pk}&role=penyelia").json()["results"]
    assert {r["mykad"] for r in rows} == {"800505105011", "810606105012"}
    schema = admin_client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {"/api/v1/officers/", "/api/v1/org-units/", "/api/v1/roles/", "/api/v1/me/"} <= set(paths)
    assert admin_client.get("/api/docs/").status_code == 200
