"""Idle sessions end after the agency's idle_timeout_minutes."""

from __future__ import annotations

import time

from spotme.accounts import idle
from tests.fixtures.accounts import save_session, session_of, set_profile
from tests.fixtures.agencies import ADMIN_A, PASSWORD


def idle_for(client, schema_name: str, seconds: int) -> None:
    session = session_of(client, schema_name)
    session[idle.LAST_SEEN_KEY] = int(time.time()) - seconds
    save_session(session, schema_name)


def test_an_idle_session_is_logged_out_with_an_explanation(agency_a, client_en):
    set_profile(agency_a, idle_timeout_minutes=15)
    client = client_en(agency_a)
    client.login_as(ADMIN_A, PASSWORD)
    assert client.get("/profile/").status_code == 200
    idle_for(client, agency_a.schema_name, 14 * 60)
    assert client.get("/profile/").status_code == 200  # still within the limit, and now fresh again
    assert session_of(client, agency_a.schema_name)[idle.LAST_SEEN_KEY] >= int(time.time()) - 5

    idle_for(client, agency_a.schema_name, 16 * 60)
    response = client.get("/profile/")
    assert response.status_code == 302 and response["Location"] == "/login/?next=/profile/"
    page = client.get(response["Location"]).content.decode()
    assert 'id="idle-message"' in page and "logged out after 15 minutes of inactivity" in page
    assert 'id="idle-message"' not in client.get("/login/").content.decode()  # said once
    assert client.get("/profile/").status_code == 302


def test_the_session_is_written_at_most_once_a_minute(agency_a, client_en):
    client = client_en(agency_a)
    client.login_as(ADMIN_A, PASSWORD)
    idle_for(client, agency_a.schema_name, 30)
    stamp = session_of(client, agency_a.schema_name)[idle.LAST_SEEN_KEY]
    client.get("/profile/")
    assert session_of(client, agency_a.schema_name)[idle.LAST_SEEN_KEY] == stamp


def test_api_requests_get_json(agency_a, client_en):
    client = client_en(agency_a)
    client.login_as(ADMIN_A, PASSWORD)
    idle_for(client, agency_a.schema_name, 31 * 60)  # the default: 30 minutes
    response = client.get("/api/v1/me/")
    assert response.status_code == 401 and response.json()["code"] == "session_expired"


def test_operators_time_out_after_30_minutes(operator_client):
    assert operator_client.get("/console/").status_code == 200
    idle_for(operator_client, "public", 31 * 60)
    assert operator_client.get("/console/").status_code == 302
