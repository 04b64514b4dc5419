"""Who reaches which task-log entries and tasks, on top of the people access layer.

Tasks and task logs are the supervisor's business ("menyelia tugas"): an officer reaches their own,
a supervisor also their supervisees' (direct, or the whole chain if the agency says so). Executives
and organisation administrators reach only their own here: agency-wide figures belong in reports,
not in reading every officer's notes."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from tenant_apps.people.access import Access
from tenant_apps.people.models import Officer

from .models import Task


def supervisee_ids(access: Access):
    if access.officer is None or not access.is_supervisor:
        return Officer.objects.none().values("pk")
    ids = access.supervisee_ids()
    return ids if isinstance(ids, QuerySet) else Officer.objects.none().values("pk")


def log_officers(access: Access) -> QuerySet[Officer]:
    """Officers whose task log this person may read: themself and their supervisees."""
    qs = Officer.objects.select_related("user")
    if access.officer is None:
        return qs.none()
    return qs.filter(Q(pk=access.officer.pk) | Q(pk__in=supervisee_ids(access)))


def supervisees(access: Access) -> QuerySet[Officer]:
    """Officers this person supervises (reviews their logs, assigns them tasks)."""
    return Officer.objects.select_related("user").filter(pk__in=supervisee_ids(access), user__is_active=True)


def assignable_officers(access: Access) -> QuerySet[Officer]:
    """Who this person may put on a task: themself (an own task) and their active supervisees."""
    if access.officer is None:
        return Officer.objects.none()
    return Officer.objects.select_related("user").filter(
        Q(pk=access.officer.pk) | Q(pk__in=supervisee_ids(access), user__is_active=True)
    )


def visible_tasks(access: Access) -> QuerySet[Task]:
    """Tasks this person created or is assigned, and tasks of their supervisees."""
    me = access.officer
    if me is None:
        return Task.objects.none()
    reach = Q(assignees=me) | Q(created_by=me) | Q(assignees__in=supervisee_ids(access))
    return Task.objects.filter(pk__in=Task.objects.filter(reach).values("pk"))


class TaskRights:
    """What one person may do to tasks. The supervisee ids are read once, and a task's assignees come
    from its prefetched list when there is one, so a board of many cards costs no query per card."""

    def __init__(self, access: Access):
        self.me = access.officer
        self.supervisees = set(supervisee_ids(access).values_list("pk", flat=True)) if self.me else set()

    def _assignee_ids(self, task: Task) -> set[int]:
        return {o.pk for o in task.assignees.all()}

    def can_manage(self, task: Task) -> bool:
        """Edit, cancel and reopen: the creator, or a supervisor of one of the assignees."""
        if self.me is None:
            return False
        return task.created_by_id == self.me.pk or bool(self._assignee_ids(task) & self.supervisees)

    def can_work(self, task: Task) -> bool:
        """Move the task along (start, finish): the assignees and whoever manages it."""
        if self.me is None:
            return False
        return self.me.pk in self._assignee_ids(task) or self.can_manage(task)


def can_manage(access: Access, task: Task) -> bool:
    return TaskRights(access).can_manage(task)


def can_work(access: Access, task: Task) -> bool:
    return TaskRights(access).can_work(task)
