"""Dashboards and their API for every role (see tests/people/test_permission_matrix.py): officers
see only their own figures, supervisors their chain, executives and org admins the agency, the org
admin alone the configuration health; another agency's session and anonymous visitors nothing."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from tests.fixtures.people import ROLES, walk_matrix


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


ANON, OUT = 302, 403
#                  anon  other  officer sup_t sup_o exec admin
EVERYONE = row(ANON, ANON, 200, 200, 200, 200, 200)
TEAM = row(ANON, ANON, 403, 200, 200, 403, 200)
AGENCY = row(ANON, ANON, 403, 403, 403, 200, 200)
ADMIN = row(ANON, ANON, 403, 403, 403, 403, 200)
API_EVERYONE = row(OUT, OUT, 200, 200, 200, 200, 200)
API_TEAM = row(OUT, OUT, 403, 200, 200, 403, 200)
API_AGENCY = row(OUT, OUT, 403, 403, 403, 200, 200)
API_AGENCY_BAD = row(OUT, OUT, 403, 403, 403, 400, 400)
API_ADMIN = row(OUT, OUT, 403, 403, 403, 403, 200)

MATRIX = [
    ("GET", "/", EVERYONE),
    ("GET", "/dashboard/team/", TEAM),
    ("GET", "/dashboard/team/?year=2025", TEAM),
    ("GET", "/dashboard/agency/", AGENCY),
    ("GET", "/dashboard/agency/?start=2025-11-01&end=2025-11-30&granularity=week&unit={u}", AGENCY),
    ("GET", "/dashboard/monitoring/", ADMIN),
    ("GET", "/api/v1/dashboard/me/", API_EVERYONE),
    ("GET", "/api/v1/dashboard/team/", API_TEAM),
    ("GET", "/api/v1/dashboard/agency/", API_AGENCY),
    ("GET", "/api/v1/dashboard/agency/?start=2025-12-01&end=2025-11-01", API_AGENCY_BAD),
    ("GET", "/api/v1/dashboard/monitoring/", API_ADMIN),
]


@pytest.mark.parametrize("role", ROLES)
def test_dashboards_permission_matrix(cast, client_as, role):
    walk_matrix(client_as(role), role, MATRIX, {}, u=cast.sub_unit.pk)


def _team_names(client) -> set[str]:
    return {r["name"] for r in client.get("/api/v1/dashboard/team/").json()["today"]["rows"]}


def test_supervisors_see_their_chain_only(cast, client_as):
    with schema_context(cast.agency.schema_name):
        names = {k: getattr(cast, k).name for k in ("officer_1", "officer_2", "officer_3")}
    mine = _team_names(client_as("supervisor_of_target"))
    other = _team_names(client_as("supervisor_other"))
    assert names["officer_1"] in mine and names["officer_2"] not in mine
    assert other == {names["officer_2"]}
    grids = client_as("supervisor_other").get("/api/v1/dashboard/team/").json()["grids"]
    assert [r["name"] for r in grids["rows"]] == [names["officer_2"]]


def test_officers_figures_are_their_own(cast, client_as):
    body = client_as("officer").get("/api/v1/dashboard/me/").json()
    assert len(body["colours"]) == 12 and "weeks" in body["month"]
    # No way to ask for someone else's: the endpoint takes no officer parameter.
    assert client_as("officer").get(f"/api/v1/dashboard/me/?officer={cast.officer_2.pk}").json() == body


def test_home_page_shows_the_role_tabs(cast, client_as):
    officer = client_as("officer").get("/").content.decode()
    assert 'id="year-colours"' in officer and 'id="month-calendar"' in officer
    assert 'id="clock-in"' in officer and 'id="tab-team"' not in officer
    admin = client_as("org_admin").get("/").content.decode()
    for tab in ("tab-team", "tab-agency", "tab-monitoring"):
        assert f'id="{tab}"' in admin
    executive = client_as("executive").get("/").content.decode()
    assert 'id="tab-agency"' in executive and 'id="tab-monitoring"' not in executive


def test_dashboard_endpoints_are_in_the_openapi_schema(cast, client_as):
    schema = client_as("org_admin").get("/api/schema/?format=json")
    assert schema.status_code == 200
    text = schema.content.decode()
    for path in (
        "/api/v1/dashboard/me/",
        "/api/v1/dashboard/team/",
        "/api/v1/dashboard/agency/",
        "/api/v1/dashboard/monitoring/",
    ):
        assert path in text
