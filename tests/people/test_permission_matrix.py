"""Every people/organisation page and endpoint, for every role, and for a user of another agency.

Roles: anonymous, officer (officer_1), supervisor of the target (supervisor_1), supervisor of
someone else (supervisor_2), executive, org admin, and the org admin of another agency presenting
their session on this agency's host. The target of per-officer routes is officer_1."""

from __future__ import annotations

import pytest

from tests.fixtures.agencies import PASSWORD

ROLES = [
    "anonymous",
    "other_agency",
    "officer",
    "supervisor_of_target",
    "supervisor_other",
    "executive",
    "org_admin",
]
LOGIN_OF = {
    "officer": "officer_1",
    "supervisor_of_target": "supervisor_1",
    "supervisor_other": "supervisor_2",
    "executive": "executive",
    "org_admin": "admin",
}

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


@pytest.fixture
def client_as(cast, client_for, settings):
    b_session = None

    def make(role: str):
        nonlocal b_session
        client = client_for(cast.agency)
        if role == "anonymous":
            return client
        if role == "other_agency":
            from django_tenants.utils import get_tenant_model

            from tests.fixtures.agencies import ADMIN_B

            agency_b = get_tenant_model().objects.get(subdomain="kelantan-test")
            other = client_for(agency_b)
            other.login_as(ADMIN_B, PASSWORD)
            client.cookies[settings.SESSION_COOKIE_NAME] = other.cookies[settings.SESSION_COOKIE_NAME].value
            return client
        client.login_as(cast.LOGINS[LOGIN_OF[role]], PASSWORD)
        return client

    return make


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(cast, agency_b, client_as, role):
    """One test per role walks every row; each request runs in a savepoint that is rolled back, so a
    row that changes data (deactivate, edit) does not affect the next."""
    from django.db import transaction

    client = client_as(role)
    wrong = []
    for method, template, expected in MATRIX:
        path = template.format(t=cast.officer_1.pk, u=cast.sub_unit.pk)
        body = BODIES.get((method, template))
        with transaction.atomic():
            if method == "GET":
                response = client.get(path)
            elif template.startswith("/api/"):
                response = getattr(client, method.lower())(path, body or {}, content_type="application/json")
            else:
                response = client.post(path, body or {})
            transaction.set_rollback(True)
        if response.status_code != expected[role]:
            wrong.append((method, path, expected[role], response.status_code))
        elif role in ("anonymous", "other_agency") and not template.startswith("/api/"):
            assert response["Location"].startswith("/login/"), (method, path)
    assert not wrong, f"{role}: (method, path, expected, got) {wrong}"


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
