"""The org admin's audit pages: search, filter, export; nobody else in the agency, and never
another agency's entries."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from spotme.audit.models import AuthEventKind, LogEntry
from tenant_apps.organisation.models import Role
from tests.fixtures.agencies import ADMIN_A, PASSWORD

from .conftest import ADMIN_IP, ADMIN_UA, EXECUTIVE_MYKAD, OFFICER_MYKAD, entries, make_officer, read_csv

NAME = "Siti Nurhaliza binti Tarudin"


@pytest.fixture
def officer(agency_a, admin_client):
    """An officer created by the org admin through the page, so the trail has their entries."""
    response = admin_client.post(
        "/people/new/",
        {
            "mykad": OFFICER_MYKAD,
            "full_name": NAME,
            "grade": "N19",
            "position": "Pembantu Tadbir",
            "roles": ["penyelia"],
        },
    )
    assert response.status_code == 302
    with schema_context(agency_a.schema_name):
        from tenant_apps.people.models import Officer

        return Officer.objects.select_related("user").get(user__username=OFFICER_MYKAD)


def row_ids(response, prefix="change-") -> set[int]:
    return {int(r.entry.pk if prefix == "change-" else r.event.pk) for r in response.context["rows"]}


def test_org_admin_sees_data_changes_with_before_after(admin_client, officer, agency_a):
    response = admin_client.get("/audit/")
    assert response.status_code == 200
    html = response.content.decode()
    officer_entries = [e for e in entries(agency_a) if e.object_repr.startswith(NAME)]
    assert officer_entries
    for entry in officer_entries:
        assert f'id="change-{entry.pk}"' in html
    assert "Pembantu Tadbir" in html and ADMIN_IP in html
    # Roles appear by their names, as added / removed.
    assert str(Role.SUPERVISOR.label) in html or "Penyelia" in html


def test_filters_narrow_the_list(admin_client, officer, agency_a):
    all_ids = row_ids(admin_client.get("/audit/"))
    created_officers = row_ids(admin_client.get("/audit/", {"model": "people.officer", "action": "0"}))
    expected = {e.pk for e in entries(agency_a, action=LogEntry.Action.CREATE, content_type__model="officer")}
    assert created_officers == expected and created_officers < all_ids

    by_admin = row_ids(admin_client.get("/audit/", {"who": "850101-10-5001"}))  # MyKad typed with dashes
    assert by_admin == {e.pk for e in entries(agency_a, actor__username=ADMIN_A)}
    assert row_ids(admin_client.get("/audit/", {"who": "Pentadbir Ujian"})) == by_admin

    text = row_ids(admin_client.get("/audit/", {"q": "pembantu tadbir"}))
    assert text and all("Pembantu Tadbir" in str(e.changes) for e in entries(agency_a, pk__in=text))

    today = timezone.localdate()
    assert row_ids(admin_client.get("/audit/", {"date_from": today, "date_to": today})) == all_ids
    tomorrow = today + datetime.timedelta(days=1)
    assert row_ids(admin_client.get("/audit/", {"date_from": tomorrow})) == set()

    backwards = admin_client.get(
        "/audit/", {"date_from": today, "date_to": today - datetime.timedelta(days=1)}
    )
    assert backwards.status_code == 400 and row_ids(backwards) == set()
    assert admin_client.get("/audit/changes.csv", {"date_from": "bukan-tarikh"}).status_code == 400


def test_auth_events_page_filters_by_kind_and_person(admin_client, officer, agency_a, client_for):
    client_for(agency_a, REMOTE_ADDR="10.9.9.9").post("/login/", {"username": OFFICER_MYKAD, "password": "x"})
    failed = admin_client.get("/audit/auth/", {"kind": AuthEventKind.LOGIN_FAILED})
    assert failed.status_code == 200
    rows = failed.context["rows"]
    assert [r.event.username for r in rows] == [OFFICER_MYKAD]
    assert 'data-kind="login_failed"' in failed.content.decode() and "10.9.9.9" in failed.content.decode()

    about_officer = admin_client.get("/audit/auth/", {"who": NAME})
    kinds = {r.event.kind for r in about_officer.context["rows"]}
    assert kinds == {"login_failed", "role_changed", "temporary_password"}


def test_export_is_a_csv_of_the_filtered_list(admin_client, officer, agency_a):
    admin_client.cookies["spotme_lang"] = "en"
    response = admin_client.get("/audit/changes.csv", {"model": "people.officer"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    today = timezone.localdate().strftime("%Y%m%d")
    assert (
        response["Content-Disposition"] == f'attachment; filename="audit-selangor-test-changes-{today}.csv"'
    )
    header, *rows = read_csv(response)
    assert header[:3] == ["Time", "Done by", "Done by (login)"] and "IP address" in header
    expected = entries(agency_a, content_type__model="officer")
    assert len(rows) == len(expected) and len(expected) >= 2  # the admin's own officer row + the new one
    created = next(r for r in rows if r[5].startswith(NAME))
    column = dict(zip(header, created, strict=True))
    assert column["Done by (login)"] == ADMIN_A
    assert column["Record type"] == "Officer" and column["Action"] == "Created"
    assert "Position: — → Pembantu Tadbir" in column["Changes (before → after)"]
    assert column["IP address"] == ADMIN_IP and column["User agent"] == ADMIN_UA


def test_auth_events_export(admin_client, officer, agency_a):
    response = admin_client.get("/audit/auth.csv", {"kind": "role_changed"})
    assert response.status_code == 200
    header, *rows = read_csv(response)
    assert len(header) == 10
    [row] = rows
    assert row[1] == "role_changed" and row[3] == OFFICER_MYKAD and row[6] == ADMIN_A
    assert row[7] == ADMIN_IP and row[8] == ADMIN_UA
    assert "→" in row[9]


def test_export_defuses_spreadsheet_formulas(admin_client, agency_a):
    admin_client.post("/people/new/", {"mykad": OFFICER_MYKAD, "full_name": '=HYPERLINK("http://x")'})
    header, *rows = read_csv(
        admin_client.get("/audit/changes.csv", {"model": "people.officer", "action": "0"})
    )
    [row] = [r for r in rows if "HYPERLINK" in r[5]]
    assert row[5].startswith("'=")


@pytest.mark.parametrize(
    "mykad,roles", [(OFFICER_MYKAD, []), (EXECUTIVE_MYKAD, [Role.EXECUTIVE, Role.SUPERVISOR])]
)
def test_only_the_org_admin_may_read_the_trail(agency_a, client_for, mykad, roles):
    make_officer(agency_a, mykad, roles=roles)
    client = client_for(agency_a)
    client.login_as(mykad, PASSWORD)
    for path in ("/audit/", "/audit/changes.csv", "/audit/auth/", "/audit/auth.csv"):
        assert client.get(path).status_code == 403, path
    assert 'id="nav-audit"' not in client.get("/").content.decode()


def test_anonymous_visitors_are_sent_to_log_in(agency_a, client_for):
    response = client_for(agency_a).get("/audit/auth.csv")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_org_admin_has_the_link(admin_client):
    assert 'id="nav-audit"' in admin_client.get("/").content.decode()


def test_another_agency_never_sees_the_entries(admin_client, officer, agency_a, admin_b_client, agency_b):
    page = admin_b_client.get("/audit/", {"q": NAME})
    assert page.status_code == 200 and page.context["page"].paginator.count == 0
    full = admin_b_client.get("/audit/changes.csv")
    body = "\n".join(",".join(r) for r in read_csv(full))
    assert NAME not in body and OFFICER_MYKAD not in body and ADMIN_IP not in body
    auth = "\n".join(",".join(r) for r in read_csv(admin_b_client.get("/audit/auth.csv")))
    assert OFFICER_MYKAD not in auth and ADMIN_IP not in auth
    # The entries exist, in A's schema only.
    assert any(e.object_repr.startswith(NAME) for e in entries(agency_a))
    assert not any(e.object_repr.startswith(NAME) for e in entries(agency_b))


def test_the_list_costs_the_same_queries_for_many_rows(admin_client):
    """Actor and record type come with the entries (one query for the page, one for the count)."""

    def add_units(names):
        for name in names:
            assert admin_client.post("/org-units/new/", {"name": name, "is_active": "on"}).status_code == 302

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert admin_client.get("/audit/").status_code == 200
        return len(captured)

    add_units(["Unit A"])
    few = queries()
    add_units([f"Unit {n}" for n in range(15)])
    assert queries() == few
