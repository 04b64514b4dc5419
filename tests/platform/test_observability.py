"""Sentry events carry the agency; log lines carry agency, request id and user id."""

from __future__ import annotations

import json
import logging

import pytest
import sentry_sdk
from django.urls import include, path
from django_tenants.utils import schema_context

from spotme.logging import JsonFormatter, RequestContextFilter
from spotme.observability import init_sentry


def boom(request):
    raise RuntimeError("boom for sentry")


urlpatterns = [path("boom/", boom), path("", include("spotme.urls_tenant"))]


class CapturingTransport(sentry_sdk.transport.Transport):
    def __init__(self, options=None):
        super().__init__(options)
        self.events: list[dict] = []

    def capture_envelope(self, envelope):
        for item in envelope.items:
            if item.type == "event":
                self.events.append(item.payload.json)


@pytest.fixture
def sentry_events():
    # A user another test's request left on the process's scopes (a later test process would not
    # have one): the events below must be judged on what this SDK configuration collects.
    for scope in (
        sentry_sdk.get_global_scope(),
        sentry_sdk.get_isolation_scope(),
        sentry_sdk.get_current_scope(),
    ):
        scope.set_user(None)
    transport = CapturingTransport()
    init_sentry("https://public@sentry.example.invalid/1", environment="test", transport=transport)
    yield transport.events
    sentry_sdk.get_client().close()
    # Back to a client that sends nothing and whose integrations collect nothing (a bare init()
    # would turn the Django integration on with the SDK's default collection for later tests).
    sentry_sdk.init(dsn=None, default_integrations=False, auto_enabling_integrations=False)


def test_request_errors_are_tagged_with_the_agency(agency_a, client_for, sentry_events, settings):
    settings.ROOT_URLCONF = __name__
    client = client_for(agency_a, raise_request_exception=False)
    assert client.get("/boom/").status_code == 500
    sentry_sdk.flush()
    assert sentry_events, "the error reached Sentry"
    assert sentry_events[-1]["tags"]["agency"] == agency_a.schema_name


def test_events_carry_no_personal_data(agency_a, client_for, sentry_events, settings):
    """sentry-sdk 3's data_collection: no user identity, cookies, request body or local variables
    reach Sentry, although the request had all of them (a signed-in officer posting a MyKad)."""
    from tests.fixtures.agencies import ADMIN_A, PASSWORD

    settings.ROOT_URLCONF = __name__
    client = client_for(agency_a, raise_request_exception=False)
    client.login_as(ADMIN_A, PASSWORD)
    response = client.post("/boom/?page=1", {"mykad": "900101105555", "password": "Rahsia-2026"})
    assert response.status_code == 500
    sentry_sdk.flush()
    event = sentry_events[-1]
    text = json.dumps(event)
    assert event["tags"]["agency"] == agency_a.schema_name
    assert "900101105555" not in text and "Rahsia-2026" not in text
    assert "user" not in event or not event["user"]
    assert not event.get("request", {}).get("cookies")
    assert "data" not in event.get("request", {})
    frames = [f for exc in event["exception"]["values"] for f in exc["stacktrace"]["frames"]]
    assert frames and not any(f.get("vars") for f in frames)


def test_django_and_celery_integrations_are_active(sentry_events):
    client = sentry_sdk.get_client()
    assert {"django", "celery"} <= set(client.integrations)


def test_task_errors_are_tagged_with_the_agency(agency_b, sentry_events):
    with schema_context(agency_b.schema_name):  # what tenant-schemas-celery does around a task
        sentry_sdk.capture_message("task failure")
    sentry_sdk.flush()
    assert sentry_events[-1]["tags"]["agency"] == agency_b.schema_name


def test_sentry_is_off_without_a_dsn(settings):
    assert not settings.SENTRY_DSN
    assert not sentry_sdk.get_client().dsn


def test_log_lines_carry_agency_request_and_user(agency_a, client_for, caplog):
    from tests.fixtures.agencies import ADMIN_A, PASSWORD

    records: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record)

    handler = Keep()
    handler.addFilter(RequestContextFilter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        client = client_for(agency_a)
        client.login_as(ADMIN_A, PASSWORD)
        response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="req-123")
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 404 and response["X-Request-ID"] == "req-123"
    record = records[-1]
    line = json.loads(JsonFormatter().format(record))
    assert line["agency"] == agency_a.schema_name
    assert line["request_id"] == "req-123"
    assert line["user_id"] != "-"
