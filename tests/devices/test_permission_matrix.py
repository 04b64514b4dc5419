"""Integrasi Peranti pages and endpoints for every role: org admins only. Other roles are refused
(403), anonymous visitors sent to log in (pages) or refused (API), and another agency's admin
presenting its session here is not signed in at all (host-only sessions)."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context

from tenant_apps.devices import services
from tests.fixtures.people import ROLES, walk_matrix

ANON, OUT = 302, 403


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


PAGE = row(ANON, ANON, OUT, OUT, OUT, OUT, 200)
PAGE_POST = row(ANON, ANON, OUT, OUT, OUT, OUT, 302)
PAGE_POST_FORM = row(ANON, ANON, OUT, OUT, OUT, OUT, 200)  # an empty POST: the form again
API = row(OUT, OUT, OUT, OUT, OUT, OUT, 200)
API_ACCEPTED = row(OUT, OUT, OUT, OUT, OUT, OUT, 202)
API_INVALID = row(OUT, OUT, OUT, OUT, OUT, OUT, 400)
API_NOT_FOUND = row(OUT, OUT, OUT, OUT, OUT, OUT, 404)
API_MULTIPART = row(OUT, OUT, OUT, OUT, OUT, OUT, 415)  # JSON sent where a file is expected

MATRIX = [
    ("GET", "/devices/", PAGE),
    ("POST", "/devices/", PAGE_POST_FORM),
    ("POST", "/devices/test-connection/", PAGE_POST),
    ("POST", "/devices/pull/", PAGE_POST),
    ("GET", "/devices/upload/", PAGE),
    ("POST", "/devices/upload/", PAGE_POST_FORM),
    ("GET", "/devices/batches/", PAGE),
    ("GET", "/devices/batches/{b}/", PAGE),
    ("GET", "/devices/unmatched/", PAGE),
    ("POST", "/devices/unmatched/", PAGE_POST_FORM),
    ("GET", "/api/v1/devices/settings/", API),
    ("PATCH", "/api/v1/devices/settings/", API),
    ("PUT", "/api/v1/devices/settings/", API_INVALID),
    ("POST", "/api/v1/devices/test-connection/", API),
    ("POST", "/api/v1/devices/pull/", API_ACCEPTED),
    ("POST", "/api/v1/devices/upload/", API_MULTIPART),
    ("GET", "/api/v1/devices/batches/", API),
    ("GET", "/api/v1/devices/batches/{b}/", API),
    ("GET", "/api/v1/devices/batches/999999/", API_NOT_FOUND),
    ("GET", "/api/v1/devices/unmatched/", API),
    ("POST", "/api/v1/devices/unmatched/map/", API_INVALID),
]
BODIES = {
    ("PATCH", "/api/v1/devices/settings/"): {"overlap_minutes": 60},
    ("PUT", "/api/v1/devices/settings/"): {"pull_times": ["7am"]},
}


@pytest.fixture
def ids(cast):
    with schema_context(cast.agency.schema_name):
        batch = services.import_file(
            file_name="x.dat", data=b"00042\t2025-11-17 08:00:00\t0\t1\t0\n", dry_run=False, by=None
        )
    return {"b": batch.pk}


@pytest.mark.parametrize("role", ROLES)
def test_device_matrix(role, client_as, ids):
    walk_matrix(client_as(role), role, MATRIX, BODIES, **ids)


def test_the_nav_shows_the_entry_to_org_admins_only(client_as):
    assert b'id="nav-devices"' in client_as("org_admin").get("/").content
    assert b'id="nav-devices"' not in client_as("executive").get("/").content
