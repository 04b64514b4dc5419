"""A database blip is not a lost punch: a clock-in whose connection is lost is retried once on a new
connection (the idempotency key makes it safe); when the database is really unavailable the API
and the page answer 503 "not recorded — try again" with Retry-After, and the page offers the same
punch with the same key."""

from __future__ import annotations

from datetime import date

import psycopg
import pytest
from django.conf import settings
from django.db import OperationalError, connection
from django_tenants.utils import schema_context

from tenant_apps.attendance import services
from tenant_apps.attendance.models import ClockEvent
from tests.fixtures.attendance import INSIDE, at

MON = date(2025, 11, 17)


def kill_my_connection() -> None:
    """What a database restart does to this connection: the server ends it."""
    s = connection.settings_dict
    pid = connection.connection.info.backend_pid
    with psycopg.connect(
        host=s["HOST"], port=s["PORT"], user=s["USER"], dbname=s["NAME"], autocommit=True
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


def test_a_clock_in_on_a_lost_connection_is_retried_once(committed_officer, monkeypatch):
    schema, officer = committed_officer
    monkeypatch.setattr(services, "RETRY_DELAY_SECONDS", 0)
    with schema_context(schema):
        services.clock(officer, "in", position=INSIDE, now=at(MON, "08:00"), idempotency_key="masuk")
        kill_my_connection()
        event = services.clock(
            officer, "out", position=INSIDE, now=at(MON, "17:05"), idempotency_key="keluar"
        )
        assert event.pk and not getattr(event, "replayed", False)
        assert ClockEvent.objects.filter(officer=officer).count() == 2
        # Without an idempotency key a retry could record the punch twice: the error is raised.
        kill_my_connection()
        with pytest.raises(OperationalError):
            services.clock(officer, "out", position=INSIDE, now=at(MON, "17:10"))
        assert ClockEvent.objects.filter(officer=officer).count() == 2


@pytest.fixture
def database_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OperationalError("connection failed: server closed the connection unexpectedly")

    monkeypatch.setattr(services, "clock", refuse)


def test_the_api_answers_503_not_recorded_in_malay_or_english(cast, client_as, database_down):
    client = client_as("officer")
    client.raise_request_exception = False
    body = {"direction": "in", "idempotency_key": "k-503"}
    response = client.post("/api/v1/attendance/clock/", body, content_type="application/json")
    assert response.status_code == 503 and response["Retry-After"] == "3"
    assert response.json()["code"] == "unavailable"
    assert response.json()["detail"].startswith("Tidak direkodkan")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.post(
        "/api/v1/attendance/clock/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert english.status_code == 503 and english.json()["detail"].startswith("Not recorded")


def test_the_page_answers_503_with_the_same_punch_to_send_again(cast, client_as, database_down):
    client = client_as("officer")
    client.raise_request_exception = False
    response = client.post(
        "/attendance/clock/",
        {"direction": "out", "idempotency_key": "kunci-sama", "location_status": "denied"},
    )
    assert response.status_code == 503 and response["Retry-After"] == "3"
    page = response.content.decode()
    assert "Tidak direkodkan — cuba lagi" in page
    assert 'name="idempotency_key" value="kunci-sama"' in page and 'name="direction" value="out"' in page
    assert "clock-retry.js" in page
