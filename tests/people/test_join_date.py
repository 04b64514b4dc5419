"""Issue 18 item 10 for people: a date joined in the future is refused with a clear message — on the
officer form, in the API (the one error shape) and in the bulk import (row, column, code) — in
both languages. Today itself is accepted."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_tenants.utils import schema_context

from tenant_apps.people.importing import Problem
from tenant_apps.people.models import Officer
from tests.fixtures.agencies import ADMIN_A, PASSWORD
from tests.fixtures.language import say

from .test_import import csv_bytes, found, mykad, row, upload

LANGUAGES = ["ms", "en"]
FUTURE = "The date joined cannot be in the future (%(date)s)."
NEW = {"mykad": "950505-10-5021", "full_name": "Ahmad bin Ali", "grade": "N19"}


@pytest.fixture
def admin(cast, client_for):
    def make(language: str = "en"):
        client = client_for(cast.agency)
        client.login_as(ADMIN_A, PASSWORD)
        client.cookies["spotme_lang"] = language
        return client

    return make


def officers(cast) -> int:
    with schema_context(cast.agency.schema_name):
        return Officer.objects.count()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_form_refuses_a_future_join_date(cast, admin, language):
    tomorrow = timezone.localdate() + timedelta(days=1)
    before = officers(cast)
    response = admin(language).post("/people/new/", {**NEW, "join_date": tomorrow.isoformat()})
    assert response.status_code == 400
    assert say(language, FUTURE) % {"date": f"{tomorrow:%d/%m/%Y}"} in response.content.decode()
    assert officers(cast) == before
    today = admin(language).post("/people/new/", {**NEW, "join_date": timezone.localdate().isoformat()})
    assert today.status_code == 302 and officers(cast) == before + 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_api_refuses_a_future_join_date(cast, admin, language):
    future = timezone.localdate().replace(year=2030)
    response = admin(language).post(
        "/api/v1/officers/",
        {"mykad": "930303105017", "full_name": "Pegawai API", "join_date": future.isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "code", "fields"} and body["code"] == "invalid"
    assert body["fields"]["join_date"] == [say(language, FUTURE) % {"date": f"{future:%d/%m/%Y}"}]


def test_the_import_refuses_a_future_join_date_row_by_row(cast, admin):
    future = timezone.localdate() + timedelta(days=30)
    data = csv_bytes(
        [
            row(mykad(101), join_date=future.isoformat()),
            row(mykad(102), join_date=timezone.localdate().isoformat()),
        ]
    )
    before = officers(cast)
    response = upload(admin(), "pegawai.csv", data, dry_run=False)
    assert response.status_code == 400
    assert found(response) == {(2, "join_date", Problem.DATE_FUTURE)}
    assert f"{future:%d/%m/%Y}" in response.content.decode()
    assert officers(cast) == before, "all or nothing"


def test_only_the_org_admin_sets_people(cast, client_for):
    client = client_for(cast.agency)
    client.login_as(cast.LOGINS["supervisor_1"], PASSWORD)
    response = client.post(
        "/api/v1/officers/",
        {"mykad": "930303105017", "full_name": "Pegawai API", "join_date": "2030-01-01"},
        content_type="application/json",
    )
    assert response.status_code == 403
