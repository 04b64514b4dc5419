"""Catatan Tugasan Harian: what an officer may log and when, and the supervisor's review."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tenant_apps.organisation.models import AgencyProfile
from tenant_apps.tasks import services
from tenant_apps.tasks.models import TaskLogEntry, TaskLogReview
from tests.fixtures.agencies import PASSWORD

from .conftest import access_of


def log(officer, day, minutes=60, description="Menyemak dokumen", **kw):
    return services.save_log_entry(
        officer, TaskLogEntry(), date=day, description=description, minutes=minutes, **kw
    )


def code_of(exc: ValidationError, field: str | None = None) -> str:
    if field is not None:
        return exc.error_dict[field][0].code
    return exc.code


TODAY = timezone.localdate


@pytest.mark.parametrize("minutes", [0, 1441, None])
def test_minutes_are_between_one_and_a_whole_day(in_agency, minutes):
    with pytest.raises(ValidationError) as err:
        log(in_agency.officer_1, TODAY(), minutes=minutes)
    assert code_of(err.value, "minutes") == "minutes"


@pytest.mark.parametrize("minutes", [1, 1440])
def test_the_bounds_themselves_are_accepted(in_agency, minutes):
    assert log(in_agency.officer_1, TODAY(), minutes=minutes).minutes == minutes


def test_a_day_holds_at_most_24_hours(in_agency):
    first = log(in_agency.officer_1, TODAY(), minutes=1000)
    log(in_agency.officer_1, TODAY(), minutes=440)
    with pytest.raises(ValidationError) as err:
        log(in_agency.officer_1, TODAY(), minutes=1)
    assert code_of(err.value, "minutes") == "day_total"
    # Changing an entry counts the others only.
    services.save_log_entry(in_agency.officer_1, first, date=TODAY(), description="x", minutes=1000)
    # Another officer's day is their own.
    log(in_agency.officer_2, TODAY(), minutes=1440)


def test_the_log_cannot_be_written_ahead(in_agency):
    with pytest.raises(ValidationError) as err:
        log(in_agency.officer_1, TODAY() + timedelta(days=1))
    assert code_of(err.value, "date") == "future"


def test_the_edit_window_follows_the_agency_setting(in_agency):
    officer = in_agency.officer_1
    log(officer, TODAY() - timedelta(days=3))  # default: today and three days before
    with pytest.raises(ValidationError) as err:
        log(officer, TODAY() - timedelta(days=4))
    assert code_of(err.value, "date") == "window_closed"

    AgencyProfile.objects.update(task_log_edit_days=0)
    with pytest.raises(ValidationError) as err:
        log(officer, TODAY() - timedelta(days=1))
    assert code_of(err.value, "date") == "window_closed"
    log(officer, TODAY())


def test_entries_of_a_closed_day_cannot_be_changed_or_deleted(in_agency):
    officer = in_agency.officer_1
    old = TaskLogEntry.objects.create(
        officer=officer, date=TODAY() - timedelta(days=10), description="Lama", minutes=30
    )
    with pytest.raises(ValidationError) as err:
        services.save_log_entry(officer, old, date=TODAY(), description="Dipindah", minutes=30)
    assert code_of(err.value, "date") == "window_closed", "moving an old entry into the window is a change"
    with pytest.raises(ValidationError) as err:
        services.delete_log_entry(officer, old)
    assert code_of(err.value, "date") == "window_closed"
    with pytest.raises(PermissionDenied):
        services.delete_log_entry(in_agency.officer_2, log(officer, TODAY()))


def test_an_entry_links_only_to_the_officers_own_task(in_agency):
    own = services.create_task(access_of(in_agency.officer_1), title="Laporan bulanan")
    other = services.create_task(access_of(in_agency.officer_2), title="Tugasan lain")
    assert log(in_agency.officer_1, TODAY(), task=own).task == own
    with pytest.raises(ValidationError) as err:
        log(in_agency.officer_1, TODAY(), task=other)
    assert code_of(err.value, "task") == "task"


def test_supervisor_reviews_a_week_and_the_days_close(in_agency):
    c = in_agency
    monday, _sunday = services.week_of(TODAY())
    days = [d for d in (TODAY() - timedelta(days=n) for n in range(4)) if d >= monday] or [TODAY()]
    for day in days:
        log(c.officer_1, day)
    week = [monday + timedelta(days=n) for n in range(7)]

    with pytest.raises(PermissionDenied):
        services.review_task_log(access_of(c.supervisor_2), c.officer_1, week, comment="Bukan penyelia")
    with pytest.raises(PermissionDenied):
        services.review_task_log(access_of(c.supervisor_1), c.officer_2, week)
    reviews = services.review_task_log(access_of(c.supervisor_1), c.officer_1, week, comment="Baik")
    assert sorted(r.date for r in reviews) == sorted(days), "one review per logged day, none for empty days"
    assert {r.reviewer for r in reviews} == {c.supervisor_1}

    with pytest.raises(ValidationError) as err:
        log(c.officer_1, days[0])
    assert code_of(err.value, "date") == "reviewed"

    # Reviewing again replaces the comment instead of failing.
    services.review_task_log(access_of(c.supervisor_1), c.officer_1, [days[0]], comment="Semak semula")
    assert TaskLogReview.objects.get(officer=c.officer_1, date=days[0]).comment == "Semak semula"


def test_nothing_logged_is_nothing_to_review(in_agency):
    with pytest.raises(ValidationError) as err:
        services.review_task_log(access_of(in_agency.supervisor_1), in_agency.officer_1, [TODAY()])
    assert err.value.code == "empty"


# --- pages and API --------------------------------------------------------------------------------


@pytest.fixture
def officer_client(cast, client_for):
    client = client_for(cast.agency)
    client.login_as(cast.LOGINS["officer_1"], PASSWORD)
    return client


@pytest.fixture
def supervisor_client(cast, client_for):
    client = client_for(cast.agency)
    client.login_as(cast.LOGINS["supervisor_1"], PASSWORD)
    return client


def test_my_day_page_adds_edits_and_refuses(cast, officer_client):
    today = f"{TODAY():%Y-%m-%d}"
    response = officer_client.post(
        "/tasks/log/", {"date": today, "description": "Mesyuarat unit", "hours": 1, "minutes": 30}
    )
    assert response.status_code == 302
    page = officer_client.get(f"/tasks/log/?date={today}")
    assert b'id="log-total" data-minutes="90"' in page.content
    assert b'id="log-form"' in page.content

    response = officer_client.post(
        "/tasks/log/", {"date": today, "description": "Terlalu lama", "hours": 23, "minutes": 0}
    )
    assert response.status_code == 400 and b'id="log-minutes_error"' in response.content

    ahead = f"{TODAY() + timedelta(days=1):%Y-%m-%d}"
    response = officer_client.post(
        "/tasks/log/", {"date": ahead, "description": "Esok", "hours": 1, "minutes": 0}
    )
    assert response.status_code == 400 and b'id="log-date_error"' in response.content

    old = f"{TODAY() - timedelta(days=9):%Y-%m-%d}"
    page = officer_client.get(f"/tasks/log/?date={old}")
    assert b'id="log-closed"' in page.content and b'id="log-form"' not in page.content

    from django_tenants.utils import schema_context

    with schema_context(cast.agency.schema_name):
        entry = TaskLogEntry.objects.get(officer=cast.officer_1)
    response = officer_client.post(
        f"/tasks/log/{entry.pk}/edit/", {"date": today, "description": "Mesyuarat", "hours": 2, "minutes": 0}
    )
    assert response.status_code == 302
    with schema_context(cast.agency.schema_name):
        assert TaskLogEntry.objects.get(pk=entry.pk).minutes == 120


def test_review_page_marks_a_day_reviewed(cast, officer_client, supervisor_client):
    today = f"{TODAY():%Y-%m-%d}"
    officer_client.post("/tasks/log/", {"date": today, "description": "Latihan", "hours": 2, "minutes": 0})
    page = supervisor_client.get(f"/tasks/log/team/?date={today}&period=day")
    assert page.status_code == 200
    assert f'id="review-officer-{cast.officer_1.pk}" data-reviewed="0"'.encode() in page.content
    response = supervisor_client.post(
        "/tasks/log/team/review/",
        {"officer": cast.officer_1.pk, "date": today, "period": "day", "comment": "Teruskan"},
    )
    assert response.status_code == 302
    page = supervisor_client.get(f"/tasks/log/team/?date={today}&period=week")
    assert f'id="review-officer-{cast.officer_1.pk}" data-reviewed="1"'.encode() in page.content
    mine = officer_client.get(f"/tasks/log/?date={today}")
    assert b'id="log-review" data-reviewed="1"' in mine.content and b'id="log-form"' not in mine.content


def test_api_entries_and_reviews(cast, officer_client, supervisor_client):
    today = f"{TODAY():%Y-%m-%d}"
    created = officer_client.post(
        "/api/v1/task-log/entries/",
        {"date": today, "description": "Analisis data", "minutes": 45},
        content_type="application/json",
    )
    assert created.status_code == 201 and created.json()["editable"] is True
    too_much = officer_client.post(
        "/api/v1/task-log/entries/",
        {"date": today, "description": "Lagi", "minutes": 1400},
        content_type="application/json",
    )
    assert too_much.status_code == 400 and "minutes" in too_much.json()["fields"]

    listed = supervisor_client.get(f"/api/v1/task-log/entries/?officer={cast.officer_1.pk}&week={today}")
    assert [e["id"] for e in listed.json()["results"]] == [created.json()["id"]]
    assert supervisor_client.get("/api/v1/task-log/entries/").json()["results"] == [], "own by default"

    reviewed = supervisor_client.post(
        "/api/v1/task-log/reviews/",
        {"officer": cast.officer_1.pk, "date": today, "period": "week", "comment": "Baik"},
        content_type="application/json",
    )
    assert reviewed.status_code == 201 and [r["date"] for r in reviewed.json()] == [today]
    changed = officer_client.patch(
        f"/api/v1/task-log/entries/{created.json()['id']}/", {"minutes": 50}, content_type="application/json"
    )
    assert changed.status_code == 400 and "date" in changed.json()["fields"]
    assert officer_client.get("/api/v1/task-log/reviews/").json()["results"][0]["comment"] == "Baik"
