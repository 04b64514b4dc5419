"""Attendance pages and endpoints for every role (see tests/people/test_permission_matrix.py).

The target "{t}" is officer_1 (supervised by supervisor_1); "{i}" is an answered issue of officer_1."""

from __future__ import annotations

from datetime import date

import pytest
from django_tenants.utils import schema_context

from tenant_apps.attendance import services
from tenant_apps.attendance.models import AttendanceIssue
from tests.fixtures.attendance import INSIDE, at
from tests.fixtures.people import ROLES, walk_matrix

ANON, OUT = 302, 403
EVERYONE = dict(
    anonymous=ANON,
    other_agency=ANON,
    officer=200,
    supervisor_of_target=200,
    supervisor_other=200,
    executive=200,
    org_admin=200,
)
SUPERVISORS = dict(
    anonymous=ANON,
    other_agency=ANON,
    officer=403,
    supervisor_of_target=200,
    supervisor_other=200,
    executive=403,
    org_admin=200,
)
# The "officer" role is officer_1 itself, so it sees its own records; another officer's: test_pages_and_api.
SEES_TARGET = dict(
    anonymous=ANON,
    other_agency=ANON,
    officer=200,
    supervisor_of_target=200,
    supervisor_other=404,
    executive=200,
    org_admin=200,
)
API_EVERYONE = dict(
    anonymous=OUT,
    other_agency=OUT,
    officer=200,
    supervisor_of_target=200,
    supervisor_other=200,
    executive=200,
    org_admin=200,
)

MATRIX = [
    ("GET", "/", dict(EVERYONE, anonymous=ANON, other_agency=ANON)),
    ("GET", "/attendance/month/", EVERYONE),
    ("GET", "/attendance/transactions/", EVERYONE),
    ("GET", "/attendance/issues/", EVERYONE),
    ("GET", "/attendance/month/?officer={t}", SEES_TARGET),
    ("GET", "/attendance/transactions/?officer={t}", SEES_TARGET),
    ("GET", "/attendance/team/", SUPERVISORS),
    ("GET", "/attendance/team/issues/", SUPERVISORS),
    (
        "POST",
        "/attendance/clock/",
        dict(
            EVERYONE,
            officer=302,
            supervisor_of_target=302,
            supervisor_other=302,
            executive=302,
            org_admin=302,
        ),
    ),
    (
        "POST",
        "/attendance/issues/{i}/answer/",
        dict(
            anonymous=ANON,
            other_agency=ANON,
            officer=302,
            supervisor_of_target=404,
            supervisor_other=404,
            executive=404,
            org_admin=404,
        ),
    ),
    ("GET", "/api/v1/attendance/today/", API_EVERYONE),
    ("GET", "/api/v1/attendance/days/", API_EVERYONE),
    (
        "GET",
        "/api/v1/attendance/days/?officer={t}",
        dict(
            anonymous=OUT,
            other_agency=OUT,
            officer=200,
            supervisor_of_target=200,
            supervisor_other=404,
            executive=200,
            org_admin=200,
        ),
    ),
    ("GET", "/api/v1/attendance/issues/", API_EVERYONE),
    (
        "POST",
        "/api/v1/attendance/issues/{i}/decide/",
        dict(
            anonymous=OUT,
            other_agency=OUT,
            officer=404,
            supervisor_of_target=200,
            supervisor_other=404,
            executive=404,
            org_admin=200,
        ),
    ),
    (
        "POST",
        "/api/v1/attendance/clock/",
        dict(
            API_EVERYONE,
            officer=201,
            supervisor_of_target=201,
            supervisor_other=201,
            executive=201,
            org_admin=201,
        ),
    ),
    ("GET", "/api/v1/attendance/policies/", API_EVERYONE),
    ("GET", "/api/v1/attendance/calendar/", API_EVERYONE),
]
BODIES = {
    ("POST", "/attendance/clock/"): {"direction": "in", "location_status": "denied"},
    ("POST", "/attendance/issues/{i}/answer/"): {"reason": "Hujan lebat dan banjir kilat"},
    ("POST", "/api/v1/attendance/issues/{i}/decide/"): {"accept": True},
    ("POST", "/api/v1/attendance/clock/"): {"direction": "in"},
}


@pytest.fixture
def answered_issue(cast, office):
    with schema_context(cast.agency.schema_name):
        services.clock(cast.officer_1, "in", position=INSIDE, now=at(date(2025, 11, 17), "09:40"))
        issue = AttendanceIssue.objects.get(officer=cast.officer_1, code="lewat")
        services.answer_issue(issue, reason="Kenderaan rosak")
    return issue


@pytest.mark.parametrize("role", ROLES)
def test_attendance_permission_matrix(cast, answered_issue, client_as, role):
    walk_matrix(client_as(role), role, MATRIX, BODIES, t=cast.officer_1.pk, i=answered_issue.pk)
