"""The lean request path (issue 21): the agency from a per-process cache checked against the routing
version, the session and the user read in the statement that sets the search_path — and every
security property of the slow path kept: suspension, deactivation, logout and password change act
on the very next request."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from tests.fixtures.accounts import login, make_officer
from tests.fixtures.agencies import ADMIN_A

OFFICER = "900303105011"


def statements(ctx) -> list[str]:
    """What a request sends, without the test transaction's savepoints."""
    return [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]


@pytest.fixture
def signed_in(agency_a, client_for):
    make_officer(agency_a, OFFICER)
    client = client_for(agency_a)
    assert login(client, OFFICER).status_code == 302
    return client


def test_an_authenticated_api_request_with_nothing_to_do_sends_one_statement(signed_in):
    for _ in range(2):  # the first request after signing in, and any later one
        with CaptureQueriesContext(connection) as ctx:
            response = signed_in.get("/api/v1/roles/")
        assert response.status_code == 200
        sent = statements(ctx)
        # One statement: the search_path, the routing version, the session and its user together.
        assert len(sent) == 1, sent
        assert sent[0].startswith("SELECT set_config('search_path'")


def test_a_session_saved_before_the_user_column_still_works(signed_in, agency_a):
    """Sessions copied from django_session by the migration have no user id yet: the user is read
    as Django reads it (one more query), and the session keeps working."""
    from django.conf import settings

    from spotme.accounts.models import Session

    with schema_context(agency_a.schema_name):
        key = signed_in.cookies[settings.SESSION_COOKIE_NAME].value
        Session.objects.filter(session_key=key).update(user_id=None)
    with CaptureQueriesContext(connection) as ctx:
        assert signed_in.get("/api/v1/roles/").status_code == 200
    assert len(statements(ctx)) == 2


# --- across processes: the live server's thread keeps its cache; writes come from another session --


def _write(sql: str, params) -> None:
    """A committed write from another database session, bypassing Django's signals: what another
    process (the console, psql, a Celery worker) does, seen by the server only through the database."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _api(http) -> int:
    return http.request("GET", "/api/v1/roles/")[0]


@pytest.fixture
def live_agency(live_platform, live_server):
    from provisioning.services import provision_agency
    from tests.fixtures.agencies import activate_admin, make_request

    agency = provision_agency(make_request("lean-a", admin_mykad=ADMIN_A)).agency
    activate_admin(agency, ADMIN_A)
    make_officer(agency, OFFICER)
    return agency


def _signed_in(live_server, agency):
    from tests.tenants.test_real_http import HostHTTP

    http = HostHTTP(live_server.url, agency.host)
    status, headers, _, _ = http.login(OFFICER, "Tukar-Kata-Laluan-2026")
    assert status == 302, "signed in"
    assert _api(http) == 200 and _api(http) == 200  # routed, cached, session user remembered
    from tenants import routing

    assert routing.cached(agency.host) is not None, "the server's process has the agency cached"
    return http


def test_a_suspended_agency_is_refused_on_the_very_next_request(live_agency, live_server):
    http = _signed_in(live_server, live_agency)
    _write("UPDATE tenants_agency SET status = 'suspended' WHERE id = %s", [live_agency.pk])
    status, _, _, body = http.request("GET", "/api/v1/roles/")
    assert status == 403 and "agency_suspended" in body
    assert http.request("GET", "/")[0] == 403

    _write("UPDATE tenants_agency SET status = 'active' WHERE id = %s", [live_agency.pk])
    assert _api(http) == 200  # the same session works again once reactivated


def test_a_removed_domain_is_unknown_on_the_very_next_request(live_agency, live_server):
    http = _signed_in(live_server, live_agency)
    _write("UPDATE tenants_domain SET domain = 'elsewhere.localhost' WHERE tenant_id = %s", [live_agency.pk])
    assert _api(http) == 404


def test_a_deactivated_user_is_refused_on_the_very_next_request(live_agency, live_server):
    http = _signed_in(live_server, live_agency)
    _write(
        f'UPDATE "{live_agency.schema_name}".accounts_user SET is_active = false WHERE username = %s',
        [OFFICER],
    )
    assert _api(http) == 403


def test_a_password_change_ends_the_other_sessions_at_once(live_agency, live_server):
    from spotme.accounts.models import User

    phone = _signed_in(live_server, live_agency)
    laptop = _signed_in(live_server, live_agency)
    with schema_context(live_agency.schema_name):
        user = User.objects.get(username=OFFICER)
        user.set_password("Kata-Laluan-Baharu-2027")
        user.save()
    assert _api(phone) == 403
    assert _api(laptop) == 403


def test_logout_ends_the_session_everywhere_its_cookie_is(live_agency, live_server):
    from tests.tenants.test_real_http import HostHTTP

    http = _signed_in(live_server, live_agency)
    copy = HostHTTP(live_server.url, live_agency.host)
    copy.cookies = dict(http.cookies)  # the same session, e.g. a second tab or a stolen cookie
    assert _api(copy) == 200
    status, _, _, _ = http.request("POST", "/logout/", {"csrfmiddlewaretoken": http.cookies["csrftoken"]})
    assert status == 302
    assert _api(copy) == 403
    assert _api(http) == 403
