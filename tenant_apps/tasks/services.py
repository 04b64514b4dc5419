"""Every write of the task log and the task board: validate, write and notify in one transaction
(django-auditlog records the rows). Views and the API only parse, call one of these, and render.

Errors are Django ValidationErrors with a code (`future`, `window_closed`, `reviewed`, `day_total`,
`not_supervisee`, `invalid_transition`, …) and a translated message; a person acting outside their
reach gets PermissionDenied."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tenant_apps.notifications.models import Kind
from tenant_apps.notifications.services import notify
from tenant_apps.organisation.models import AgencyProfile
from tenant_apps.people.access import Access
from tenant_apps.people.models import Officer

from . import bounds, corrections, reach
from .models import (
    MINUTES_PER_DAY,
    Status,
    Task,
    TaskAttachment,
    TaskComment,
    TaskLogEntry,
    TaskLogReview,
)

DEFAULT_EDIT_DAYS = 3

# --- the daily task log ---------------------------------------------------------------------------


def edit_days() -> int:
    profile = AgencyProfile.current()
    return profile.task_log_edit_days if profile is not None else DEFAULT_EDIT_DAYS


def first_editable_day(today: date | None = None) -> date:
    today = today or timezone.localdate()
    return today - timedelta(days=edit_days())


def week_of(day: date) -> tuple[date, date]:
    """Monday to Sunday around `day`."""
    start = day - timedelta(days=day.weekday())
    return start, start + timedelta(days=6)


def is_reviewed(officer: Officer, day: date) -> bool:
    return TaskLogReview.objects.filter(officer=officer, date=day).exists()


def day_editable(officer: Officer, day: date, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return first_editable_day(today) <= day <= today and not is_reviewed(officer, day)


def _check_day_open(officer: Officer, day: date, today: date) -> None:
    if day > today:
        raise ValidationError({"date": ValidationError(_("The log cannot be written ahead."), code="future")})
    if day < first_editable_day(today):
        raise ValidationError(
            {
                "date": ValidationError(
                    _("The log of %(date)s can no longer be changed (it stays open for %(days)s days).")
                    % {"date": f"{day:%d/%m/%Y}", "days": edit_days()},
                    code="window_closed",
                )
            }
        )
    if is_reviewed(officer, day):
        raise ValidationError(
            {
                "date": ValidationError(
                    _("Your supervisor has reviewed the log of %(date)s; it can no longer be changed.")
                    % {"date": f"{day:%d/%m/%Y}"},
                    code="reviewed",
                )
            }
        )


def save_log_entry(
    officer: Officer,
    entry: TaskLogEntry,
    *,
    date: date,
    description: str,
    minutes: int,
    task: Task | None = None,
    today: date | None = None,
) -> TaskLogEntry:
    """Add (entry without pk) or change one entry of `officer`'s own log."""
    today = today or timezone.localdate()
    if entry.pk is not None and entry.officer_id != officer.pk:
        raise PermissionDenied
    description = (description or "").strip()
    errors: dict[str, ValidationError] = {}
    if not description:
        errors["description"] = ValidationError(_("Say what was done."), code="required")
    if minutes is None or not 1 <= minutes <= MINUTES_PER_DAY:
        errors["minutes"] = ValidationError(
            _("Time spent is between 1 minute and 24 hours (1440 minutes)."), code="minutes"
        )
    if task is not None and not Task.objects.filter(pk=task.pk, assignees=officer).exists():
        errors["task"] = ValidationError(_("Choose one of your own tasks."), code="task")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # One officer's log is written by one request at a time, so the day's total holds.
        Officer.objects.select_for_update().filter(pk=officer.pk).first()
        stored = TaskLogEntry.objects.get(pk=entry.pk) if entry.pk is not None else None
        returned = stored is not None and corrections.is_returned(stored)
        if stored is not None and not returned:
            _check_day_open(officer, stored.date, today)
        if not (returned and date == stored.date):
            # A returned entry is corrected on its own day whatever the window (its supervisor asked).
            _check_day_open(officer, date, today)
        others = TaskLogEntry.objects.filter(officer=officer, date=date).exclude(pk=entry.pk)
        used = others.aggregate(total=Sum("minutes"))["total"] or 0
        # At most 24 hours, and no more than the time from the day's clock-in (bounds.py).
        refused = bounds.refusal(officer, date, used, minutes)
        if refused:
            raise ValidationError({"minutes": ValidationError(refused, code="day_total")})
        entry.officer = officer
        entry.date = date
        entry.description = description
        entry.minutes = minutes
        entry.task = task
        if returned:
            entry.returned_by = stored.returned_by
            corrections.mark_corrected(entry)
        entry.save()
        entry.warning = bounds.warning(officer, date, used + minutes)
    return entry


