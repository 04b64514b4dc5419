"""Issue 18 item 15: one movement, one notification to the supervisor — counted. The second
notification came from the same registration arriving twice (a double click on "Simpan", a client
retrying its request): each made a movement and told the supervisor again. The form now carries a
key per registration (the API takes an Idempotency-Key header), so a repeat answers the first
movement and tells no one."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django_tenants.utils import schema_context

from tenant_apps.movements import services
from tenant_apps.movements.models import Movement
from tenant_apps.notifications.models import Kind, Notification
from tests.fixtures.attendance import at

from .conftest import MON, values


def day_after_tomorrow(cast):
    with schema_context(cast.agency.schema_name):
        return services.now_local().date() + timedelta(days=2)


def form(day, **overrides):
    data = {
        "kind": "meeting",
        "date": day.isoformat(),
        "start_time": "09:00",
        "end_time": "11:00",
        "place": "Menara MKN",
        "purpose": "Bengkel data terbuka",
    }
    data.update(overrides)
    return data


def counts(cast):
    with schema_context(cast.agency.schema_name):
        return (
            Movement.objects.count(),
            Notification.objects.filter(recipient=cast.supervisor_1.user, kind=Kind.MOVEMENT_NEW).count(),
            Notification.objects.count(),
        )


def registration_key(page: str) -> str:
    return re.search(r'name="registration" value="([0-9a-f]{32})"', page).group(1)


@pytest.mark.parametrize("kind", ["meeting", "course", "duty_in_station", "duty_out_station", "time_out"])
def test_one_movement_one_notification_on_the_page(cast, login, kind):
    client = login("officer_1")
    key = registration_key(client.get("/movements/new/").content.decode())
    response = client.post("/movements/new/", form(day_after_tomorrow(cast), kind=kind, registration=key))
    assert response.status_code == 302
    assert counts(cast) == (1, 1, 1)


def test_the_same_form_posted_twice_is_one_movement_and_one_notification(cast, login):
    client = login("officer_1")
    key = registration_key(client.get("/movements/new/").content.decode())
    body = form(day_after_tomorrow(cast), registration=key)
    first = client.post("/movements/new/", body)
    second = client.post("/movements/new/", body)  # the double click
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert counts(cast) == (1, 1, 1)
    # A new form is a new registration.
    again = registration_key(client.get("/movements/new/").content.decode())
    assert again != key
    client.post("/movements/new/", form(day_after_tomorrow(cast), registration=again, place="Dewan Besar"))
    assert counts(cast) == (2, 2, 2)


def test_an_api_retry_with_the_same_key_is_one_movement_and_one_notification(cast, login):
    client = login("officer_1")
    body = form(day_after_tomorrow(cast))
    first = client.post(
        "/api/v1/movements/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="a1"
    )
    retry = client.post(
        "/api/v1/movements/", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="a1"
    )
    assert (first.status_code, retry.status_code) == (201, 200)
    assert first.json()["id"] == retry.json()["id"]
    assert counts(cast) == (1, 1, 1)
    without_key = client.post("/api/v1/movements/", body, content_type="application/json")
    assert without_key.status_code == 201
    assert counts(cast) == (2, 2, 2)


def test_keys_are_per_officer(in_agency_movements):
    c = in_agency_movements
    early = at(MON, "07:00")
    a = services.create_movement(c.officer_1, values(), idempotency_key="k", now=early)
    b = services.create_movement(c.officer_2, values(), idempotency_key="k", now=early)
    again = services.create_movement(c.officer_1, values(place="Lain"), idempotency_key="k", now=early)
    assert a.pk != b.pk and again.pk == a.pk and again.place == a.place
    assert Notification.objects.filter(kind=Kind.MOVEMENT_NEW).count() == 2


@pytest.fixture
def in_agency_movements(cast):
    with schema_context(cast.agency.schema_name):
        yield cast
