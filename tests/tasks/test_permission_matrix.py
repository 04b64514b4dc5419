"""Task-log and task-board pages and endpoints for every role (see tests/people/test_permission_matrix.py).

The target "{t}" is officer_1 (supervised by supervisor_1; the "officer" role is officer_1 itself).
"{e}" is a log entry of officer_1 today, "{k}" a task supervisor_1 assigned to officer_1, "{a}" a file
on it. Tasks and logs are the supervisor's business: executives and org admins reach only their own."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tenants.utils import schema_context

from tenant_apps.tasks import services
from tenant_apps.tasks.models import TaskLogEntry
from tests.fixtures.people import ROLES, walk_matrix

from .conftest import access_of

ANON, OUT = 302, 403


def page(**kw):
    return dict(dict(anonymous=ANON, other_agency=ANON), **kw)


def api(**kw):
    return dict(dict(anonymous=OUT, other_agency=OUT), **kw)


def everyone(make, status):
    return make(**{r: status for r in ROLES[2:]})


# Reaches the target: officer_1 itself and its supervisor; nobody else (404: it does not exist for them).
def target(make, own, supervisor, others=404):
    return make(
        officer=own,
        supervisor_of_target=supervisor,
        supervisor_other=others,
        executive=others,
        org_admin=others,
    )


SUPERVISOR_PAGE = page(
    officer=403, supervisor_of_target=200, supervisor_other=200, executive=403, org_admin=403
)

MATRIX = [
    ("GET", "/tasks/log/", everyone(page, 200)),
    ("GET", "/tasks/log/{e}/edit/", target(page, 200, 404)),
    ("POST", "/tasks/log/{e}/delete/", target(page, 302, 404)),
    ("GET", "/tasks/log/team/", SUPERVISOR_PAGE),
    (
        "POST",
        "/tasks/log/team/review/",
        page(officer=403, supervisor_of_target=302, supervisor_other=404, executive=403, org_admin=403),
    ),
    ("GET", "/tasks/", everyone(page, 200)),
    ("GET", "/tasks/?officer={t}", target(page, 200, 200)),
    ("GET", "/tasks/?scope=team", SUPERVISOR_PAGE),
    ("GET", "/tasks/new/", everyone(page, 200)),
    ("POST", "/tasks/new/", everyone(page, 302)),
    ("GET", "/tasks/{k}/", target(page, 200, 200)),
    ("GET", "/tasks/{k}/edit/", target(page, 403, 200)),
    ("POST", "/tasks/{k}/status/", target(page, 302, 302)),
    ("POST", "/tasks/{k}/comments/", target(page, 302, 302)),
    ("GET", "/tasks/attachments/{a}/", target(page, 200, 200)),
    ("GET", "/api/v1/task-log/entries/", everyone(api, 200)),
    ("POST", "/api/v1/task-log/entries/", everyone(api, 201)),
    ("GET", "/api/v1/task-log/entries/?officer={t}", target(api, 200, 200)),
    ("GET", "/api/v1/task-log/entries/{e}/", target(api, 200, 200)),
    ("PATCH", "/api/v1/task-log/entries/{e}/", target(api, 200, 404)),
    ("DELETE", "/api/v1/task-log/entries/{e}/", target(api, 204, 404)),
    ("GET", "/api/v1/task-log/reviews/", everyone(api, 200)),
    ("GET", "/api/v1/task-log/reviews/?officer={t}", target(api, 200, 200)),
    (
        "POST",
        "/api/v1/task-log/reviews/",
        api(officer=403, supervisor_of_target=201, supervisor_other=404, executive=403, org_admin=403),
    ),
    ("GET", "/api/v1/tasks/", everyone(api, 200)),
    ("POST", "/api/v1/tasks/", everyone(api, 201)),
    ("GET", "/api/v1/tasks/?officer={t}", target(api, 200, 200)),
    ("GET", "/api/v1/tasks/{k}/", target(api, 200, 200)),
    ("PATCH", "/api/v1/tasks/{k}/", target(api, 403, 200)),
    ("POST", "/api/v1/tasks/{k}/transition/", target(api, 200, 200)),
    ("GET", "/api/v1/tasks/{k}/comments/", target(api, 200, 200)),
    ("POST", "/api/v1/tasks/{k}/comments/", target(api, 201, 201)),
]


@pytest.fixture
def objects(cast):
    with schema_context(cast.agency.schema_name):
        entry = services.save_log_entry(
            cast.officer_1,
            TaskLogEntry(),
            date=timezone.localdate(),
            description="Menyediakan minit mesyuarat",
            minutes=90,
        )
        task = services.create_task(
            access_of(cast.supervisor_1), title="Sediakan laporan", assignees=[cast.officer_1]
        )
        attachment = services.add_attachment(
            access_of(cast.supervisor_1), task, SimpleUploadedFile("brief.pdf", b"%PDF-1.4\n")
        )
    return {"e": entry.pk, "k": task.pk, "a": attachment.pk}


@pytest.mark.parametrize("role", ROLES)
def test_task_permission_matrix(cast, objects, client_as, role):
    today = f"{timezone.localdate():%Y-%m-%d}"
    bodies = {
        ("POST", "/tasks/log/team/review/"): {"officer": cast.officer_1.pk, "date": today, "period": "day"},
        ("POST", "/tasks/new/"): {"title": "Tugasan sendiri", "priority": "normal"},
        ("POST", "/tasks/log/{e}/delete/"): {"confirmed": "yes"},
        ("POST", "/tasks/{k}/status/"): {"status": "dalam_tindakan"},
        ("POST", "/tasks/{k}/comments/"): {"body": "Baik"},
        ("POST", "/api/v1/task-log/entries/"): {"date": today, "description": "Kerja", "minutes": 30},
        ("PATCH", "/api/v1/task-log/entries/{e}/"): {"minutes": 60},
        ("POST", "/api/v1/task-log/reviews/"): {"officer": cast.officer_1.pk, "date": today},
        ("POST", "/api/v1/tasks/"): {"title": "Tugasan sendiri"},
        ("PATCH", "/api/v1/tasks/{k}/"): {"title": "Tajuk baharu"},
        ("POST", "/api/v1/tasks/{k}/transition/"): {"status": "dalam_tindakan"},
        ("POST", "/api/v1/tasks/{k}/comments/"): {"body": "Baik"},
    }
    walk_matrix(client_as(role), role, MATRIX, bodies, t=cast.officer_1.pk, **objects)
