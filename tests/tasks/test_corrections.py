"""Issue 18 item 14: the supervisor returns a task-log entry for correction with a comment that
reaches the officer (notification centre, in the officer's language); the officer corrects it and
the supervisor is told; the status shows on both sides; a review's comment notifies too. Pages,
API, and who may do it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_tenants.utils import schema_context

from tenant_apps.notifications.models import Kind, Notification
from tenant_apps.tasks import corrections, services
from tenant_apps.tasks.models import Correction, TaskLogEntry, TaskLogReview
from tests.fixtures.language import say

from .conftest import access_of

LANGUAGES = ["ms", "en"]
RETURNED = "%(name)s returned your task-log entry of %(date)s for correction: %(comment)s"
CORRECTED = "%(name)s corrected the task-log entry of %(date)s"
REVIEWED = "%(name)s reviewed your task log of %(dates)s: %(comment)s"
TODAY = timezone.localdate


def log(officer, day=None, minutes=60, description="Menyemak dokumen"):
    return services.save_log_entry(
        officer, TaskLogEntry(), date=day or TODAY(), description=description, minutes=minutes
    )


def notes(officer, kind):
    return list(Notification.objects.filter(recipient=officer.user, kind=kind).values_list("message", "url"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_returning_tells_the_officer_in_their_language(in_agency, language):
    c = in_agency
    c.officer_1.user.preferred_language = language
    c.officer_1.user.save()
    entry = log(c.officer_1)
    corrections.return_for_correction(access_of(c.supervisor_1), entry, comment="Nyatakan nombor fail")
    entry.refresh_from_db()
    assert (entry.correction, entry.correction_comment, entry.returned_by) == (
        Correction.RETURNED,
        "Nyatakan nombor fail",
        c.supervisor_1,
    )
    expected = say(language, RETURNED) % {
        "name": "Penyelia Satu",
        "date": f"{TODAY():%d/%m/%Y}",
        "comment": "Nyatakan nombor fail",
    }
    assert notes(c.officer_1, Kind.TASK_LOG_RETURNED) == [(expected, f"/tasks/log/?date={TODAY():%Y-%m-%d}")]


def test_the_officer_corrects_and_the_supervisor_is_told(in_agency):
    c = in_agency
    entry = log(c.officer_1)
    services.review_task_log(access_of(c.supervisor_1), c.officer_1, [TODAY()])
    corrections.return_for_correction(access_of(c.supervisor_1), entry, comment="Pecahkan kepada dua")
    assert not TaskLogReview.objects.filter(officer=c.officer_1, date=TODAY()).exists(), "the day reopens"
    entry.refresh_from_db()
    services.save_log_entry(
        c.officer_1, entry, date=TODAY(), description="Menyemak dokumen fail 12", minutes=45
    )
    entry.refresh_from_db()
    assert entry.correction == Correction.CORRECTED and entry.minutes == 45
    [(message, url)] = notes(c.supervisor_1, Kind.TASK_LOG_CORRECTED)
    assert "Pegawai Satu" in message and url.startswith("/tasks/log/team/")
    # Corrected: the day can be reviewed and closed now.
    services.review_task_log(access_of(c.supervisor_1), c.officer_1, [TODAY()])


def test_a_returned_entry_stays_correctable_past_the_window(in_agency):
    c = in_agency
    entry = log(c.officer_1)
    old = TODAY() - timedelta(days=30)
    TaskLogEntry.objects.filter(pk=entry.pk).update(date=old)
    entry.refresh_from_db()
    with pytest.raises(ValidationError):
        services.save_log_entry(c.officer_1, entry, date=old, description="x", minutes=30)
    corrections.return_for_correction(access_of(c.supervisor_1), entry, comment="Betulkan masa")
    entry.refresh_from_db()
    services.save_log_entry(c.officer_1, entry, date=old, description="Menyemak dokumen", minutes=30)
    entry.refresh_from_db()
    assert entry.correction == Correction.CORRECTED
    with pytest.raises(ValidationError):  # corrected: the window applies again
        services.save_log_entry(c.officer_1, entry, date=old, description="Lagi", minutes=20)


def test_a_day_waiting_for_a_correction_cannot_be_reviewed(in_agency):
    c = in_agency
    entry = log(c.officer_1)
    corrections.return_for_correction(access_of(c.supervisor_1), entry, comment="Betulkan masa")
    with pytest.raises(ValidationError) as refused:
        services.review_task_log(access_of(c.supervisor_1), c.officer_1, [TODAY()])
    assert refused.value.code == "correction_pending"


def test_a_review_comment_notifies_and_a_bare_review_does_not(in_agency):
    c = in_agency
    log(c.officer_1)
    services.review_task_log(access_of(c.supervisor_1), c.officer_1, [TODAY()])
    assert notes(c.officer_1, Kind.TASK_LOG_REVIEWED) == []
    services.review_task_log(access_of(c.supervisor_1), c.officer_1, [TODAY()], comment="Kerja yang baik")
    [(message, url)] = notes(c.officer_1, Kind.TASK_LOG_REVIEWED)
    assert "Kerja yang baik" in message and url == f"/tasks/log/?date={TODAY():%Y-%m-%d}"


def test_only_the_officers_supervisor_returns_and_with_a_comment(in_agency):
    c = in_agency
    entry = log(c.officer_1)
    for who in (c.supervisor_2, c.officer_2, c.executive, c.admin, c.officer_1):
        with pytest.raises(PermissionDenied):
            corrections.return_for_correction(access_of(who), entry, comment="Betulkan")
    with pytest.raises(ValidationError) as short:
        corrections.return_for_correction(access_of(c.supervisor_1), entry, comment=" x ")
    assert short.value.error_dict["comment"][0].code == "required"
    entry.refresh_from_db()
    assert entry.correction == Correction.NONE
    assert not Notification.objects.filter(kind=Kind.TASK_LOG_RETURNED).exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_pages_show_the_loop(cast, login, language):
    with schema_context(cast.agency.schema_name):
        entry = log(cast.officer_1, description="Menyediakan minit mesyuarat")
    boss = login("supervisor_1", language)
    team = boss.get(f"/tasks/log/team/?date={TODAY():%Y-%m-%d}").content.decode()
    assert f'id="return-form-{entry.pk}"' in team and say(language, "Return for correction") in team
    refused = boss.post(f"/tasks/log/{entry.pk}/return/", {"comment": ""}, follow=True).content.decode()
    assert say(language, "Say what is to be corrected (at least 3 characters).") in refused
    done = boss.post(f"/tasks/log/{entry.pk}/return/", {"comment": "Nyatakan nombor fail"}, follow=True)
    page = done.content.decode()
    assert say(language, "The entry has been returned to the officer for correction.") in page
    assert f'id="correction-{entry.pk}"' in page and f'id="return-form-{entry.pk}"' not in page
    me = login("officer_1", language)
    day = me.get(f"/tasks/log/?date={TODAY():%Y-%m-%d}").content.decode()
    assert say(language, "Returned for correction") in day and "Nyatakan nombor fail" in day
    assert f'id="log-edit-{entry.pk}"' in day
    edit = me.get(f"/tasks/log/{entry.pk}/edit/").content.decode()
    assert 'id="correction-note"' in edit and "Nyatakan nombor fail" in edit
    saved = me.post(
        f"/tasks/log/{entry.pk}/edit/",
        {"date": TODAY().isoformat(), "description": "Minit mesyuarat fail 12", "hours": 1, "minutes": 0},
    )
    assert saved.status_code == 302
    day = me.get(f"/tasks/log/?date={TODAY():%Y-%m-%d}").content.decode()
    assert 'data-correction="corrected"' in day and say(language, "Corrected") in day


def test_api_returns_an_entry_and_shows_its_status(cast, login):
    with schema_context(cast.agency.schema_name):
        entry = log(cast.officer_1)
    url = f"/api/v1/task-log/entries/{entry.pk}/return/"
    short = login("supervisor_1", "en").post(url, {"comment": ""}, content_type="application/json")
    assert short.status_code == 400 and set(short.json()) == {"detail", "code", "fields"}
    assert "comment" in short.json()["fields"]
    done = login("supervisor_1", "en").post(
        url, {"comment": "Nyatakan nombor fail"}, content_type="application/json"
    )
    assert done.status_code == 200
    body = done.json()
    assert (body["correction"], body["correction_comment"], body["returned_by"]) == (
        "returned",
        "Nyatakan nombor fail",
        cast.supervisor_1.pk,
    )
    mine = login("officer_1", "en").get(f"/api/v1/task-log/entries/{entry.pk}/").json()
    assert mine["correction"] == "returned" and mine["editable"] is True
    patched = login("officer_1", "en").patch(
        f"/api/v1/task-log/entries/{entry.pk}/", {"minutes": 50}, content_type="application/json"
    )
    assert patched.status_code == 200 and patched.json()["correction"] == "corrected"


@pytest.mark.parametrize(
    ("who", "status"),
    [("officer_1", 403), ("officer_2", 403), ("supervisor_2", 404), ("executive", 403), ("admin", 403)],
)
def test_api_return_is_for_the_officers_supervisor_only(cast, login, who, status):
    with schema_context(cast.agency.schema_name):
        entry = log(cast.officer_1)
    client = login(who, "en")
    api = client.post(
        f"/api/v1/task-log/entries/{entry.pk}/return/",
        {"comment": "Betulkan"},
        content_type="application/json",
    )
    assert api.status_code == status
    page = client.post(f"/tasks/log/{entry.pk}/return/", {"comment": "Betulkan"})
    assert page.status_code == (404 if who == "supervisor_2" else 403)
    with schema_context(cast.agency.schema_name):
        assert TaskLogEntry.objects.get(pk=entry.pk).correction == Correction.NONE


def test_another_agency_cannot_return(cast, other_agency_client, client_for, settings):
    with schema_context(cast.agency.schema_name):
        entry = log(cast.officer_1)
    stolen = client_for(cast.agency)
    stolen.cookies[settings.SESSION_COOKIE_NAME] = other_agency_client.cookies[
        settings.SESSION_COOKIE_NAME
    ].value
    api = stolen.post(
        f"/api/v1/task-log/entries/{entry.pk}/return/",
        {"comment": "Betulkan"},
        content_type="application/json",
    )
    assert api.status_code == 403
    page = stolen.post(f"/tasks/log/{entry.pk}/return/", {"comment": "Betulkan"})
    assert page.status_code == 302 and page["Location"].startswith("/login/")
    with schema_context(cast.agency.schema_name):
        assert TaskLogEntry.objects.get(pk=entry.pk).correction == Correction.NONE
