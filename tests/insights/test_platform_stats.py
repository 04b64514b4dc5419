"""The operators' platform statistics (apex): counted per agency inside its schema by the periodic
task, stored in the public table, shown from that table only; counts, never officers' data."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tenants.utils import schema_context

from shared_apps.operators.models import AgencyDailyStats
from shared_apps.operators.tasks import collect_stats_everywhere
from tenant_apps.attendance import services
from tenants.models import AgencyStatus
from tests.fixtures.attendance import INSIDE, OUTSIDE, at


def test_collection_counts_each_agency_in_its_own_schema(cast, office, agency_b):
    # Statistics are of the calendar day: clock in this morning (a punch between 00:00 and 03:30
    # would still be yesterday's shift, when the suite runs at night).
    day = timezone.localdate()
    now = at(day, "08:00")
    with schema_context(cast.agency.schema_name):
        services.clock(cast.officer_1, "in", position=INSIDE, now=now)
        services.clock(cast.officer_2, "in", position=OUTSIDE, now=now)
    assert collect_stats_everywhere() == 2  # one task per active agency (eager in tests)
    row = AgencyDailyStats.objects.get(agency=cast.agency)
    # 7 officers (admin + cast); active: the two who clocked in and everyone who signed in today
    # (the cast never signed in; activate() does not set last_login).
    assert (row.officers, row.clock_ins) == (7, 2)
    assert row.active_users == row.active_users_30d == 2
    assert row.date == day
    other = AgencyDailyStats.objects.get(agency=agency_b)
    assert (other.officers, other.clock_ins, other.active_users) == (1, 0, 0)
    # Idempotent: a second run updates the same rows.
    collect_stats_everywhere()
    assert AgencyDailyStats.objects.count() == 2


def test_console_page_and_api_show_counts_only(cast, office, agency_b, operator_client, client_for, settings):
    with schema_context(cast.agency.schema_name):
        services.clock(cast.officer_1, "in", position=INSIDE, now=at(timezone.localdate(), "08:00"))
        names = [o.name for o in (cast.officer_1, cast.officer_2, cast.supervisor_1, cast.admin)]
        mykads = [o.mykad for o in (cast.officer_1, cast.admin)]
    agency_b.status = AgencyStatus.SUSPENDED
    agency_b.save(update_fields=["status"])
    collect_stats_everywhere()

    page = operator_client.get("/console/stats/")
    assert page.status_code == 200
    html = page.content.decode()
    assert f'id="stats-{cast.agency.subdomain}"' in html and 'id="chart-platform"' in html
    assert 'id="total-agencies">2<' in html and 'id="total-active-agencies">1<' in html
    assert 'id="total-officers">7<' in html and 'id="total-clock-ins">1<' in html
    for personal in names + mykads:
        assert personal not in html

    body = operator_client.get("/api/v1/platform-stats/").json()
    assert body["totals"]["active_users"] == 1 and body["by_status"]["suspended"] == 1
    assert {a["subdomain"] for a in body["agencies"]} == {cast.agency.subdomain, agency_b.subdomain}
    assert sum(d["clock_ins"] for d in body["per_day"]) == 1
    assert sum(m["agencies_created"] for m in body["applications_by_month"]) == 2
    text = str(body)
    for personal in names + mykads:
        assert personal not in text

    anonymous = client_for(settings.APEX_DOMAIN)
    assert anonymous.get("/api/v1/platform-stats/").status_code == 403
    assert anonymous.get("/console/stats/").status_code == 302


def test_console_reads_only_public_tables_in_constant_queries(cast, agency_b, operator_client, provision):
    collect_stats_everywhere()
    operator_client.get("/console/stats/")
    with CaptureQueriesContext(connection) as two:
        operator_client.get("/console/stats/")
    provision("jabatan-ketiga")
    collect_stats_everywhere()
    # A new agency changes the routing: the first request after it re-reads the apex's routing
    # (tenants/routing.py); the page's own cost is what must not grow with the agencies.
    operator_client.get("/console/stats/")
    with CaptureQueriesContext(connection) as three:
        operator_client.get("/console/stats/")
    assert len(two) == len(three)
    tenant_schemas = (cast.agency.schema_name, agency_b.schema_name)
    assert not any(s in q["sql"] for q in three.captured_queries for s in tenant_schemas)


def test_platform_stats_endpoint_is_in_the_apex_openapi_schema():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator(urlconf="spotme.urls_public").get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/platform-stats/"]["get"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/PlatformStats"
    )