def delete_log_entry(officer: Officer, entry: TaskLogEntry, *, today: date | None = None) -> None:
    if entry.officer_id != officer.pk:
        raise PermissionDenied
    with transaction.atomic():
        _check_day_open(officer, entry.date, today or timezone.localdate())
        entry.delete()


def review_task_log(
    access: Access, officer: Officer, days: Iterable[date], *, comment: str = ""
) -> list[TaskLogReview]:
    """Mark `officer`'s log reviewed on each of `days` that has entries (a day, or a week's days).
    Reviewing again replaces the comment."""
    if access.officer is None or not reach.supervisees(access).filter(pk=officer.pk).exists():
        raise PermissionDenied
    days = sorted(set(days))
    logged = set(
        TaskLogEntry.objects.filter(officer=officer, date__in=days).values_list("date", flat=True).distinct()
    )
    if not logged:
        raise ValidationError(_("There is nothing logged to review."), code="empty")
    corrections.check_nothing_waiting(officer, logged)
    reviews = []
    with transaction.atomic():
        for day in sorted(logged):
            review, created = TaskLogReview.objects.get_or_create(
                officer=officer,
                date=day,
                defaults={"reviewer": access.officer, "comment": (comment or "").strip()},
            )
            if not created:
                review.reviewer = access.officer
                review.comment = (comment or "").strip()
                review.save()
            reviews.append(review)
        corrections.tell_of_review(access.officer, officer, sorted(logged), comment)
    return reviews


# --- the task board -------------------------------------------------------------------------------

# Who may make each move: WORK — the assignees and whoever manages the task; MANAGE — the creator or a
# supervisor of an assignee. Any pair not listed is refused with `invalid_transition`.
WORK, MANAGE = "work", "manage"
TRANSITIONS: dict[tuple[str, str], str] = {
    (Status.NEW, Status.IN_PROGRESS): WORK,
    (Status.NEW, Status.DONE): WORK,
    (Status.IN_PROGRESS, Status.DONE): WORK,
    (Status.NEW, Status.CANCELLED): MANAGE,
    (Status.IN_PROGRESS, Status.CANCELLED): MANAGE,
    (Status.DONE, Status.IN_PROGRESS): MANAGE,  # reopen
}


def allowed_moves(access: Access, task: Task, rights: reach.TaskRights | None = None) -> list[str]:
    """The statuses this person may move the task to now (for the buttons)."""
    rights = rights or reach.TaskRights(access)
    manage = rights.can_manage(task)
    work = manage or rights.can_work(task)
    return [
        to
        for (frm, to), who in TRANSITIONS.items()
        if frm == task.status and (manage if who == MANAGE else work)
    ]


MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
# Extension → the file's first bytes (the declared type must match the content).
_PDF, _ZIP, _OLE = (b"%PDF",), (b"PK\x03\x04",), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
ATTACHMENT_TYPES: dict[str, tuple[bytes, ...]] = {
    "pdf": _PDF,
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "webp": (b"RIFF",),
    "docx": _ZIP,
    "xlsx": _ZIP,
    "pptx": _ZIP,
    "odt": _ZIP,
    "ods": _ZIP,
    "odp": _ZIP,
    "doc": _OLE,
    "xls": _OLE,
    "ppt": _OLE,
}


def check_attachment(upload) -> None:
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError(_("An attachment may be at most 10 MB."), code="attachment_size")
    ext = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    signatures = ATTACHMENT_TYPES.get(ext)
    head = upload.read(8)
    upload.seek(0)
    if not signatures or not any(head.startswith(sig) for sig in signatures):
        raise ValidationError(
            _(
                "Attach a PDF, an image (PNG, JPEG, GIF, WebP) "
                "or an office document (Word, Excel, PowerPoint)."
            ),
            code="attachment_type",
        )


def _add_attachments(task: Task, officer: Officer, files) -> None:
    for upload in files:
        TaskAttachment.objects.create(
            task=task, file=upload, name=upload.name[:255], size=upload.size, uploaded_by=officer
        )


def _task_url(task: Task) -> str:
    return f"/tasks/{task.pk}/"


def _notify_assigned(task: Task, officers: Iterable[Officer], actor: Officer) -> None:
    for officer in officers:
        if officer.pk == actor.pk:
            continue
        notify(
            officer.user,
            Kind.TASK_ASSIGNED,
            gettext_lazy("%(name)s assigned you a task: %(title)s"),
            url=_task_url(task),
            name=actor.user.get_full_name(),
            title=task.title,
        )


