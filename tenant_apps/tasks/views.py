"""Pages of Catatan Tugasan Harian (daily task log, and the supervisor's review) and of Papan
Tugasan (the task board). Views parse, call a service, render; reach comes from `reach`."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from spotme.web.confirm import confirmation, confirmed
from tenant_apps.people.access import get_access, require
from tenant_apps.people.models import Officer

from . import corrections, reach, services
from .forms import AttachmentForm, CommentForm, LogEntryForm, ReviewForm, TaskForm
from .models import Correction, Priority, Status, Task, TaskAttachment, TaskLogEntry, TaskLogReview
from .templatetags.task_tags import duration

supervisor_only = require(lambda a: a.is_supervisor and a.officer is not None)
BOARD_COLUMNS = [Status.NEW, Status.IN_PROGRESS, Status.DONE]


def _buttons(access, task: Task, rights=None) -> list[tuple[str, str]]:
    """(status, button label) for each move this person may make now."""
    return [
        (to, _("Reopen") if task.status == Status.DONE and to == Status.IN_PROGRESS else Status(to).label)
        for to in services.allowed_moves(access, task, rights)
    ]


def _officer(request) -> Officer:
    officer = get_access(request).officer
    if officer is None:
        raise PermissionDenied
    return officer


def _day(value: str | None) -> date:
    try:
        return date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        return timezone.localdate()


def _errors_into(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _back(request, default: str) -> str:
    target = request.POST.get("next", "")
    return target if target.startswith("/tasks/") and "//" not in target else default


# --- Catatan Tugasan Harian -----------------------------------------------------------------------


@login_required
def log_day(request):
    """My day: the entries of one date, adding while the day is open."""
    officer = _officer(request)
    day = _day(request.POST.get("date") if request.method == "POST" else request.GET.get("date"))
    form = LogEntryForm(request.POST or None, officer=officer, initial={"date": day}, auto_id="log-%s")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.save_log_entry(
                officer,
                TaskLogEntry(),
                date=data["date"],
                description=data["description"],
                minutes=data["total_minutes"],
                task=data["task"],
            )
        except ValidationError as exc:
            _errors_into(form, exc)
        else:
            messages.success(request, _("Entry added."))
            if saved.warning:
                messages.warning(request, saved.warning)
            return redirect(f"{request.path}?date={data['date']:%Y-%m-%d}")
    entries = list(
        TaskLogEntry.objects.filter(officer=officer, date=day).select_related("task", "returned_by__user")
    )
    return render(
        request,
        "tasks/log_day.html",
        {
            "day": day,
            "today": timezone.localdate(),
            "previous": day - timedelta(days=1),
            "next": day + timedelta(days=1),
            "entries": entries,
            "returned": any(e.correction == Correction.RETURNED for e in entries),
            "total": sum(e.minutes for e in entries),
            "editable": services.day_editable(officer, day),
            "edit_days": services.edit_days(),
            "review": TaskLogReview.objects.filter(officer=officer, date=day)
            .select_related("reviewer__user")
            .first(),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@login_required
def log_edit(request, pk: int):
    officer = _officer(request)
    entry = get_object_or_404(TaskLogEntry, pk=pk, officer=officer)
    initial = {
        "date": entry.date,
        "description": entry.description,
        "hours": entry.minutes // 60,
        "minutes": entry.minutes % 60,
        "task": entry.task_id,
    }
    form = LogEntryForm(request.POST or None, officer=officer, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = services.save_log_entry(
                officer,
                entry,
                date=data["date"],
                description=data["description"],
                minutes=data["total_minutes"],
                task=data["task"],
            )
        except ValidationError as exc:
            _errors_into(form, exc)
        else:
            messages.success(request, _("Entry saved."))
            if saved.warning:
                messages.warning(request, saved.warning)
            return redirect(f"/tasks/log/?date={data['date']:%Y-%m-%d}")
    return render(
        request, "tasks/log_edit.html", {"form": form, "entry": entry}, status=400 if form.errors else 200
    )


@login_required
@require_POST
def log_delete(request, pk: int):
    officer = _officer(request)
    entry = get_object_or_404(TaskLogEntry, pk=pk, officer=officer)
    if not confirmed(request):
        return confirmation(
            request,
            title=_("Delete the entry"),
            question=_("Delete this entry from your task log of %(date)s?")
            % {"date": f"{entry.date:%d/%m/%Y}"},
            confirm_label=_("Yes, delete"),
            back_url=f"/tasks/log/?date={entry.date:%Y-%m-%d}",
            details=[
                (_("What was done"), entry.description),
                (_("Time spent"), duration(entry.minutes)),
            ],
            warning=_("A deleted entry cannot be restored."),
        )
    try:
        services.delete_log_entry(officer, entry)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Entry deleted."))
    return redirect(f"/tasks/log/?date={entry.date:%Y-%m-%d}")


def _period(request) -> tuple[str, date, date, date]:
    day = _day(request.GET.get("date"))
    if request.GET.get("period") == "week":
        start, end = services.week_of(day)
        return "week", day, start, end
    return "day", day, day, day


@supervisor_only
def log_team(request):
    """The supervisor's review: each supervisee's log for a day or a week, marked reviewed with a
    comment."""
    access = get_access(request)
    period, day, start, end = _period(request)
    people = list(reach.supervisees(access).order_by("user__full_name"))
    if officer_id := request.GET.get("officer", ""):
        people = [o for o in people if str(o.pk) == officer_id]
    entries: dict[int, list] = {o.pk: [] for o in people}
    for entry in TaskLogEntry.objects.filter(officer__in=people, date__range=(start, end)).select_related(
        "task", "returned_by__user"
    ):
        entries[entry.officer_id].append(entry)
    reviews: dict[int, list] = {o.pk: [] for o in people}
    for review in TaskLogReview.objects.filter(officer__in=people, date__range=(start, end)).select_related(
        "reviewer__user"
    ):
        reviews[review.officer_id].append(review)
    rows = []
    for officer in people:
        logged_days = {e.date for e in entries[officer.pk]}
        reviewed_days = {r.date for r in reviews[officer.pk]}
        rows.append(
            {
                "officer": officer,
                "entries": entries[officer.pk],
                "total": sum(e.minutes for e in entries[officer.pk]),
                "reviews": reviews[officer.pk],
                "reviewed": bool(logged_days) and logged_days <= reviewed_days,
                "form": ReviewForm(
                    initial={"officer": officer.pk, "date": day, "period": period},
                    auto_id=f"review-{officer.pk}-%s",
                ),
            }
        )
    step = timedelta(days=7 if period == "week" else 1)
    return render(
        request,
        "tasks/log_team.html",
        {
            "rows": rows,
            "period": period,
            "day": day,
            "start": start,
            "end": end,
            "previous": day - step,
            "next": day + step,
        },
    )


@supervisor_only
@require_POST
def log_review(request):
    access = get_access(request)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("tasks:log_team")
    data = form.cleaned_data
    officer = get_object_or_404(reach.supervisees(access), pk=data["officer"])
    start, end = services.week_of(data["date"]) if data["period"] == "week" else (data["date"], data["date"])
    days = [start + timedelta(days=n) for n in range((end - start).days + 1)]
    try:
        services.review_task_log(access, officer, days, comment=data["comment"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Marked as reviewed."))
    return redirect(f"/tasks/log/team/?date={data['date']:%Y-%m-%d}&period={data['period']}")


@supervisor_only
@require_POST
def log_return(request, pk: int):
    """Return a supervisee's entry for correction with a comment (the officer is told)."""
    access = get_access(request)
    entry = get_object_or_404(TaskLogEntry.objects.filter(officer__in=reach.supervisees(access)), pk=pk)
    back = _back(request, f"/tasks/log/team/?date={entry.date:%Y-%m-%d}")
    try:
        corrections.return_for_correction(access, entry, comment=request.POST.get("comment", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The entry has been returned to the officer for correction."))
    return redirect(back)


# --- Papan Tugasan --------------------------------------------------------------------------------


@login_required
def board(request):
    """Columns Baru / Dalam Tindakan / Selesai for me, for one officer within reach, or for my team."""
    access = get_access(request)
    me = _officer(request)
    scope = request.GET.get("scope", "mine")
    subject = None
    if officer_id := request.GET.get("officer", ""):
        subject = get_object_or_404(reach.log_officers(access), pk=officer_id if officer_id.isdigit() else 0)
        tasks = Task.objects.filter(assignees=subject)
        scope = "officer"
    elif scope == "team":
        if not access.is_supervisor:
            raise PermissionDenied
        tasks = Task.objects.filter(
            pk__in=Task.objects.filter(assignees__in=reach.supervisee_ids(access)).values("pk")
        )
    else:
        scope = "mine"
        # Mine: what I am to do and what I handed out (a supervisor follows the tasks they assigned).
        tasks = Task.objects.filter(
            pk__in=Task.objects.filter(Q(assignees=me) | Q(created_by=me)).values("pk")
        )
    priority = request.GET.get("priority", "")
    if priority in Priority.values:
        tasks = tasks.filter(priority=priority)
    if q := request.GET.get("q", "").strip():
        tasks = tasks.filter(Q(title__icontains=q) | Q(description__icontains=q))
    today = timezone.localdate()
    overdue_only = request.GET.get("overdue") == "1"
    if overdue_only:
        tasks = tasks.filter(status__in=[Status.NEW, Status.IN_PROGRESS], due_date__lt=today)
    show_cancelled = request.GET.get("cancelled") == "1"
    tasks = list(
        tasks.select_related("created_by__user")
        .prefetch_related("assignees__user")
        .order_by("due_date", "-pk")
    )
    columns = [Status.NEW, Status.IN_PROGRESS, Status.DONE] + ([Status.CANCELLED] if show_cancelled else [])
    rights = reach.TaskRights(access)
    for task in tasks:
        task.overdue = task.is_overdue(today)
        task.moves = _buttons(access, task, rights)
        task.handed_out = task.created_by_id == me.pk and all(o.pk != me.pk for o in task.assignees.all())
    return render(
        request,
        "tasks/board.html",
        {
            "columns": [(s, [t for t in tasks if t.status == s]) for s in columns],
            "scope": scope,
            "subject": subject,
            "priorities": Priority.choices,
            "filters": {"priority": priority, "q": q, "overdue": overdue_only, "cancelled": show_cancelled},
            "team": list(reach.supervisees(access).order_by("user__full_name"))
            if access.is_supervisor
            else [],
        },
    )


def _assignable(access, task: Task | None = None):
    qs = reach.assignable_officers(access)
    if task is not None:
        qs = qs | Officer.objects.select_related("user").filter(pk__in=task.assignees.values("pk"))
    return qs.distinct().order_by("user__full_name")


@login_required
def task_create(request):
    access = get_access(request)
    _officer(request)
    form = TaskForm(request.POST or None, assignable=_assignable(access))
    files = AttachmentForm(request.POST or None, request.FILES or None)
    files.fields["file"].required = False
    if request.method == "POST" and form.is_valid() and files.is_valid():
        data = form.cleaned_data
        upload = files.cleaned_data.get("file")
        try:
            task = services.create_task(
                access,
                title=data["title"],
                description=data["description"],
                due_date=data["due_date"],
                priority=data["priority"],
                assignees=list(data["assignees"]),
                files=[upload] if upload else [],
            )
        except ValidationError as exc:
            if getattr(exc, "code", None) in ("attachment_size", "attachment_type"):
                files.add_error("file", exc)
            else:
                _errors_into(form, exc)
        else:
            messages.success(request, _("Task created."))
            return redirect("tasks:detail", pk=task.pk)
    return render(
        request,
        "tasks/task_form.html",
        {"form": form, "files": files, "task": None},
        status=400 if form.errors or files.errors else 200,
    )


def _visible_task(request, pk: int) -> Task:
    return get_object_or_404(
        reach.visible_tasks(get_access(request)).select_related("created_by__user"), pk=pk
    )


@login_required
def task_detail(request, pk: int):
    access = get_access(request)
    _officer(request)
    task = _visible_task(request, pk)
    return render(
        request,
        "tasks/task_detail.html",
        {
            "task": task,
            "assignees": list(task.assignees.select_related("user")),
            "comments": list(task.comments.select_related("author__user")),
            "attachments": list(task.attachments.all()),
            "moves": _buttons(access, task),
            "overdue": task.is_overdue(),
            "can_manage": reach.can_manage(access, task),
            "comment_form": CommentForm(),
            "attachment_form": AttachmentForm(),
        },
    )


@login_required
def task_edit(request, pk: int):
    access = get_access(request)
    _officer(request)
    task = _visible_task(request, pk)
    if not reach.can_manage(access, task):
        raise PermissionDenied
    initial = {
        "title": task.title,
        "description": task.description,
        "due_date": task.due_date,
        "priority": task.priority,
        "assignees": list(task.assignees.values_list("pk", flat=True)),
    }
    form = TaskForm(request.POST or None, initial=initial, assignable=_assignable(access, task))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_task(
                access,
                task,
                title=data["title"],
                description=data["description"],
                due_date=data["due_date"],
                priority=data["priority"],
                assignees=list(data["assignees"]),
            )
        except ValidationError as exc:
            _errors_into(form, exc)
        else:
            messages.success(request, _("Task saved."))
            return redirect("tasks:detail", pk=task.pk)
    return render(
        request, "tasks/task_form.html", {"form": form, "task": task}, status=400 if form.errors else 200
    )


@login_required
@require_POST
def task_status(request, pk: int):
    access = get_access(request)
    _officer(request)
    task = _visible_task(request, pk)
    try:
        task = services.transition(access, task, request.POST.get("status", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("“%(title)s” is now %(status)s.") % {"title": task.title, "status": task.get_status_display()},
        )
    return redirect(_back(request, f"/tasks/{task.pk}/"))


@login_required
@require_POST
def task_comment(request, pk: int):
    access = get_access(request)
    _officer(request)
    task = _visible_task(request, pk)
    form = CommentForm(request.POST)
    _apply(request, form, lambda d: services.add_comment(access, task, d["body"]), _("Comment added."))
    return redirect("tasks:detail", pk=task.pk)


@login_required
@require_POST
def task_attach(request, pk: int):
    access = get_access(request)
    _officer(request)
    task = _visible_task(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    _apply(request, form, lambda d: services.add_attachment(access, task, d["file"]), _("File attached."))
    return redirect("tasks:detail", pk=task.pk)


def _apply(request, form, action, success: str) -> None:
    """Run `action(cleaned_data)` for a valid form; report the outcome as a message either way."""
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return
    try:
        action(form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success)


@login_required
def attachment_download(request, pk: int):
    """Files are served only to whoever reaches their task (never from a public media URL)."""
    _officer(request)
    attachment = get_object_or_404(
        TaskAttachment.objects.filter(task__in=reach.visible_tasks(get_access(request))), pk=pk
    )
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.name)
