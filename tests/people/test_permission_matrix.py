"""Every people/organisation page and endpoint, for every role, and for a user of another agency.

Roles: anonymous, officer (officer_1), supervisor of the target (supervisor_1), supervisor of
someone else (supervisor_2), executive, org admin, and the org admin of another agency presenting
their session on this agency's host. The target of per-officer routes is officer_1."""

from __future__ import annotations

import pytest

from tests.fixtures.people import ROLES, walk_matrix

ANON = 302  # pages: to the login page
OUT = 403  # API without a session / no permission

# (method, path template, {role: expected status}) — "{t}" is the target officer, "{u}" an org unit.
MATRIX = [
    (
        "GET",
        "/people/",
        dict(
            anonymous=ANON,
            other_agency=ANON,
            officer=403,
            supervisor_of_target=200,
            supervisor_other=200,
            executive=200,
            org_admin=200,
        ),
    ),
    (
        "GET",
        "/people/{t}/",
        dict(
            anonymous=ANON,
            other_agency=ANON,
            officer=403,
            supervisor_of_target=200,
            supervisor_other=404,
            executive=200,
            org_admin=200,
        ),
    ),
    (
        "GET",
        "/people/new/",
        dict(
            anonymous=ANON,
            other_agency=ANON,
            officer=403,
            supervisor_of_target=403,
            supervisor_other=403,
            executive=403,
            org_admin=200,
        ),
    ),
    (
        "GET",
        "/people/{t}/edit/",
        dict(
            anonymous=ANON,
            other_agency=ANON,
            officer=403,
            supervisor_of_target=403,
            supervisor_other=403,
            executive=403,
            org_admin=200,
        ),
    ),
    (
        "POST",
        "/people/{t}/active/",
        dict(
            anonymous=ANON,
            other_agency=ANON,
            officer=403,
            supervisor_of_target=403,
            supervisor_other=403,
            executive=403,
            org_admin=302,
        ),
    ),
    (
        "POST",
        "/people/{t}/temporary-password/",
        dict(
            anonymous=ANON,
            other_agency=ANON,
            officer=403,
            supervisor_of_target=403,
            supervisor_other=403,
            executive=403,
            org_admin=302,
        ),
    ),
    (
        "GET",
        "/profile/",
        dict(
            anonymous=ANON,
            other_agency=ANON,
            officer=200,
            supervisor_of_target=200,
            supervisor_other=200,
            executive=200,
            org_admin=200,
        ),
    ),
    (
        "GET",
        "/org-units/",
        dict(
            anonymous=ANON,
            other_agency=ANON,
            officer=403,
            supervisor_of_target=200,
            supervisor_other=200,
            executive=200,
            org_admin=200,
        ),
    ),
    (
        "GET",
        "/org-units/new/",
        dict(
            anonymous=ANON,
            other_agency=ANON,
            officer=403,
            supervisor_of_target=403,
            supervisor_other=403,
            executive=403,
            org_admin=200,
        ),
    ),
    (
        "GET",
        "/org-units/{u}/edit/",
        dict(
            anonymous=ANON,
            other_agency=ANON,
            officer=403,
            supervisor_of_target=403,
            supervisor_other=403,
            executive=403,
            org_admin=200,
        ),
    ),
    (
        "GET",
        "/settings/",
        dict(
            anonymous=ANON,
            other_agency=ANON,
            officer=403,
            supervisor_of_target=403,
            supervisor_other=403,
            executive=403,
            org_admin=200,
        ),
    ),
    (
        "GET",
        "/api/v1/officers/",
        dict(
            anonymous=OUT,
            other_agency=OUT,
            officer=403,
            supervisor_of_target=200,
            supervisor_other=200,
            executive=200,
            org_admin=200,
        ),
    ),
    (
        "GET",
        "/api/v1/officers/{t}/",
        dict(
            anonymous=OUT,
            other_agency=OUT,
            officer=403,
            supervisor_of_target=200,
            supervisor_other=404,
            executive=200,
            org_admin=200,
        ),
    ),
    (
        "PATCH",
        "/api/v1/officers/{t}/",
        dict(
            anonymous=OUT,
            other_agency=OUT,
            officer=403,
            supervisor_of_target=403,
            supervisor_other=403,
            executive=403,
            org_admin=200,
        ),
    ),
    (
        "POST",
        "/api/v1/officers/",
        dict(
            anonymous=OUT,
            other_agency=OUT,
            officer=403,
            supervisor_of_target=403,
            supervisor_other=403,
            executive=403,
            org_admin=201,
        ),
    ),
    (
        "GET",
        "/api/v1/org-units/",
        dict(
            anonymous=OUT,
            other_agency=OUT,
            officer=403,
            supervisor_of_target=200,
            supervisor_other=200,
            executive=200,
            org_admin=200,
        ),
    ),
    (
        "POST",
        "/api/v1/org-units/",
        dict(
            anonymous=OUT,
            other_agency=OUT,
            officer=403,
            supervisor_of_target=403,
            supervisor_other=403,
            executive=403,
            org_admin=201,
        ),
    ),
    (
        "GET",
        "/api/v1/roles/",
        dict(
            anonymous=OUT,
            other_agency=OUT,
            officer=200,
            supervisor_of_target=200,
            supervisor_other=200,
            executive=200,
            org_admin=200,
        ),
    ),
    (
        "GET",
        "/api/v1/me/",
        dict(
            anonymous=OUT,
            other_agency=OUT,
            officer=200,
            supervisor_of_target=200,
            supervisor_other=200,
            executive=200,
            org_admin=200,
        ),
    ),
]