def _check_task(
    access: Access,
    title: str,
    new_assignees: Iterable[Officer],
    *,
    due_date: date | None = None,
    check_due: bool = True,
) -> str:
    """`check_due`: the due date is new (a task created, or its due date changed); a task that is
    already late keeps its date when other fields change."""
    errors: dict[str, ValidationError] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = ValidationError(_("Give the task a title."), code="required")
    if check_due and due_date is not None and due_date < timezone.localdate():
        errors["due_date"] = ValidationError(
            _("The due date %(date)s has already passed: give today or a later day.")
            % {"date": f"{due_date:%d/%m/%Y}"},
            code="due_past",
        )
    allowed = set(reach.assignable_officers(access).values_list("pk", flat=True))
    if any(o.pk not in allowed for o in new_assignees):
        errors["assignees"] = ValidationError(
            _("Tasks can be assigned only to your own supervisees (or to yourself)."), code="not_supervisee"
        )
    if errors:
        raise ValidationError(errors)
    return title


def create_task(
    access: Access,
    *,
    title: str,
    description: str = "",
    due_date: date | None = None,
    priority: str = "normal",
    assignees: Iterable[Officer] = (),
    files=(),
) -> Task:
    """A supervisor assigns a task to one or more supervisees; without assignees, an officer's own."""
    me = access.officer
    if me is None:
        raise PermissionDenied
    assignees = list(assignees) or [me]
    title = _check_task(access, title, assignees, due_date=due_date)
    for upload in files:
        check_attachment(upload)
    with transaction.atomic():
        task = Task.objects.create(
            title=title,
            description=(description or "").strip(),
            due_date=due_date,
            priority=priority,
            created_by=me,
        )
        task.assignees.set(assignees)
        _add_attachments(task, me, files)
        _notify_assigned(task, assignees, me)
    return task


def update_task(
    access: Access,
    task: Task,
    *,
    title: str,
    description: str = "",
    due_date: date | None = None,
    priority: str = "normal",
    assignees: Iterable[Officer] = (),
) -> Task:
    """Change a task (its creator or a supervisor of an assignee). Officers newly put on it are told.
    Assignees already on the task stay allowed even if they have since moved to another supervisor."""
    if not reach.can_manage(access, task):
        raise PermissionDenied
    current = {o.pk: o for o in task.assignees.all()}
    assignees = list(assignees) or list(current.values())
    added = [o for o in assignees if o.pk not in current]
    title = _check_task(access, title, added, due_date=due_date, check_due=due_date != task.due_date)
    with transaction.atomic():
        task.title = title
        task.description = (description or "").strip()
        task.due_date = due_date
        task.priority = priority
        task.save()
        task.assignees.set(assignees)
        _notify_assigned(task, added, access.officer)
    return task


def transition(access: Access, task: Task, to: str) -> Task:
    """Move a task to another status, by the table above."""
    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=task.pk)
        who = TRANSITIONS.get((task.status, to))
        if who is None:
            raise ValidationError(
                _("A task cannot go from “%(from)s” to “%(to)s”.")
                % {"from": Status(task.status).label, "to": Status(to).label if to in Status.values else to},
                code="invalid_transition",
            )
        allowed = reach.can_manage(access, task) if who == MANAGE else reach.can_work(access, task)
        if not allowed:
            raise PermissionDenied(_("Only the person who assigned the task or a supervisor may do this."))
        task.status = to
        task.completed_at = timezone.now() if to == Status.DONE else None
        task.save(update_fields=["status", "completed_at", "updated_at"])
    return task


def add_comment(access: Access, task: Task, body: str) -> TaskComment:
    """A comment from anyone who reaches the task; the assignees and the creator are told (never the
    author)."""
    me = access.officer
    if me is None or not reach.visible_tasks(access).filter(pk=task.pk).exists():
        raise PermissionDenied
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": ValidationError(_("Write a comment."), code="required")})
    with transaction.atomic():
        comment = TaskComment.objects.create(task=task, author=me, body=body)
        people = {o.pk: o for o in task.assignees.select_related("user")}
        people.setdefault(task.created_by_id, task.created_by)
        for officer in people.values():
            if officer.pk == me.pk:
                continue
            notify(
                officer.user,
                Kind.TASK_COMMENTED,
                gettext_lazy("%(name)s commented on the task: %(title)s"),
                url=_task_url(task),
                name=me.user.get_full_name(),
                title=task.title,
            )
    return comment


def add_attachment(access: Access, task: Task, upload) -> TaskAttachment:
    me = access.officer
    if me is None or not reach.visible_tasks(access).filter(pk=task.pk).exists():
        raise PermissionDenied
    check_attachment(upload)
    with transaction.atomic():
        return TaskAttachment.objects.create(
            task=task, file=upload, name=upload.name[:255], size=upload.size, uploaded_by=me
        )
