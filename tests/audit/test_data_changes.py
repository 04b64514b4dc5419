"""Data changes made through the real pages are recorded with who, what (before → after), when, IP
and user agent, in the agency's own schema."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.http import HttpResponse
from django.test import RequestFactory
from django_tenants.utils import schema_context

from spotme.accounts.models import User
from spotme.audit.bulk import record_bulk_creation
from spotme.audit.middleware import AuditMiddleware
from spotme.audit.models import AuthEventKind, LogEntry
from tenant_apps.organisation.models import OrgUnit
from tenant_apps.people.models import Officer
from tests.fixtures.agencies import ADMIN_A

from .conftest import ADMIN_IP, ADMIN_UA, OFFICER_MYKAD, auth_events, entries, of_model

NEW_OFFICER = {
    "mykad": "900909-10-5014",
    "full_name": "Nur Aisyah binti Kamal",
    "email": "aisyah@agensi.gov.my",
    "phone": "",
    "grade": "F41",
    "position": "Pegawai Teknologi Maklumat",
    "org_unit": "",
    "supervisor": "",
    "join_date": "2024-01-02",
    "leave_date": "",
    "roles": [],
}


def create_officer(client, **changes) -> Officer:
    extra = {k: changes.pop(k) for k in list(changes) if k.startswith("HTTP_")}
    response = client.post("/people/new/", {**NEW_OFFICER, **changes}, **extra)
    assert response.status_code == 302, response.content.decode()[:500]
    pk = int(response["Location"].rstrip("/").split("/")[-1])
    with schema_context(client.agency.schema_name):
        return Officer.objects.select_related("user").get(pk=pk)


@pytest.fixture
def admin(agency_a):
    with schema_context(agency_a.schema_name):
        return User.objects.get(username=ADMIN_A)


@pytest.fixture
def client(admin_client, agency_a):
    admin_client.agency = agency_a
    return admin_client


def test_creating_an_officer_records_who_what_and_from_where(client, agency_a, admin):
    officer = create_officer(client)
    recorded = entries(agency_a, action=LogEntry.Action.CREATE, object_pk=str(officer.pk))
    [created] = of_model(recorded, "people.officer")
    assert created.actor_id == admin.pk
    assert created.remote_addr == ADMIN_IP
    assert created.user_agent == ADMIN_UA
    assert created.cid  # the request id of the logs
    assert created.changes["position"] == ["None", "Pegawai Teknologi Maklumat"]
    assert created.changes["grade"] == ["None", "F41"]
    assert created.changes["user"][1] == "Nur Aisyah binti Kamal"  # foreign keys recorded by name

    [account] = of_model(
        entries(agency_a, action=LogEntry.Action.CREATE, object_pk=str(officer.user_id)), "accounts.user"
    )
    assert account.actor_id == admin.pk and account.remote_addr == ADMIN_IP
    assert account.changes["username"] == ["None", OFFICER_MYKAD]
    assert account.changes["full_name"] == ["None", "Nur Aisyah binti Kamal"]
    assert "password" not in account.changes and "last_login" not in account.changes


def test_editing_an_officer_records_before_and_after(client, agency_a, admin, settings):
    settings.SPOTME_TRUSTED_PROXIES = "10.0.0.0/8"  # the test client's peer (ADMIN_IP) is our proxy
    officer = create_officer(client)
    with schema_context(agency_a.schema_name):
        unit = OrgUnit.objects.create(name="Bahagian Kewangan", path="/x/")
    response = client.post(
        f"/people/{officer.pk}/edit/",
        {
            **NEW_OFFICER,
            "full_name": "Nur Aisyah Kamal",
            "position": "Ketua Unit",
            "grade": "F44",
            "org_unit": unit.pk,
        },
        HTTP_X_FORWARDED_FOR="203.0.113.9, 10.0.0.1",  # behind our proxies: the first untrusted hop
    )
    assert response.status_code == 302

    [update] = of_model(
        entries(agency_a, action=LogEntry.Action.UPDATE, object_pk=str(officer.pk)), "people.officer"
    )
    assert update.actor_id == admin.pk
    assert update.remote_addr == "203.0.113.9"
    assert update.user_agent == ADMIN_UA
    assert update.changes["position"] == ["Pegawai Teknologi Maklumat", "Ketua Unit"]
    assert update.changes["grade"] == ["F41", "F44"]
    assert update.changes["org_unit"] == ["None", "Bahagian Kewangan"]
    assert set(update.changes) == {"position", "grade", "org_unit"}, "only what changed"

    account_updates = of_model(
        entries(agency_a, action=LogEntry.Action.UPDATE, object_pk=str(officer.user_id)), "accounts.user"
    )
    [renamed] = [e for e in account_updates if "groups" not in e.changes]  # (roles were set at creation)
    assert renamed.changes == {"full_name": ["Nur Aisyah binti Kamal", "Nur Aisyah Kamal"]}
    assert renamed.remote_addr == "203.0.113.9"


def test_role_change_is_recorded_as_data_change_and_security_event(client, agency_a, admin):
    officer = create_officer(client, roles=["penyelia"])
    response = client.post(
        f"/people/{officer.pk}/edit/",
        {**NEW_OFFICER, "roles": ["eksekutif"]},
        HTTP_USER_AGENT="RoleEditor/2.0",
    )
    assert response.status_code == 302

    updates = of_model(
        entries(
            agency_a,
            action=LogEntry.Action.UPDATE,
            object_pk=str(officer.user_id),
            user_agent="RoleEditor/2.0",
        ),
        "accounts.user",
    )
    groups = [e.changes["groups"] for e in updates if "groups" in e.changes]
    assert {"type": "m2m", "operation": "delete", "objects": ["penyelia"]} in groups
    assert {"type": "m2m", "operation": "add", "objects": ["eksekutif"]} in groups
    assert all(e.actor_id == admin.pk and e.remote_addr == ADMIN_IP for e in updates)

    role_events = auth_events(agency_a, kind=AuthEventKind.ROLE_CHANGED, user=officer.user_id)
    assert [e.details for e in role_events] == [
        {"before": [], "after": ["pegawai", "penyelia"]},
        {"before": ["pegawai", "penyelia"], "after": ["eksekutif", "pegawai"]},
    ]
    last = role_events[-1]
    assert last.actor_id == admin.pk and last.ip_address == ADMIN_IP and last.user_agent == "RoleEditor/2.0"


def test_agency_settings_and_org_units_are_recorded(client, agency_a, admin):
    response = client.post(
        "/org-units/new/", {"name": "Bahagian Audit Dalam", "code": "BAD", "is_active": "on"}
    )
    assert response.status_code == 302
    [unit] = of_model(entries(agency_a, action=LogEntry.Action.CREATE), "organisation.orgunit")
    assert unit.object_repr == "Bahagian Audit Dalam" and unit.actor_id == admin.pk

    with schema_context(agency_a.schema_name):
        OrgUnit.objects.get(name="Bahagian Audit Dalam").delete()
    [deleted] = of_model(entries(agency_a, action=LogEntry.Action.DELETE), "organisation.orgunit")
    assert deleted.object_repr == "Bahagian Audit Dalam"
    assert deleted.actor is None  # outside a request: nobody signed in did it


def test_bogus_forwarded_headers_never_break_a_write(client, agency_a, settings):
    """The headers are the client's to forge: a value the inet / integer columns refuse must not make
    the change itself fail."""
    settings.SPOTME_TRUSTED_PROXIES = "10.0.0.0/8"  # even from a proxy we believe
    officer = create_officer(
        client, HTTP_X_FORWARDED_FOR="not-an-address", HTTP_X_FORWARDED_PORT="99999999999"
    )
    [created] = of_model(
        entries(agency_a, action=LogEntry.Action.CREATE, object_pk=str(officer.pk)), "people.officer"
    )
    assert created.remote_addr == ADMIN_IP  # falls back to the connection's address
    assert created.remote_port is None


def test_a_request_writing_into_another_schema_does_not_lend_its_user(agency_a, operator):
    """An operator's request that writes in an agency's schema (provisioning runs in-process without a
    broker): the agency's entry names no actor, the public one does; both writes succeed."""
    request = RequestFactory().post("/console/", REMOTE_ADDR="192.0.2.7", HTTP_USER_AGENT="Console/1.0")
    request.user = operator

    def view(request):
        connection.set_schema_to_public()
        operator.full_name = "Operator Dikemas Kini"
        operator.save(update_fields=["full_name"])
        with schema_context(agency_a.schema_name):
            OrgUnit.objects.create(name="Unit Dari Konsol", path="/y/")
        return HttpResponse()

    AuditMiddleware(view)(request)

    [public] = [e for e in LogEntry.objects.filter(object_pk=str(operator.pk), action=LogEntry.Action.UPDATE)]
    assert public.actor_id == operator.pk and public.remote_addr == "192.0.2.7"
    assert public.user_agent == "Console/1.0"
    [agency_entry] = of_model(entries(agency_a, action=LogEntry.Action.CREATE), "organisation.orgunit")
    assert agency_entry.object_repr == "Unit Dari Konsol"
    assert (
        agency_entry.actor_id is None and agency_entry.remote_addr is None and agency_entry.user_agent == ""
    )


def test_rows_created_in_bulk_can_be_recorded(agency_a, admin):
    """bulk_create sends no signals: code that uses it records the creations itself."""
    with schema_context(agency_a.schema_name):
        units = OrgUnit.objects.bulk_create(
            [OrgUnit(name="Unit Pukal 1", path="/p1/"), OrgUnit(name="Unit Pukal 2", path="/p2/")]
        )
        assert record_bulk_creation([*units, object_not_tracked := Group(name="x")], actor=admin) == 2
    assert object_not_tracked.pk is None
    created = of_model(entries(agency_a, action=LogEntry.Action.CREATE), "organisation.orgunit")
    assert {e.object_repr for e in created} == {"Unit Pukal 1", "Unit Pukal 2"}
    assert all(e.actor_id == admin.pk for e in created)
    assert {e.changes["name"][1] for e in created} == {"Unit Pukal 1", "Unit Pukal 2"}
