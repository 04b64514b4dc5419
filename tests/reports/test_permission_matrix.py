"""Report pages and endpoints for every role (see tests/people/test_permission_matrix.py).

"{o}" is officer_1 (supervised by supervisor_1), "{u}" the cast's top unit. Officers open their own
reports; the unit report is for supervisors (their supervisees only), executives and org admins;
the agency report for executives and org admins. Asking for an officer one may not see is a form
error (400), like any other bad filter. What each role SEES inside a report is checked below."""

from __future__ import annotations

import pytest

from tests.fixtures.people import ROLES, walk_matrix

ANON, OUT, BAD = 302, 403, 400


def row(anonymous, other_agency, officer, supervisor_of_target, supervisor_other, executive, org_admin):
    return dict(
        anonymous=anonymous,
        other_agency=other_agency,
        officer=officer,
        supervisor_of_target=supervisor_of_target,
        supervisor_other=supervisor_other,
        executive=executive,
        org_admin=org_admin,
    )


#                   anon  other officer sup_t sup_o exec admin
EVERYONE = row(ANON, ANON, 200, 200, 200, 200, 200)
SEES_TARGET = row(ANON, ANON, 200, 200, BAD, 200, 200)
TEAM = row(ANON, ANON, 403, 200, 200, 200, 200)
AGENCY = row(ANON, ANON, 403, 403, 403, 200, 200)
API_EVERYONE = row(OUT, OUT, 200, 200, 200, 200, 200)
API_SEES_TARGET = row(OUT, OUT, 200, 200, BAD, 200, 200)
API_TEAM = row(OUT, OUT, 403, 200, 200, 200, 200)
API_AGENCY = row(OUT, OUT, 403, 403, 403, 200, 200)
M = "month=2025-10"

MATRIX = [
    ("GET", "/reports/", EVERYONE),
    ("GET", f"/reports/officer/?{M}", EVERYONE),
    ("GET", f"/reports/officer/?{M}&officer={{o}}", SEES_TARGET),
    ("GET", f"/reports/officer/?{M}&officer={{o}}&export=csv", SEES_TARGET),
    ("GET", f"/reports/officer/?{M}&officer={{o}}&export=xlsx", SEES_TARGET),
    ("GET", f"/reports/unit/?{M}", TEAM),
    ("GET", f"/reports/unit/?{M}&org_unit={{u}}&export=csv", TEAM),
    ("GET", f"/reports/agency/?{M}", AGENCY),
    ("GET", f"/reports/agency/?{M}&export=csv", AGENCY),
    ("GET", f"/reports/agency/?{M}&export=xlsx", AGENCY),
    ("GET", f"/reports/lateness/?{M}", EVERYONE),
    ("GET", f"/reports/issues/?{M}&export=csv", EVERYONE),
    ("GET", f"/reports/tasks/?{M}", EVERYONE),
    ("GET", "/api/v1/reports/", API_EVERYONE),
    ("GET", f"/api/v1/reports/officer/?{M}", API_EVERYONE),
    ("GET", f"/api/v1/reports/officer/?{M}&officer={{o}}", API_SEES_TARGET),
    ("GET", f"/api/v1/reports/officer/download/csv/?{M}&officer={{o}}", API_SEES_TARGET),
    ("GET", f"/api/v1/reports/unit/?{M}", API_TEAM),
    ("GET", f"/api/v1/reports/agency/?{M}", API_AGENCY),
    ("GET", f"/api/v1/reports/agency/download/xlsx/?{M}", API_AGENCY),
    ("GET", f"/api/v1/reports/lateness/?{M}", API_EVERYONE),
    ("GET", f"/api/v1/reports/issues/?{M}", API_EVERYONE),
    ("GET", f"/api/v1/reports/tasks/download/csv/?{M}", API_EVERYONE),
]


@pytest.mark.parametrize("role", ROLES)
def test_reports_permission_matrix(cast, client_as, role):
    walk_matrix(client_as(role), role, MATRIX, {}, o=cast.officer_1.pk, u=cast.unit.pk)


NAMES = {"officer_1": "Pegawai Satu", "officer_2": "Pegawai Dua", "officer_3": "Pegawai Tiga"}


@pytest.mark.parametrize(
    "role, sees",
    [
        ("officer", {"Pegawai Satu"}),
        ("supervisor_of_target", {"Pegawai Satu"}),  # direct supervisees only (the agency's default)
        ("supervisor_other", {"Pegawai Dua"}),
        ("executive", {"Pegawai Satu", "Pegawai Dua", "Pegawai Tiga"}),
        ("org_admin", {"Pegawai Satu", "Pegawai Dua", "Pegawai Tiga"}),
    ],
)
def test_each_role_sees_only_its_officers(october, client_as, role, sees):
    client = client_as(role)
    for kind in ("lateness", "issues", "tasks") + (("unit",) if role != "officer" else ()):
        data = client.get(f"/api/v1/reports/{kind}/?{M}").json()
        names = {r["name"] for r in data["rows"]}
        # The attendance report also lists, with no figures, whoever else is in scope and had no
        # record (a supervisor sees their own row); never an officer out of scope.
        others = {n for n in names - sees if n not in NAMES.values()} if kind == "unit" else set()
        assert names - others <= sees, (kind, names)
        if kind == "unit":
            assert names & set(NAMES.values()) == sees, (kind, names)
    data = client.get(f"/api/v1/reports/lateness/?{M}").json()
    assert {r["name"] for r in data["rows"]} == sees - {"Pegawai Dua"}  # officer_2 was never late


def test_supervisor_sees_the_chain_when_the_agency_says_so(october, cast, client_as):
    from django_tenants.utils import schema_context

    from tenant_apps.organisation.models import AgencyProfile

    with schema_context(cast.agency.schema_name):
        AgencyProfile.objects.update(supervisor_sees_chain=True)
    data = client_as("supervisor_of_target").get(f"/api/v1/reports/unit/?{M}").json()
    assert {r["name"] for r in data["rows"]} == {"Pegawai Satu", "Pegawai Tiga", "Penyelia Satu"}


def test_nav_shows_reports_to_every_officer(cast, client_as):
    for role in ("officer", "supervisor_other", "executive"):
        assert 'id="nav-reports"' in client_as(role).get("/reports/").content.decode()
    index = client_as("officer").get("/reports/").content.decode()
    assert (
        'id="report-officer"' in index
        and 'id="report-agency"' not in index
        and 'id="report-unit"' not in index
    )


def test_reports_are_in_the_openapi_schema(cast, client_as):
    paths = set(client_as("officer").get("/api/schema/?format=json").json()["paths"])
    assert {
        "/api/v1/reports/",
        "/api/v1/reports/{kind}/",
        "/api/v1/reports/{kind}/download/{fmt}/",
    } <= paths
