"""Movement pages and endpoints for every role (see tests/people/test_permission_matrix.py).

"{m}" is a coming movement of officer_1 (supervised by supervisor_1) with an attachment; "{p}" a
pending time out of office of officer_1; "{k}" officer_1's calendar feed token. The "officer" role is
officer_1 itself: an officer sees only their own movements, a supervisor only their supervisees',
executives and org admins the agency's, and another agency nothing."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django_tenants.utils import schema_context

from tenant_apps.movements import services
from tests.fixtures.people import ROLES, walk_matrix

from .conftest import upload, values

ANON, OUT = 302, 403
DAY = date.today() + timedelta(days=3)


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


#                     anon  other  officer sup_t sup_o  exec  admin
EVERYONE = row(ANON, ANON, 200, 200, 200, 200, 200)
EVERYONE_POST = row(ANON, ANON, 302, 302, 302, 302, 302)
SEES_TARGET = row(ANON, ANON, 200, 200, 404, 200, 200)
OWNER_OR_ADMIN = row(ANON, ANON, 200, 404, 404, 404, 200)
OWNER_OR_ADMIN_POST = row(ANON, ANON, 302, 404, 404, 404, 302)
TEAM = row(ANON, ANON, 403, 200, 200, 200, 200)
DECIDERS = row(ANON, ANON, 403, 200, 200, 403, 200)
DECIDE_TARGET = row(ANON, ANON, 403, 302, 404, 403, 302)
SECRET_URL = row(200, 200, 200, 200, 200, 200, 200)
NO_SUCH_URL = row(404, 404, 404, 404, 404, 404, 404)

API_EVERYONE = row(OUT, OUT, 200, 200, 200, 200, 200)
API_CREATE = row(OUT, OUT, 201, 201, 201, 201, 201)
API_SEES_TARGET = row(OUT, OUT, 200, 200, 404, 200, 200)
API_OWNER_OR_ADMIN = row(OUT, OUT, 200, 404, 404, 404, 200)
API_TEAM = row(OUT, OUT, 403, 200, 200, 200, 200)
API_DECIDE_TARGET = row(OUT, OUT, 403, 200, 404, 403, 200)

MATRIX = [
    ("GET", "/movements/", EVERYONE),
    ("GET", "/movements/new/", EVERYONE),
    ("POST", "/movements/new/", EVERYONE_POST),
    ("GET", "/movements/{m}/", SEES_TARGET),
    ("GET", "/movements/{m}/attachment/", SEES_TARGET),
    ("GET", "/movements/{m}/edit/", OWNER_OR_ADMIN),
    ("POST", "/movements/{m}/edit/", OWNER_OR_ADMIN_POST),
    ("POST", "/movements/{m}/cancel/", OWNER_OR_ADMIN_POST),
    ("GET", "/movements/team/", TEAM),
    ("GET", "/movements/team/?date={d}", TEAM),
    ("GET", "/movements/approvals/", DECIDERS),
    ("POST", "/movements/{p}/decide/", DECIDE_TARGET),
    ("POST", "/movements/ical/regenerate/", EVERYONE_POST),
    ("POST", "/movements/ical/revoke/", EVERYONE_POST),
    ("GET", "/movements/ical/{k}.ics", SECRET_URL),
    ("GET", "/movements/ical/not-a-token.ics", NO_SUCH_URL),
    ("GET", "/api/v1/movements/", API_EVERYONE),
    ("POST", "/api/v1/movements/", API_CREATE),
    ("GET", "/api/v1/movements/{m}/", API_SEES_TARGET),
    ("PATCH", "/api/v1/movements/{m}/", API_OWNER_OR_ADMIN),
    ("PUT", "/api/v1/movements/{m}/", API_OWNER_OR_ADMIN),
    ("POST", "/api/v1/movements/{m}/cancel/", API_OWNER_OR_ADMIN),
    ("GET", "/api/v1/movements/team/", API_TEAM),
    ("GET", "/api/v1/movements/team/?date={d}", API_TEAM),
    ("POST", "/api/v1/movements/{p}/approve/", API_DECIDE_TARGET),
    ("POST", "/api/v1/movements/{p}/reject/", API_DECIDE_TARGET),
]
FORM = {
    "kind": "meeting",
    "date": DAY.isoformat(),
    "start_time": "09:00",
    "end_time": "11:00",
    "place": "Menara MKN",
    "purpose": "Bengkel data terbuka",
}
JSON = {**FORM}
BODIES = {
    ("POST", "/movements/new/"): FORM,
    ("POST", "/movements/{m}/edit/"): FORM,
    ("POST", "/movements/{p}/decide/"): {"decision": "approve"},
    ("POST", "/movements/{m}/cancel/"): {"confirmed": "yes"},
    ("POST", "/api/v1/movements/"): JSON,
    ("PATCH", "/api/v1/movements/{m}/"): {"place": "Menara MKN"},
    ("PUT", "/api/v1/movements/{m}/"): JSON,
    ("POST", "/api/v1/movements/{p}/reject/"): {"comment": "Tiada keperluan"},
}


@pytest.fixture
def targets(cast):
    with schema_context(cast.agency.schema_name):
        m = services.create_movement(cast.officer_1, values(date=DAY, attachment=upload()))
        p = services.create_movement(
            cast.officer_1, values(date=DAY, kind="time_out", start_time=time(14, 0), end_time=time(16, 0))
        )
        k = services.regenerate_feed(cast.officer_1)
    return dict(m=m.pk, p=p.pk, k=k, d=DAY.isoformat())


@pytest.mark.parametrize("role", ROLES)
def test_movements_permission_matrix(cast, targets, client_as, role):
    walk_matrix(client_as(role), role, MATRIX, BODIES, **targets)
