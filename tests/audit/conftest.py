"""Audit fixtures: clients that come from a known address with a known browser, and readers of the
trail inside one agency's schema."""

from __future__ import annotations

import csv
import io

import pytest
from django_tenants.utils import schema_context

from spotme.audit.models import AuthEvent, LogEntry
from tenant_apps.people import actions
from tests.fixtures.agencies import ADMIN_A, ADMIN_B, PASSWORD

ADMIN_IP = "10.20.30.40"
ADMIN_UA = "Mozilla/5.0 (X11; Linux x86_64) SpotMeAuditTest/1.0"
OFFICER_MYKAD = "900909105014"
EXECUTIVE_MYKAD = "820707105013"


def entries(agency, **filters) -> list[LogEntry]:
    """Data changes recorded in the agency's schema, oldest first."""
    with schema_context(agency.schema_name):
        return list(
            LogEntry.objects.filter(**filters)
            .select_related("actor", "content_type")
            .order_by("timestamp", "pk")
        )


def auth_events(agency, **filters) -> list[AuthEvent]:
    with schema_context(agency.schema_name):
        return list(
            AuthEvent.objects.filter(**filters).select_related("user", "actor").order_by("created_at", "pk")
        )


def of_model(items: list[LogEntry], label: str) -> list[LogEntry]:
    return [e for e in items if f"{e.content_type.app_label}.{e.content_type.model}" == label]


def read_csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff"), "UTF-8 byte order mark, for spreadsheet programs"
    return list(csv.reader(io.StringIO(body[1:])))


def make_officer(agency, mykad: str, roles=(), name: str = "Pegawai Biasa"):
    """An activated officer (known password), made through the real action outside any request."""
    with schema_context(agency.schema_name):
        officer = actions.create_officer(mykad=mykad, full_name=name, roles=list(roles), notify=False).officer
        officer.user.set_password(PASSWORD)
        officer.user.must_change_password = False
        officer.user.save()
    return officer


@pytest.fixture
def admin_client(agency_a, client_for):
    client = client_for(agency_a, REMOTE_ADDR=ADMIN_IP, HTTP_USER_AGENT=ADMIN_UA)
    client.login_as(ADMIN_A, PASSWORD)
    return client


@pytest.fixture
def admin_b_client(agency_b, client_for):
    client = client_for(agency_b, REMOTE_ADDR="10.99.0.1", HTTP_USER_AGENT="AgencyB/1.0")
    client.login_as(ADMIN_B, PASSWORD)
    return client
