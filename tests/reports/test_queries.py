"""The agency report is a fixed number of SQL statements whatever the number of officers (no
per-officer or per-day queries): measured at 3 officers, then again after bench/seed_month.py adds
60 more officers with a month of days each."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tenants.utils import schema_context

from tests.fixtures.agencies import PASSWORD

from .conftest import MONTH

ROOT = Path(__file__).resolve().parents[2]


def seed_module():
    spec = importlib.util.spec_from_file_location("seed_month", ROOT / "bench" / "seed_month.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def queries(client, path) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
        if response.streaming:
            b"".join(response.streaming_content)
        assert response.status_code == 200
    return len(captured.captured_queries)


def test_agency_report_query_count_does_not_grow_with_officers(
    october, cast, client_for, django_assert_max_num_queries
):
    client = client_for(cast.agency)
    client.login_as(cast.LOGINS["executive"], PASSWORD)
    paths = [f"/reports/agency/?month=2025-10&export={f}" for f in ("csv", "xlsx")]
    paths += [
        "/reports/agency/?month=2025-10",
        "/api/v1/reports/agency/?month=2025-10",
        "/reports/lateness/?month=2025-10&export=csv",
        "/reports/issues/?month=2025-10&export=csv",
        "/reports/tasks/?month=2025-10&export=csv",
    ]
    before = {p: queries(client, p) for p in paths}
    info = seed_module().seed_agency_month(cast.agency.schema_name, officers=60, month=MONTH)
    assert info["days"] == 60 * 31
    after = {p: queries(client, p) for p in paths}
    assert after == before
    with django_assert_max_num_queries(20):
        response = client.get(paths[0])
        b"".join(response.streaming_content)
    with schema_context(cast.agency.schema_name):
        pass
