"""Coordinates outside Malaysia are refused wherever a location is typed: the validator's boxes
(spotme.malaysia.MALAYSIA_BOXES) on known places, then office locations and movement locations through
their real pages and API, with the message in Malay (the default) and in English, nothing written."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django_tenants.utils import schema_context

from spotme.malaysia import in_malaysia
from tenant_apps.attendance.models import OfficeSite
from tenant_apps.movements.models import Movement

EN = "outside Malaysia"
MS = "di luar Malaysia"


@pytest.mark.parametrize(
    ("place", "lat", "lon", "inside"),
    [
        ("Kuala Lumpur", 3.139, 101.687, True),
        ("Putrajaya", 2.926, 101.696, True),
        ("Kangar, Perlis", 6.440, 100.198, True),
        ("Langkawi", 6.350, 99.800, True),
        ("Johor Bahru", 1.492, 103.741, True),
        ("Pulau Tioman", 2.800, 104.170, True),
        ("Kuching", 1.553, 110.359, True),
        ("Tanjung Datu, Sarawak", 2.050, 109.650, True),
        ("Miri", 4.399, 113.991, True),
        ("Labuan", 5.280, 115.242, True),
        ("Kota Kinabalu", 5.980, 116.073, True),
        ("Semporna", 4.480, 118.610, True),
        ("Pulau Layang-Layang", 7.372, 113.842, True),
        ("longitude 10.33 instead of 100.33 (the Mediterranean)", 5.41, 10.33, False),
        ("latitude and longitude swapped", 101.687, 3.139, False),
        ("latitude with the wrong sign", -3.139, 101.687, False),
        ("Bangkok", 13.756, 100.502, False),
        ("Jakarta", -6.208, 106.846, False),
        ("Manila", 14.599, 120.984, False),
        ("Natuna (open sea between the boxes)", 3.9, 108.2, False),
        ("null island", 0, 0, False),
        ("not a number", "utara", 101.6, False),
    ],
)
def test_the_malaysia_boxes(place, lat, lon, inside):
    assert in_malaysia(lat, lon) is inside, place


SITE = {"name": "Cawangan Tersalah Taip", "latitude": "5.41", "longitude": "10.33", "radius_m": "150"}
DAY = date.today() + timedelta(days=3)
MOVEMENT = {
    "kind": "meeting",
    "date": DAY.isoformat(),
    "start_time": "09:00",
    "end_time": "11:00",
    "place": "Menara MKN",
    "purpose": "Bengkel data terbuka",
    "latitude": "5.41",
    "longitude": "10.33",
}


def count(cast, model) -> int:
    with schema_context(cast.agency.schema_name):
        return model.objects.count()


@pytest.mark.parametrize(("language", "words"), [("ms", MS), ("en", EN)])
def test_office_location_outside_malaysia_is_refused_on_the_page_and_the_api(cast, login, language, words):
    admin = login("admin", language)
    before = count(cast, OfficeSite)
    page = admin.post("/attendance/admin/sites/new/", SITE)
    assert page.status_code == 400
    assert words in " ".join(page.context["form"].errors["latitude"])
    assert words in page.content.decode()
    api = admin.post("/api/v1/attendance/sites/", {**SITE, "org_units": []}, content_type="application/json")
    assert api.status_code == 400, api.content
    body = api.json()
    assert body["code"] and words in " ".join(body["fields"]["latitude"])
    assert count(cast, OfficeSite) == before, "nothing written"
    # The same place typed right is accepted.
    fixed = admin.post(
        "/api/v1/attendance/sites/", {**SITE, "longitude": "100.33"}, content_type="application/json"
    )
    assert fixed.status_code == 201, fixed.content


@pytest.mark.parametrize(("language", "words"), [("ms", MS), ("en", EN)])
def test_movement_location_outside_malaysia_is_refused_on_the_page_and_the_api(cast, login, language, words):
    officer = login("officer_1", language)
    page = officer.post("/movements/new/", MOVEMENT)
    assert page.status_code == 200 and "form" in page.context, "the form again, with its errors"
    assert words in page.content.decode()
    api = officer.post("/api/v1/movements/", MOVEMENT, content_type="application/json")
    assert api.status_code == 400, api.content
    assert words in " ".join(api.json()["fields"]["latitude"])
    assert count(cast, Movement) == 0, "nothing written"
    fixed = officer.post(
        "/api/v1/movements/", {**MOVEMENT, "longitude": "100.33"}, content_type="application/json"
    )
    assert fixed.status_code == 201, fixed.content
