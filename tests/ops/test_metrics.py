"""Prometheus metrics: per-agency request and clock-event counters, Celery task metrics, and who
may read /metrics."""

from __future__ import annotations

import pytest
from django_tenants.utils import schema_context
from prometheus_client.parser import text_string_to_metric_families

from spotme.celery import app
from spotme.context import agency_var, request_id_var
from tests.fixtures.agencies import ADMIN_A, ADMIN_B, PASSWORD
from tests.platform.test_observability import CapturingTransport

TOKEN = "metrics-token-for-the-tests"


@app.task(name="tests.ops.context_of_task")
def context_of_task() -> list[str]:
    return [agency_var.get(), request_id_var.get()]


@pytest.fixture
def metrics_token(settings):
    settings.SPOTME_METRICS_TOKEN = TOKEN
    return TOKEN


def scrape(client) -> dict[tuple, float]:
    response = client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples: dict, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_metrics_are_not_public(apex_client, settings):
    settings.SPOTME_METRICS_TOKEN = ""
    assert apex_client.get("/metrics").status_code == 404
    settings.SPOTME_METRICS_TOKEN = TOKEN
    assert apex_client.get("/metrics").status_code == 404
    assert apex_client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    assert apex_client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}").status_code == 200


def clock_in(client) -> None:
    response = client.post(
        "/api/v1/attendance/clock/",
        {"direction": "in", "latitude": 2.9264, "longitude": 101.6964, "accuracy": 12},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content


def test_requests_and_clock_ins_are_counted_per_agency(
    agency_a, agency_b, client_for, apex_client, metrics_token, django_capture_on_commit_callbacks
):
    on_a, on_b = client_for(agency_a), client_for(agency_b)
    on_a.login_as(ADMIN_A, PASSWORD)
    on_b.login_as(ADMIN_B, PASSWORD)
    before = scrape(apex_client)

    for _ in range(3):
        assert on_a.get("/").status_code == 200
    assert on_b.get("/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        clock_in(on_a)
        clock_in(on_b)
    with django_capture_on_commit_callbacks(execute=True):
        clock_in(on_b)  # out again would be "out"; a second "in" is still a clock event

    after = scrape(apex_client)
    requests = "spotme_http_requests_total"
    a, b = agency_a.schema_name, agency_b.schema_name
    assert (
        value(after, requests, agency=a, method="GET", status="200")
        - value(before, requests, agency=a, method="GET", status="200")
        == 3
    )
    assert (
        value(after, requests, agency=b, method="GET", status="200")
        - value(before, requests, agency=b, method="GET", status="200")
        == 1
    )
    assert (
        value(after, requests, agency=a, method="POST", status="201")
        - value(before, requests, agency=a, method="POST", status="201")
        == 1
    )

    clocks = "spotme_clock_events_total"
    assert (
        value(after, clocks, agency=a, source="api", direction="in")
        - value(before, clocks, agency=a, source="api", direction="in")
        == 1
    )
    assert (
        value(after, clocks, agency=b, source="api", direction="in")
        - value(before, clocks, agency=b, source="api", direction="in")
        == 2
    )
    assert value(after, "spotme_http_request_duration_seconds_count", method="GET") > 0


def test_unknown_hosts_are_counted_apart(client_for, apex_client, metrics_token):
    before = scrape(apex_client)
    assert client_for("tiada.localhost").get("/").status_code == 404
    after = scrape(apex_client)
    key = {"agency": "-", "method": "GET", "status": "404"}
    assert (
        value(after, "spotme_http_requests_total", **key) - value(before, "spotme_http_requests_total", **key)
        == 1
    )


def test_tasks_run_with_their_agency_and_are_counted(agency_a, apex_client, metrics_token):
    before = scrape(apex_client)
    with schema_context(agency_a.schema_name):
        result = context_of_task.delay()
    agency, task_id = result.get()
    assert agency == agency_a.schema_name, "logs and Sentry events of the task carry its agency"
    assert task_id == result.id
    assert agency_var.get() == "-", "the context is cleared after the task"
    after = scrape(apex_client)
    key = {"task": "tests.ops.context_of_task", "state": "SUCCESS"}
    assert (
        value(after, "spotme_celery_tasks_total", **key) - value(before, "spotme_celery_tasks_total", **key)
        == 1
    )
    assert value(after, "spotme_celery_task_duration_seconds_count", task="tests.ops.context_of_task") >= 1


@app.task(name="tests.ops.report_to_sentry")
def report_to_sentry() -> None:
    import sentry_sdk

    sentry_sdk.capture_message("reported from a task")


@pytest.fixture
def task_sentry_events():
    import sentry_sdk

    from spotme.observability import init_sentry

    transport = CapturingTransport()
    init_sentry("https://public@sentry.example.invalid/1", environment="test", transport=transport)
    yield transport.events
    sentry_sdk.get_client().close()
    sentry_sdk.init(dsn=None)


def test_sentry_events_of_tasks_carry_the_agency(agency_b, task_sentry_events):
    """The task's agency is set before it runs (spotme.celery), whatever schema the caller was on
    when the event is sent."""
    with schema_context(agency_b.schema_name):
        report_to_sentry.delay()
    import sentry_sdk

    sentry_sdk.flush()
    assert task_sentry_events[-1]["tags"]["agency"] == agency_b.schema_name
