"""The reports (Laporan), computed once and rendered by `exports` as a page, CSV, XLSX, PDF or JSON.

Every figure of attendance comes from `tenant_apps.attendance.measures` (one definition of owed days,
attendance rate, late days …). A summary report is a fixed number of queries whatever the number of
officers: one GROUP BY per source over the pre-aggregated rows (AttendanceDay is one row per
officer-day), one query for the officers' names, one for the colour cards; rows are merged in Python
and streamed. Who is in a report is always `get_access(request).officers()` narrowed by the filters.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, Max, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tenant_apps.attendance import measures
from tenant_apps.attendance.labels import AFTER_END_LABEL, label
from tenant_apps.attendance.models import AttendanceDay, AttendanceIssue, ColourCard, IssueStatus
from tenant_apps.organisation.models import AgencyProfile, OrgUnit
from tenant_apps.people.access import Access
from tenant_apps.people.models import Officer
from tenant_apps.tasks.models import OPEN_STATUSES, Status, Task, TaskLogEntry

COLOUR_LABELS = {"kuning": _("Yellow"), "hijau": _("Green"), "merah": _("Red")}
WEEKDAYS = [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]


class Kind:
    OFFICER = "officer"
    UNIT = "unit"
    AGENCY = "agency"
    LATENESS = "lateness"
    ISSUES = "issues"
    TASKS = "tasks"


KIND_TITLES = {
    Kind.OFFICER: _("Monthly attendance of an officer"),
    Kind.UNIT: _("Monthly attendance by organisation unit"),
    Kind.AGENCY: _("Monthly attendance of the agency"),
    Kind.LATENESS: _("Lateness report"),
    Kind.ISSUES: _("Attendance issue report"),
    Kind.TASKS: _("Task report"),
}
KINDS = list(KIND_TITLES)
MONTHLY_KINDS = {Kind.OFFICER, Kind.UNIT, Kind.AGENCY}  # one calendar month; the others take a range


def allowed(access: Access, kind: str) -> bool:
    """Which reports a person may open at all (what is in them is still scoped by access.officers())."""
    if not access.user.is_authenticated:
        return False
    if kind == Kind.AGENCY:
        return access.sees_whole_agency
    if kind == Kind.UNIT:
        return access.can_see_people
    return kind in KIND_TITLES


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # lazy string
    kind: str = "text"  # text | id | int | pct | hours | date | time | colour


@dataclass
class Params:
    kind: str
    start: date
    end: date
    org_unit: OrgUnit | None = None
    officer: Officer | None = None

    @property
    def month(self) -> date:
        return self.start.replace(day=1)


@dataclass
class Report:
    kind: str
    params: Params
    columns: list[Column]
    rows: Iterator[dict] | list[dict]
    totals: dict | None = None
    extra: dict = field(default_factory=dict)
    count: int | None = None  # rows in the whole report (HTML/JSON pages show a slice)

    @property
    def title(self):
        return KIND_TITLES[self.kind]


def month_range(month: date) -> tuple[date, date]:
    first = month.replace(day=1)
    return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])


# --- scope ----------------------------------------------------------------------------------------


def scope(access: Access, params: Params) -> QuerySet[Officer]:
    """The officers in the report: whom this person may see, narrowed by the unit (with its
    subtree) and the officer filters."""
    officers = access.officers()
    if params.org_unit is not None:
        officers = officers.filter(org_unit__path__startswith=params.org_unit.path)
    if params.officer is not None:
        officers = officers.filter(pk=params.officer.pk)
    return officers


def _people(officers: QuerySet, ids_from: list[QuerySet] | None) -> QuerySet:
    """Name, MyKad and unit of the officers of `officers` that appear in any of `ids_from`
    (`None`: every one of `officers`)."""
    if ids_from is not None:
        present = Q()
        for source in ids_from:
            present |= Q(pk__in=source.values("officer_id"))
        officers = officers.filter(present)
    return (
        officers
        .order_by("user__full_name", "pk")
        .values("pk", "user__full_name", "user__username", "org_unit__name")
    )


PERSON_COLUMNS = [
    Column("name", _("Name")),
    Column("mykad", _("MyKad number"), "id"),  # digits that are not a number
    Column("org_unit", _("Organisation unit")),
]


def _person(p: dict) -> dict:
    return {
        "officer_id": p["pk"],
        "name": p["user__full_name"],
        "mykad": p["user__username"],
        "org_unit": p["org_unit__name"] or "",
    }


@dataclass
class Source:
    """One aggregated source of a summary report: rows with an officer_id, grouped by officer."""

    rows: QuerySet
    annotations: dict

    def by_officer(self, ids=None) -> dict[int, dict]:
        qs = self.rows if ids is None else self.rows.filter(officer_id__in=ids)
        return {
            r.pop("officer_id"): r for r in qs.values("officer_id").annotate(**self.annotations).order_by()
        }

    def total(self, grouped: dict[int, dict] | None = None) -> dict:
        """The figures over all rows: added up from `grouped` (every officer's, already fetched) when
        each figure is a plain count or sum, which saves a second scan; else one aggregate query."""
        summable = all(
            isinstance(a, Sum) or (isinstance(a, Count) and not a.distinct) for a in self.annotations.values()
        )
        if grouped is None or not summable:
            return self.rows.aggregate(**self.annotations)
        return {k: sum(f[k] or 0 for f in grouped.values()) for k in self.annotations}


def employed_during(officers: QuerySet, start: date, end: date) -> QuerySet:
    """The officers who were in the agency on some day of [start, end]."""
    return officers.filter(Q(join_date__isnull=True) | Q(join_date__lte=end)).filter(
        Q(leave_date__isnull=True) | Q(leave_date__gte=start)
    )


def _summary(
    kind, params, officers, sources, columns, finish, page=None, extra_by_officer=None, everyone=False
) -> Report:
    """Rows: one per officer present in the sources (`everyone`: one per officer of `officers`, with
    or without rows), ordered by name; `page` = (offset, limit) for a page or an API slice. Figures
    of the page only are aggregated; the totals cover everything."""
    people = _people(officers, None if everyone else [s.rows for s in sources])
    count = None
    ids = None
    if page is not None:
        count = people.count()
        offset, limit = page
        people = list(people[offset : offset + limit])
        ids = [p["pk"] for p in people]
    figures = [s.by_officer(ids) for s in sources]
    extra = extra_by_officer(ids) if extra_by_officer else {}
    empty = {}
    for s in sources:
        empty.update({k: 0 for k in s.annotations})

    def rows():
        iterator = people if isinstance(people, list) else people.iterator(chunk_size=2000)
        for p in iterator:
            row = _person(p) | empty
            for f in figures:
                row.update({k: v for k, v in f.get(p["pk"], {}).items() if v is not None})
            row.update(extra.get(p["pk"], {}))
            yield finish(row)

    totals = empty.copy()
    for s, grouped in zip(sources, figures, strict=True):
        totals.update({k: v for k, v in s.total(grouped if ids is None else None).items() if v is not None})
    totals = finish(totals | {"name": str(_("Total"))})
    return Report(kind, params, PERSON_COLUMNS + columns, rows(), totals, count=count)


# --- monthly attendance --------------------------------------------------------------------------

ATTENDANCE_COLUMNS = [
    Column("owed", _("Working days"), "int"),
    Column("attended", _("Attended"), "int"),
    Column("absent", _("Absent"), "int"),
    Column("late", _("Late"), "int"),
    Column("early_out", _("Early out"), "int"),
    Column("incomplete", _("Incomplete"), "int"),
    Column("leave", _("Leave"), "int"),
    Column("late_minutes", _("Late (minutes)"), "int"),
    Column("rate", _("Attendance rate (%)"), "pct"),
    Column("colour", _("Colour"), "colour"),
]
ATTENDANCE_FIGURES = {
    k: measures.TOTALS[k]
    for k in ("owed", "attended", "absent", "late", "early_out", "incomplete", "leave", "late_minutes")
}


def _with_rate(row: dict) -> dict:
    row["rate"] = measures.rate(row.get("attended", 0), row.get("owed", 0))
    return row


def anything_recorded(access: Access, params: Params) -> bool:
    """Whether any officer in scope has a daily record in the period (an attendance report lists
    everyone, so its row count cannot tell an empty month)."""
    return AttendanceDay.objects.filter(
        date__range=(params.start, params.end), officer_id__in=scope(access, params).values("pk")
    ).exists()


def attendance_summary(access: Access, params: Params, page=None) -> Report:
    officers = employed_during(scope(access, params), params.start, params.end)
    days = AttendanceDay.objects.filter(
        date__range=(params.start, params.end), officer_id__in=officers.values("pk")
    )

    def colours(ids):
        cards = ColourCard.objects.filter(month=params.month)
        cards = (
            cards.filter(officer_id__in=ids)
            if ids is not None
            else cards.filter(officer_id__in=officers.values("pk"))
        )
        return {oid: {"colour": c} for oid, c in cards.values_list("officer_id", "colour")}

    report = _summary(
        params.kind,
        params,
        officers,
        [Source(days, ATTENDANCE_FIGURES)],
        ATTENDANCE_COLUMNS,
        _with_rate,
        page=page,
        extra_by_officer=colours,
        # An attendance report is read for who was *not* there too: every officer in scope who
        # was in the agency during the month, with or without a record.
        everyone=True,
    )
    report.totals["colour"] = None
    return report


OFFICER_COLUMNS = [
    Column("date", _("Date"), "date"),
    Column("weekday", _("Day")),
    Column("status", _("Status")),
    Column("first_in", _("First in"), "time"),
    Column("last_out", _("Last out"), "time"),
    Column("late_minutes", _("Late (minutes)"), "int"),
    Column("early_minutes", _("Early out (minutes)"), "int"),
    Column("worked_hours", _("Hours worked"), "hours"),
    Column("issues", _("Issues")),
]


def officer_month(access: Access, params: Params) -> Report:
    """Each day of the month of one officer (yourself by default), the totals and the colour."""
    officer = params.officer or access.officer
    officer = scope(access, Params(params.kind, params.start, params.end, officer=officer)).first()
    params.officer = officer
    days = AttendanceDay.objects.filter(officer=officer, date__range=(params.start, params.end))
    tz = timezone.get_current_timezone()
    profile = AgencyProfile.current()
    if profile is not None:
        from zoneinfo import ZoneInfo

        tz = ZoneInfo(profile.timezone)
    issues: dict[date, list[str]] = {}
    for day, code, status in (
        AttendanceIssue.objects.filter(officer=officer, date__range=(params.start, params.end))
        .order_by("date", "code")
        .values_list("date", "code", "status")
    ):
        issues.setdefault(day, []).append(f"{label(code)} ({IssueStatus(status).label})")

    def local(dt):
        return timezone.localtime(dt, tz).time().replace(second=0, microsecond=0) if dt else None

    rows = [
        {
            "date": d.date,
            "weekday": str(WEEKDAYS[d.date.weekday()]),
            "status": ", ".join(
                [label(c) for c in (d.codes or [d.primary])]
                + ([str(AFTER_END_LABEL)] if d.arrived_after_end else [])
            ),
            "first_in": local(d.first_in),
            "last_out": local(d.last_out),
            "late_minutes": d.late_minutes,
            "early_minutes": d.early_minutes,
            # No clock-out yet (or ever): no hours to show, rather than a 0.0 that reads as a fact.
            "worked_hours": round(d.worked_minutes / 60, 1) if d.last_out else None,
            "issues": "; ".join(issues.get(d.date, [])),
        }
        for d in days.order_by("date")
    ]
    figures = measures.totals(days)
    card = (
        ColourCard.objects.filter(officer=officer, month=params.month)
        .values_list("colour", flat=True)
        .first()
    )
    totals = {
        "date": None,
        "weekday": "",
        "status": str(_("Total")),
        "late_minutes": figures["late_minutes"],
        "early_minutes": figures["early_minutes"],
        "worked_hours": round(figures["worked_minutes"] / 60, 1),
        "issues": "",
    }
    return Report(
        Kind.OFFICER,
        params,
        OFFICER_COLUMNS,
        rows,
        totals,
        extra={"figures": figures, "colour": card, "officer": officer},
        count=len(rows),
    )


# --- lateness, issues, tasks ---------------------------------------------------------------------

LATENESS_COLUMNS = [
    Column("late_days", _("Late days"), "int"),
    Column("late_total", _("Late (minutes)"), "int"),
    Column("average_minutes", _("Average (minutes)"), "hours"),
    Column("longest_minutes", _("Longest (minutes)"), "int"),
]


def lateness(access: Access, params: Params, page=None) -> Report:
    officers = scope(access, params)
    late = AttendanceDay.objects.filter(
        measures.LATE, date__range=(params.start, params.end), officer_id__in=officers.values("pk")
    )
    source = Source(
        late,
        {
            "late_days": Count("id"),
            "late_total": Sum("late_minutes", default=0),
            "longest_minutes": Max("late_minutes"),
        },
    )

    def finish(row):
        row["average_minutes"] = (
            round(row["late_total"] / row["late_days"], 1) if row.get("late_days") else None
        )
        return row

    return _summary(params.kind, params, officers, [source], LATENESS_COLUMNS, finish, page=page)


ISSUE_STATUS_KEYS = [s.value for s in IssueStatus]
ISSUE_COLUMNS = [
    Column("issues", _("Issues"), "int"),
    *[Column(f"status_{s.value}", s.label, "int") for s in IssueStatus],
    Column("expired", _("Undecided by the cut-off"), "int"),
    Column("code_lewat", _("Late"), "int"),
    Column("code_pulang_awal", _("Early out"), "int"),
    Column("code_tidak_lengkap", _("Incomplete"), "int"),
    Column("code_tidak_hadir", _("Absent"), "int"),
    Column("code_luar_kawasan", _("Outside office area"), "int"),
    Column("decision_hours", _("Average decision time (hours)"), "hours"),
]


def issues(access: Access, params: Params, page=None) -> Report:
    officers = scope(access, params)
    rows = AttendanceIssue.objects.filter(
        date__range=(params.start, params.end), officer_id__in=officers.values("pk")
    )
    decided = Q(decided_at__isnull=False, answered_at__isnull=False)
    annotations = {
        "issues": Count("id"),
        **{f"status_{s}": Count("id", filter=Q(status=s)) for s in ISSUE_STATUS_KEYS},
        "expired": Count("id", filter=Q(expired=True) & ~Q(status=IssueStatus.ACCEPTED)),
        **{
            f"code_{c}": Count("id", filter=Q(code=c))
            for c in ("lewat", "pulang_awal", "tidak_lengkap", "tidak_hadir", "luar_kawasan")
        },
        "decision_time": Avg(
            ExpressionWrapper(F("decided_at") - F("answered_at"), output_field=DurationField()),
            filter=decided,
        ),
    }

    def finish(row):
        spent = row.pop("decision_time", None)
        row["decision_hours"] = round(spent.total_seconds() / 3600, 1) if spent else None
        return row

    return _summary(
        params.kind, params, officers, [Source(rows, annotations)], ISSUE_COLUMNS, finish, page=page
    )


TASK_COLUMNS = [
    Column("log_entries", _("Task log entries"), "int"),
    Column("log_days", _("Days with a task log"), "int"),
    Column("log_hours", _("Hours logged"), "hours"),
    Column("assigned", _("Tasks assigned"), "int"),
    Column("completed", _("Tasks completed"), "int"),
    Column("open_overdue", _("Open and overdue"), "int"),
]


def tasks(access: Access, params: Params, page=None) -> Report:
    """Daily task log entries in the range, and board tasks: assigned (created) in the range,
    completed in the range, and still open past their due date at the end of the range."""
    officers = scope(access, params)
    ids = officers.values("pk")
    log = TaskLogEntry.objects.filter(date__range=(params.start, params.end), officer_id__in=ids)
    assignments = Task.assignees.through.objects.filter(officer_id__in=ids)
    start, after = params.start, params.end + timedelta(days=1)
    tz = timezone.get_current_timezone()
    from datetime import datetime, time

    start_at = datetime.combine(start, time(0), tzinfo=tz)
    end_at = datetime.combine(after, time(0), tzinfo=tz)
    assigned = Q(task__created_at__gte=start_at, task__created_at__lt=end_at)
    completed = Q(task__status=Status.DONE, task__completed_at__gte=start_at, task__completed_at__lt=end_at)
    overdue = Q(task__status__in=OPEN_STATUSES, task__due_date__lt=params.end)
    board = assignments.filter(assigned | completed | overdue)
    sources = [
        Source(
            log,
            {
                "log_entries": Count("id"),
                "log_days": Count("date", distinct=True),
                "log_minutes": Sum("minutes", default=0),
            },
        ),
        Source(
            board,
            {
                "assigned": Count("id", filter=assigned),
                "completed": Count("id", filter=completed),
                "open_overdue": Count("id", filter=overdue),
            },
        ),
    ]

    def finish(row):
        row["log_hours"] = round((row.pop("log_minutes", 0) or 0) / 60, 1)
        return row

    return _summary(params.kind, params, officers, sources, TASK_COLUMNS, finish, page=page)


def build(access: Access, params: Params, page=None) -> Report:
    """The report of `params.kind` (the caller has checked `allowed`); `page` = (offset, limit)."""
    if params.kind == Kind.OFFICER:
        return officer_month(access, params)
    if params.kind in (Kind.UNIT, Kind.AGENCY):
        return attendance_summary(access, params, page)
    return {Kind.LATENESS: lateness, Kind.ISSUES: issues, Kind.TASKS: tasks}[params.kind](
        access, params, page
    )