BODIES = {
    ("PATCH", "/api/v1/officers/{t}/"): {"full_name": "Nama Baharu"},
    ("POST", "/api/v1/officers/"): {"mykad": "930303105017", "full_name": "Pegawai Baharu"},
    ("POST", "/api/v1/org-units/"): {"name": "Unit Baharu"},
    ("POST", "/people/{t}/active/"): {"active": "0"},
}


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(cast, agency_b, client_as, role):
    walk_matrix(client_as(role), role, MATRIX, BODIES, t=cast.officer_1.pk, u=cast.sub_unit.pk)


def ids_in(response) -> set[int]:
    return {row["id"] for row in response.json()["results"]}


def test_supervisors_see_only_their_supervisees(cast, client_as):
    c = cast
    assert ids_in(client_as("supervisor_of_target").get("/api/v1/officers/")) == {
        c.supervisor_1.pk,
        c.officer_1.pk,
    }
    assert ids_in(client_as("supervisor_other").get("/api/v1/officers/")) == {
        c.supervisor_2.pk,
        c.officer_2.pk,
    }
    everyone = ids_in(client_as("executive").get("/api/v1/officers/?limit=100"))
    assert {c.officer_1.pk, c.officer_2.pk, c.officer_3.pk, c.admin.pk} <= everyone
    page = client_as("supervisor_of_target").get("/people/").content.decode()
    assert "Pegawai Satu" in page and "Pegawai Dua" not in page and "Pegawai Tiga" not in page


def test_whole_chain_when_the_agency_enables_it(cast, client_as):
    from django_tenants.utils import schema_context

    from tenant_apps.organisation.models import AgencyProfile

    with schema_context(cast.agency.schema_name):
        AgencyProfile.objects.update(supervisor_sees_chain=True)
    c = cast
    seen = ids_in(client_as("supervisor_of_target").get("/api/v1/officers/"))
    assert seen == {c.supervisor_1.pk, c.officer_1.pk, c.officer_3.pk}
    assert client_as("supervisor_of_target").get(f"/people/{c.officer_3.pk}/").status_code == 200
    assert client_as("supervisor_other").get(f"/people/{c.officer_3.pk}/").status_code == 404


def test_guessing_ids_finds_nothing(cast, client_as):
    client = client_as("supervisor_other")
    for officer in (cast.officer_1, cast.officer_3, cast.admin, cast.executive):
        assert client.get(f"/api/v1/officers/{officer.pk}/").status_code == 404
        assert client.get(f"/people/{officer.pk}/").status_code == 404


def test_executive_reads_but_cannot_write(cast, client_as):
    client = client_as("executive")
    assert client.get(f"/people/{cast.officer_2.pk}/").status_code == 200
    assert client.post(f"/people/{cast.officer_2.pk}/edit/", {"full_name": "X"}).status_code == 403
