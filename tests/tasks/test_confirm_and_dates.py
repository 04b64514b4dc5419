"""Issue 18 items 10 and 15 for tasks: deleting a task-log entry asks to be confirmed first (in the
user's language; nothing is deleted before); a task already overdue at creation is refused (page and
API, both languages, the API's error shape); a task the user created shows on their own board."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django_tenants.utils import schema_context

from tenant_apps.tasks import services
from tenant_apps.tasks.models import Task, TaskLogEntry
from tenant_apps.tasks.templatetags.task_tags import duration
from tests.fixtures.language import say

from .conftest import access_of

LANGUAGES = ["ms", "en"]
DUE_PAST = "The due date %(date)s has already passed: give today or a later day."


def an_entry(cast):
    with schema_context(cast.agency.schema_name):
        return services.save_log_entry(
            cast.officer_1,
            TaskLogEntry(),
            date=timezone.localdate(),
            description="Menyediakan minit mesyuarat",
            minutes=95,
        )


@pytest.mark.parametrize("language", LANGUAGES)
def test_deleting_an_entry_asks_first(cast, login, language):
    entry = an_entry(cast)
    client = login("officer_1", language)
    asked = client.post(f"/tasks/log/{entry.pk}/delete/")
    assert asked.status_code == 200
    page = asked.content.decode()
    assert say(language, "Delete the entry") in page and say(language, "Yes, delete") in page
    with translation.override(language):
        assert "Menyediakan minit mesyuarat" in page and duration(95) in page
    with schema_context(cast.agency.schema_name):
        assert TaskLogEntry.objects.filter(pk=entry.pk).exists()
    assert client.post(f"/tasks/log/{entry.pk}/delete/", {"confirmed": "yes"}).status_code == 302
    with schema_context(cast.agency.schema_name):
        assert not TaskLogEntry.objects.filter(pk=entry.pk).exists()


def test_deleting_is_post_only_and_only_ones_own(cast, login):
    entry = an_entry(cast)
    assert login("officer_1", "en").get(f"/tasks/log/{entry.pk}/delete/").status_code == 405
    for who in ("supervisor_1", "officer_2", "admin"):
        refused = login(who, "en").post(f"/tasks/log/{entry.pk}/delete/", {"confirmed": "yes"})
        assert refused.status_code == 404, who
    with schema_context(cast.agency.schema_name):
        assert TaskLogEntry.objects.filter(pk=entry.pk).exists()


def test_a_task_overdue_at_creation_is_refused_by_the_service(in_agency):
    c = in_agency
    yesterday = timezone.localdate() - timedelta(days=1)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        services.create_task(
            access_of(c.supervisor_1), title="Laporan", due_date=yesterday, assignees=[c.officer_1]
        )
    assert [e.code for e in refused.value.error_dict["due_date"]] == ["due_past"]
    task = services.create_task(access_of(c.supervisor_1), title="Laporan", due_date=timezone.localdate())
    # A task that became late keeps its date when something else changes; a new past date is refused.
    Task.objects.filter(pk=task.pk).update(due_date=yesterday)
    task.refresh_from_db()
    services.update_task(access_of(c.supervisor_1), task, title="Laporan bulanan", due_date=yesterday)
    with pytest.raises(ValidationError):
        services.update_task(
            access_of(c.supervisor_1), task, title="Laporan bulanan", due_date=yesterday - timedelta(days=1)
        )


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_task_overdue_at_creation_is_refused_on_the_page(cast, login, language):
    yesterday = timezone.localdate() - timedelta(days=1)
    response = login("supervisor_1", language).post(
        "/tasks/new/",
        {
            "title": "Laporan",
            "priority": "normal",
            "due_date": yesterday.isoformat(),
            "assignees": [cast.officer_1.pk],
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_due_date_error"' in page
    assert say(language, DUE_PAST) % {"date": f"{yesterday:%d/%m/%Y}"} in page
    with schema_context(cast.agency.schema_name):
        assert not Task.objects.exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_task_overdue_at_creation_is_refused_by_the_api(cast, login, language):
    yesterday = timezone.localdate() - timedelta(days=1)
    response = login("officer_1", language).post(
        "/api/v1/tasks/",
        {"title": "Laporan", "due_date": yesterday.isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "code", "fields"} and body["code"] == "invalid"
    assert body["fields"]["due_date"] == [say(language, DUE_PAST) % {"date": f"{yesterday:%d/%m/%Y}"}]
    with schema_context(cast.agency.schema_name):
        assert not Task.objects.exists()


def test_a_task_i_created_shows_on_my_own_board(cast, login):
    with schema_context(cast.agency.schema_name):
        handed_out = services.create_task(
            access_of(cast.supervisor_1), title="Sediakan laporan suku tahun", assignees=[cast.officer_1]
        )
        own = services.create_task(access_of(cast.officer_1), title="Kemas kini fail peribadi")
    board = login("supervisor_1", "en").get("/tasks/").content.decode()
    assert f'id="task-{handed_out.pk}"' in board and "Sediakan laporan suku tahun" in board
    assert 'data-handed-out="1"' in board, "marked as handed out to someone else"
    officer_board = login("officer_1", "en").get("/tasks/").content.decode()
    assert f'id="task-{handed_out.pk}"' in officer_board and f'id="task-{own.pk}"' in officer_board
    assert 'data-handed-out="1"' not in officer_board
    # Another supervisor's board does not show it.
    assert f'id="task-{handed_out.pk}"' not in login("supervisor_2", "en").get("/tasks/").content.decode()
