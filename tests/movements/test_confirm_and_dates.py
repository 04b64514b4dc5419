"""Issue 18 item 10 for movements: cancelling asks to be confirmed first (page, in the user's
language; nothing changes before), and a date more than a year ahead (2030 for 2026) is refused with
a clear message on the page and in the API's error shape, in both languages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django_tenants.utils import schema_context

from tenant_apps.movements import services
from tenant_apps.movements.models import Movement
from tests.fixtures.language import say

from .conftest import values

LANGUAGES = ["ms", "en"]


def today(cast):
    with schema_context(cast.agency.schema_name):
        return services.now_local().date()


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


@pytest.mark.parametrize("language", LANGUAGES)
def test_cancelling_asks_first(cast, login, language):
    day = today(cast) + timedelta(days=3)
    with schema_context(cast.agency.schema_name):
        m = services.create_movement(cast.officer_1, values(date=day))
    client = login("officer_1", language)
    asked = client.post(f"/movements/{m.pk}/cancel/")
    assert asked.status_code == 200
    page = asked.content.decode()
    assert say(language, "Cancel the movement") in page
    assert say(language, "Yes, cancel the movement") in page
    assert "Kompleks JPA Putrajaya" in page and f"{day:%d/%m/%Y}" in page
    assert f'href="/movements/{m.pk}/"' in page, "the way back"
    with schema_context(cast.agency.schema_name):
        assert Movement.objects.get(pk=m.pk).status == Movement.Status.ACTIVE
    assert client.post(f"/movements/{m.pk}/cancel/", {"confirmed": "yes"}).status_code == 302
    with schema_context(cast.agency.schema_name):
        assert Movement.objects.get(pk=m.pk).status == Movement.Status.CANCELLED


def test_cancelling_is_post_only_and_out_of_reach_is_404(cast, login):
    day = today(cast) + timedelta(days=3)
    with schema_context(cast.agency.schema_name):
        m = services.create_movement(cast.officer_1, values(date=day))
    assert login("officer_1", "en").get(f"/movements/{m.pk}/cancel/").status_code == 405
    for who in ("supervisor_1", "supervisor_2", "officer_2"):
        assert login(who, "en").post(f"/movements/{m.pk}/cancel/", {"confirmed": "yes"}).status_code == 404
    with schema_context(cast.agency.schema_name):
        assert Movement.objects.get(pk=m.pk).status == Movement.Status.ACTIVE


def test_the_horizon_is_one_year(cast):
    with schema_context(cast.agency.schema_name):
        now = services.now_local()
        last = services.latest_day(now.date())
        ok = services.create_movement(cast.officer_1, values(date=last), now=now)
        assert ok.date == last
        with pytest.raises(ValidationError) as refused:
            services.create_movement(cast.officer_1, values(date=last + timedelta(days=1)), now=now)
        assert [e.code for e in refused.value.error_dict["date"]] == ["too_far"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_movement_in_2030_is_refused_on_the_page(cast, login, language):
    day = today(cast).replace(year=2030)
    response = login("officer_1", language).post("/movements/new/", form(day))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_date_error"' in page
    expected = say(
        language, "A movement is registered at most a year ahead (until %(date)s): check the year."
    )
    assert expected.split("(")[0].strip() in page
    with schema_context(cast.agency.schema_name):
        assert not Movement.objects.exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_movement_in_2030_is_refused_by_the_api(cast, login, language):
    day = today(cast).replace(year=2030)
    response = login("officer_1", language).post(
        "/api/v1/movements/", form(day), content_type="application/json"
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "code", "fields"} and body["code"] == "invalid"
    [message] = body["fields"]["date"]
    expected = say(
        language, "A movement is registered at most a year ahead (until %(date)s): check the year."
    )
    last = services.latest_day(today(cast))
    assert message == expected % {"date": f"{last:%d/%m/%Y}"}
    with schema_context(cast.agency.schema_name):
        assert not Movement.objects.exists()
