"""Papan Tugasan: who may assign to whom, the status table, comments and their notifications,
overdue tasks, attachments; and the whole "assign → Selesai" path through the pages."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import schema_context

from tenant_apps.notifications.models import Kind, Notification
from tenant_apps.organisation.models import AgencyProfile
from tenant_apps.tasks import services
from tenant_apps.tasks.models import Status, Task
from tests.fixtures.agencies import PASSWORD

from .conftest import access_of

TODAY = timezone.localdate


def notes(officer, kind=None):
    qs = Notification.objects.filter(recipient=officer.user)
    if kind:
        qs = qs.filter(kind=kind)
    return list(qs.values_list("kind", "url"))


def assign(by, *to, **fields):
    fields.setdefault("title", "Sediakan kertas cadangan")
    return services.create_task(access_of(by), assignees=list(to), **fields)


# --- assignment -----------------------------------------------------------------------------------


def test_a_supervisor_assigns_to_supervisees_and_they_are_told(in_agency):
    c = in_agency
    task = assign(c.supervisor_1, c.officer_1, due_date=TODAY(), priority="high")
    assert list(task.assignees.all()) == [c.officer_1] and task.created_by == c.supervisor_1
    assert task.status == Status.NEW
    assert notes(c.officer_1) == [(Kind.TASK_ASSIGNED, f"/tasks/{task.pk}/")]
    assert notes(c.supervisor_1) == [], "the one who assigns is not told"


def test_assigning_outside_ones_supervisees_is_refused(in_agency):
    c = in_agency
    for by, to in [
        (c.supervisor_1, c.officer_2),  # another supervisor's officer
        (c.supervisor_1, c.officer_3),  # below the chain, while the agency shows direct supervisees only
        (c.officer_1, c.officer_3),  # supervises officer_3 on paper but holds no supervisor role
        (c.executive, c.officer_1),
        (c.admin, c.officer_1),
    ]:
        with pytest.raises(ValidationError) as err:
            assign(by, to)
        assert err.value.error_dict["assignees"][0].code == "not_supervisee", (by, to)
    assert Task.objects.count() == 0 and Notification.objects.count() == 0

    AgencyProfile.objects.update(supervisor_sees_chain=True)
    assert list(assign(c.supervisor_1, c.officer_1, c.officer_3).assignees.order_by("pk")) == [
        c.officer_1,
        c.officer_3,
    ]


def test_an_officer_creates_their_own_task_without_notifying_themself(in_agency):
    task = services.create_task(access_of(in_agency.officer_2), title="Kemas kini fail")
    assert list(task.assignees.all()) == [in_agency.officer_2]
    assert Notification.objects.count() == 0


def test_adding_an_assignee_later_notifies_only_the_new_one(in_agency):
    c = in_agency
    AgencyProfile.objects.update(supervisor_sees_chain=True)
    task = assign(c.supervisor_1, c.officer_1)
    services.update_task(
        access_of(c.supervisor_1), task, title="Baharu", assignees=[c.officer_1, c.officer_3]
    )
    assert len(notes(c.officer_1)) == 1 and len(notes(c.officer_3)) == 1
    with pytest.raises(PermissionDenied):
        services.update_task(access_of(c.officer_1), task, title="Diubah oleh pegawai")


# --- status transitions ---------------------------------------------------------------------------

ALLOWED = {
    ("baru", "dalam_tindakan"),
    ("baru", "selesai"),
    ("dalam_tindakan", "selesai"),
    ("baru", "dibatalkan"),
    ("dalam_tindakan", "dibatalkan"),
    ("selesai", "dalam_tindakan"),
}
REFUSED = sorted(set(itertools.product(Status.values, [*Status.values, "siap", ""])) - ALLOWED)


def task_in(status, by, to):
    task = assign(by, to)
    Task.objects.filter(pk=task.pk).update(status=status)
    task.refresh_from_db()
    return task


def test_the_transition_table_is_the_documented_one():
    assert set(services.TRANSITIONS) == ALLOWED


@pytest.mark.parametrize(("frm", "to"), sorted(ALLOWED))
def test_every_allowed_transition(in_agency, frm, to):
    c = in_agency
    task = services.transition(access_of(c.supervisor_1), task_in(frm, c.supervisor_1, c.officer_1), to)
    task.refresh_from_db()
    assert task.status == to
    assert (task.completed_at is not None) == (to == Status.DONE)


@pytest.mark.parametrize(("frm", "to"), REFUSED)
def test_every_other_transition_is_refused(in_agency, frm, to):
    c = in_agency
    task = task_in(frm, c.supervisor_1, c.officer_1)
    with pytest.raises(ValidationError) as err:
        services.transition(access_of(c.officer_1), task, to)
    assert err.value.code == "invalid_transition"
    task.refresh_from_db()
    assert task.status == frm


def test_assignees_work_the_task_and_only_the_assigner_cancels_or_reopens(in_agency):
    c = in_agency
    task = assign(c.supervisor_1, c.officer_1)
    officer = access_of(c.officer_1)
    assert services.allowed_moves(officer, task) == ["dalam_tindakan", "selesai"]
    with pytest.raises(PermissionDenied):
        services.transition(officer, task, "dibatalkan")
    task = services.transition(officer, task, "selesai")
    with pytest.raises(PermissionDenied):
        services.transition(officer, task, "dalam_tindakan")
    assert services.allowed_moves(access_of(c.supervisor_1), task) == ["dalam_tindakan"]
    task = services.transition(access_of(c.supervisor_1), task, "dalam_tindakan")
    assert task.status == "dalam_tindakan" and task.completed_at is None
    # An officer's own task: they are its assigner too.
    own = services.create_task(officer, title="Sendiri")
    assert services.transition(officer, own, "dibatalkan").status == "dibatalkan"


# --- comments -------------------------------------------------------------------------------------


def test_comments_notify_assignees_and_creator_but_never_the_author(in_agency):
    c = in_agency
    AgencyProfile.objects.update(supervisor_sees_chain=True)
    task = assign(c.supervisor_1, c.officer_1, c.officer_3)
    Notification.objects.all().delete()

    services.add_comment(access_of(c.officer_1), task, "Draf pertama telah siap")
    assert notes(c.officer_1) == []
    assert notes(c.officer_3) == [(Kind.TASK_COMMENTED, f"/tasks/{task.pk}/")]
    assert notes(c.supervisor_1) == [(Kind.TASK_COMMENTED, f"/tasks/{task.pk}/")]

    Notification.objects.all().delete()
    services.add_comment(access_of(c.supervisor_1), task, "Terima kasih")
    assert notes(c.supervisor_1) == []
    assert len(notes(c.officer_1, Kind.TASK_COMMENTED)) == 1 and len(notes(c.officer_3)) == 1
    assert notes(c.officer_2) == [] and notes(c.supervisor_2) == []

    with pytest.raises(PermissionDenied):
        services.add_comment(access_of(c.supervisor_2), task, "Bukan tugasan saya")
    with pytest.raises(ValidationError):
        services.add_comment(access_of(c.officer_1), task, "   ")


# --- overdue --------------------------------------------------------------------------------------


def test_overdue_means_open_and_past_its_due_date(in_agency):
    c = in_agency
    yesterday = TODAY() - timedelta(days=1)

    def became_late(task):  # due today when it was made; the day has passed since
        Task.objects.filter(pk=task.pk).update(due_date=yesterday)
        task.refresh_from_db()
        return task

    late = became_late(assign(c.supervisor_1, c.officer_1, due_date=TODAY()))
    on_time = assign(c.supervisor_1, c.officer_1, due_date=TODAY())
    no_date = assign(c.supervisor_1, c.officer_1)
    done = services.transition(
        access_of(c.officer_1), became_late(assign(c.supervisor_1, c.officer_1, due_date=TODAY())), "selesai"
    )
    assert late.is_overdue() and not on_time.is_overdue() and not no_date.is_overdue()
    assert not done.is_overdue()


# --- attachments ----------------------------------------------------------------------------------

PDF = b"%PDF-1.4\n%minimal\n"


def test_attachments_are_checked(in_agency):
    c = in_agency
    task = assign(c.supervisor_1, c.officer_1)
    ok = services.add_attachment(
        access_of(c.officer_1), task, SimpleUploadedFile("laporan.pdf", PDF, content_type="application/pdf")
    )
    assert ok.size == len(PDF)
    for upload, code in [
        (SimpleUploadedFile("virus.exe", b"MZ\x90\x00", content_type="application/pdf"), "attachment_type"),
        (SimpleUploadedFile("palsu.pdf", b"MZ\x90\x00not a pdf"), "attachment_type"),
        (SimpleUploadedFile("besar.pdf", PDF + b"0" * (10 * 1024 * 1024)), "attachment_size"),
    ]:
        with pytest.raises(ValidationError) as err:
            services.add_attachment(access_of(c.officer_1), task, upload)
        assert err.value.code == code


# --- through the pages and the API ----------------------------------------------------------------


@pytest.fixture
def clients(cast, client_for):
    def login(name):
        client = client_for(cast.agency)
        client.login_as(cast.LOGINS[name], PASSWORD)
        client.cookies["spotme_lang"] = "en"
        return client

    return login


def test_supervisor_assigns_and_the_officer_moves_it_to_selesai(cast, clients):
    supervisor, officer = clients("supervisor_1"), clients("officer_1")
    due = f"{TODAY():%Y-%m-%d}"  # a past date is refused at creation (issue 18)
    response = supervisor.post(
        "/tasks/new/",
        {
            "title": "Kemas kini portal",
            "description": "Halaman utama",
            "due_date": due,
            "priority": "urgent",
            "assignees": [cast.officer_1.pk],
        },
    )
    assert response.status_code == 302
    with schema_context(cast.agency.schema_name):
        task = Task.objects.get()
        assert notes(cast.officer_1) == [(Kind.TASK_ASSIGNED, f"/tasks/{task.pk}/")]
        Task.objects.filter(pk=task.pk).update(due_date=TODAY() - timedelta(days=1))  # days went by

    board = officer.get("/tasks/").content.decode()
    card = board[board.index(f'id="task-{task.pk}"') :]
    assert 'data-status="baru" data-overdue="1"' in card[:200]
    assert 'name="status" value="selesai"' in card and 'value="dibatalkan"' not in card.split("</article>")[0]

    response = officer.post(f"/tasks/{task.pk}/status/", {"status": "selesai", "next": "/tasks/"})
    assert response.status_code == 302 and response["Location"] == "/tasks/"
    board = officer.get("/tasks/").content.decode()
    column = board[board.index('id="column-selesai"') :]
    assert f'id="task-{task.pk}"' in column and 'data-overdue="0"' in column
    team = supervisor.get("/tasks/?scope=team").content.decode()
    assert f'id="task-{task.pk}"' in team[team.index('id="column-selesai"') :]

    # Selesai → Baru is not in the table: refused with a message, nothing changes.
    response = supervisor.post(f"/tasks/{task.pk}/status/", {"status": "baru"}, follow=True)
    assert b"cannot go from" in response.content
    with schema_context(cast.agency.schema_name):
        assert Task.objects.get().status == "selesai"


def test_a_supervisor_cannot_assign_another_teams_officer_on_the_page(cast, clients):
    response = clients("supervisor_1").post(
        "/tasks/new/", {"title": "X", "priority": "normal", "assignees": [cast.officer_2.pk]}
    )
    assert response.status_code == 400 and b'id="id_assignees_error"' in response.content


def test_api_tasks_transition_comments(cast, clients):
    supervisor, officer = clients("supervisor_1"), clients("officer_1")
    refused = supervisor.post(
        "/api/v1/tasks/", {"title": "X", "assignees": [cast.officer_2.pk]}, content_type="application/json"
    )
    assert refused.status_code == 400 and "assignees" in refused.json()["fields"]
    created = supervisor.post(
        "/api/v1/tasks/",
        {"title": "Audit aset", "assignees": [cast.officer_1.pk], "priority": "high"},
        content_type="application/json",
    )
    assert created.status_code == 201
    task = created.json()
    assert task["status"] == "baru" and task["is_overdue"] is False

    bad = officer.post(
        f"/api/v1/tasks/{task['id']}/transition/", {"status": "dibatalkan"}, "application/json"
    )
    assert bad.status_code == 403
    invalid = officer.post(f"/api/v1/tasks/{task['id']}/transition/", {"status": "baru"}, "application/json")
    assert invalid.status_code == 400 and invalid.json()["code"] == "invalid_transition"
    moved = officer.post(
        f"/api/v1/tasks/{task['id']}/transition/", {"status": "dalam_tindakan"}, "application/json"
    )
    assert moved.status_code == 200 and moved.json()["status"] == "dalam_tindakan"

    comment = officer.post(
        f"/api/v1/tasks/{task['id']}/comments/", {"body": "Sedang berjalan"}, "application/json"
    )
    assert comment.status_code == 201
    assert [c["body"] for c in supervisor.get(f"/api/v1/tasks/{task['id']}/comments/").json()] == [
        "Sedang berjalan"
    ]
    with schema_context(cast.agency.schema_name):
        assert notes(cast.supervisor_1) == [(Kind.TASK_COMMENTED, f"/tasks/{task['id']}/")]

    upload = officer.post(
        f"/api/v1/tasks/{task['id']}/attachments/", {"file": SimpleUploadedFile("a.pdf", PDF)}
    )
    assert upload.status_code == 201
    download = supervisor.get(upload.json()["url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert clients("supervisor_2").get(upload.json()["url"]).status_code == 404

    assert [t["id"] for t in officer.get("/api/v1/tasks/").json()["results"]] == [task["id"]]
    assert [t["id"] for t in supervisor.get("/api/v1/tasks/?scope=team").json()["results"]] == [task["id"]]
    assert supervisor.get("/api/v1/tasks/").json()["results"] == [], "mine: assigned to me"
    assert clients("supervisor_2").get(f"/api/v1/tasks/{task['id']}/").status_code == 404


def test_the_schema_lists_the_task_endpoints(cast, clients):
    schema = clients("officer_1").get("/api/schema/").content.decode()
    for path in (
        "/api/v1/task-log/entries/",
        "/api/v1/task-log/reviews/",
        "/api/v1/tasks/",
        "/api/v1/tasks/{id}/transition/",
        "/api/v1/tasks/{id}/comments/",
    ):
        assert path in schema


def test_the_team_board_costs_the_same_queries_for_more_cards(cast, clients):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    supervisor = clients("supervisor_1")

    def queries_with(n):
        with schema_context(cast.agency.schema_name):
            for i in range(n):
                assign(cast.supervisor_1, cast.officer_1, title=f"Tugasan {i}")
        with CaptureQueriesContext(connection) as captured:
            assert supervisor.get("/tasks/?scope=team").status_code == 200
        return len(captured)

    assert queries_with(2) == queries_with(8)
