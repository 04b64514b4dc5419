"""Dashboard statistics of one agency, as plain dicts (the pages render them, the API returns them).

Every figure is counted with `tenant_apps.attendance.measures` (one definition of "owed", "attended",
"late" … for every screen). Each function runs a fixed number of queries whatever the number of
officers or days: grouping happens in SQL (GROUP BY), never in a per-officer or per-day loop of
queries. Who may see which officers is decided by the caller through `people.access`; functions take
an already-scoped officer queryset (or None for the whole agency) and never widen it.
"""

from __future__ import annotations

import calendar as pycalendar
from collections import Counter
from datetime import date, timedelta

from django.db.models import Avg, Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth, TruncWeek
from django.utils import timezone

from tenant_apps.attendance import measures, rules
from tenant_apps.attendance.models import (
    AttendanceDay,
    AttendanceIssue,
    ClockEvent,
    ColourCard,
    IssueStatus,
    Leave,
    OfficerPattern,
    OfficeSite,
    Policy,
)
from tenant_apps.organisation.models import OrgUnit
from tenant_apps.people.models import Officer

GRANULARITIES = ("day", "week", "month")
FUTURE = "future"  # a month that has not started: grey on the grids
COLOURS = tuple(c.value for c in rules.Colour)


def months_of(year: int) -> list[date]:
    return [date(year, m, 1) for m in range(1, 13)]


def month_end(first: date) -> date:
    return first.replace(day=pycalendar.monthrange(first.year, first.month)[1])


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _local(moment) -> str | None:
    """A time as ISO 8601 in the active (agency) time zone, so "HH:MM" reads as local time."""
    return timezone.localtime(moment).isoformat() if moment is not None else None


def _with_rate(row: dict) -> dict:
    row = dict(row)
    row["rate"] = measures.rate(row["attended"], row["owed"])
    return row


def _default_pattern_by_month(months: list[date]) -> dict[date, str]:
    """The agency default pattern in effect on the 1st of each month (one query): what an officer
    without a monthly pattern of their own works (see attendance.calendar.pattern_for)."""
    policies = list(Policy.objects.select_related("default_pattern").order_by("effective_from"))
    result = {}
    for month in months:
        code = rules.WBF.code
        for policy in policies:
            if policy.effective_from <= month:
                code = policy.default_pattern.code
        result[month] = code
    return result


def colour_of_month(month: date, card: str | None, this_month: date) -> dict:
    """A month's colour cell: the card's colour; a started month without a card shows Kuning, the
    colour everyone starts with (SPEC.md), marked `default`; a month not started yet is grey."""
    if month > this_month:
        return {"month": month.isoformat(), "colour": FUTURE, "default": False}
    return {"month": month.isoformat(), "colour": card or rules.Colour.KUNING.value, "default": card is None}


# --- the officer's own dashboard ----------------------------------------------------------------


def officer_year(officer: Officer, year: int, today: date) -> list[dict]:
    """Status Kehadiran Bulanan: the colour of each month of `year` (one query)."""
    cards = dict(ColourCard.objects.filter(officer=officer, month__year=year).values_list("month", "colour"))
    this_month = today.replace(day=1)
    return [colour_of_month(m, cards.get(m), this_month) for m in months_of(year)]


def officer_month(officer: Officer, first: date) -> dict:
    """This month's status calendar and totals (two queries)."""
    days = AttendanceDay.objects.filter(officer=officer, date__range=(first, month_end(first)))
    statuses = {d: p for d, p in days.values_list("date", "primary")}
    weeks = []
    for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        weeks.append(
            [
                {"date": d.isoformat(), "day": d.day, "status": statuses.get(d, "")}
                if d.month == first.month
                else None
                for d in week
            ]
        )
    return {"month": first.isoformat(), "weeks": weeks, "totals": measures.totals(days)}


# --- the supervisor's dashboard ----------------------------------------------------------------


def _ids(officers: QuerySet) -> QuerySet:
    return officers.order_by().values("pk")


def team_today(officers: QuerySet, today: date) -> dict:
    """Supervisees today, with their last known location. Nine queries, whatever the team's size.

    Categories (an officer may be in several: a late officer may also be outside the office):
    present = clocked in today; late = today's record is late; not_in = no clock-in yet on a day
    they are expected (not on leave, holiday, rest day, duty or course); outside = today's record
    is luar kawasan (the day's one location rule, rules.location_codes: outside the office area, or
    without a location where the agency counts that as outside, and not excused by BDR, duty, a
    course or a movement); movement = an active movement today;
    leave = leave covering today."""
    people = list(
        officers.filter(user__is_active=True)
        .select_related("user", "org_unit")
        .order_by("user__full_name", "pk")
    )
    ids = [o.pk for o in people]
    records = {d.officer_id: d for d in AttendanceDay.objects.filter(officer_id__in=ids, date=today)}
    # The latest event of today per officer: DISTINCT ON in one query.
    latest = {
        e.officer_id: e
        for e in ClockEvent.objects.filter(officer_id__in=ids, attendance_date=today)
        .select_related("site")
        .order_by("officer_id", "-at", "-pk")
        .distinct("officer_id")
    }
    from tenant_apps.movements.models import Movement

    moving: dict[int, list] = {}
    for m in (
        Movement.objects.filter(officer_id__in=ids, date=today, status=Movement.Status.ACTIVE)
        .exclude(approval=Movement.Approval.REJECTED)
        .order_by("start_time", "pk")
    ):
        moving.setdefault(m.officer_id, []).append(m)
    on_leave = set(
        Leave.objects.filter(officer_id__in=ids, start_date__lte=today, end_date__gte=today).values_list(
            "officer_id", flat=True
        )
    )
    # Before an officer's first punch there is no record: whether they are expected today is the
    # agency's calendar (weekend, public holiday), two queries.
    from tenant_apps.attendance import calendar as attendance_calendar
    from tenant_apps.organisation.models import AgencyProfile

    profile = AgencyProfile.current()
    state = profile.state if profile else ""
    policy = attendance_calendar.policy_for(today)
    working_today = today.weekday() not in attendance_calendar.weekend(
        state, today, policy
    ) and not attendance_calendar.holiday_name(state, today)
    not_expected = {
        rules.Code.CUTI,
        rules.Code.CUTI_UMUM,
        rules.Code.HARI_REHAT,
        rules.Code.TUGAS_RASMI,
        rules.Code.KURSUS,
    }
    summary = Counter({k: 0 for k in ("present", "late", "not_in", "outside", "movement", "leave")})
    rows = []
    for officer in people:
        record = records.get(officer.pk)
        event = latest.get(officer.pk)
        codes = list(record.codes) if record else []
        primary = record.primary if record else rules.Code.BELUM_MASUK.value
        present = bool(record and record.first_in)
        flags = {
            "present": present,
            "late": rules.Code.LEWAT in codes,
            "not_in": not present
            and officer.pk not in on_leave
            and primary not in not_expected
            and (record.working_day if record else working_today),
            "outside": rules.Code.LUAR_KAWASAN in codes,
            "movement": officer.pk in moving,
            "leave": officer.pk in on_leave or primary == rules.Code.CUTI,
        }
        for key, on in flags.items():
            summary[key] += int(on)
        location = None
        if event is not None and event.latitude is not None:
            location = {
                "latitude": float(event.latitude),
                "longitude": float(event.longitude),
                "accuracy_m": event.accuracy_m,
                "inside": event.inside,
                "site": event.site.name if event.site else None,
                "at": _local(event.at),
            }
        rows.append(
            {
                "officer_id": officer.pk,
                "name": officer.name,
                "org_unit": officer.org_unit.name if officer.org_unit else "",
                "status": primary,
                "codes": codes,
                "first_in": _local(record.first_in) if record else None,
                "last_out": _local(record.last_out) if record else None,
                "sent_late": bool(event and event.sent_late),  # made offline, sent later (pwa.js)
                "movements": [
                    {
                        "id": m.pk,
                        "kind": m.kind,
                        "place": m.place,
                        "whole_day": m.whole_day,
                        "start": m.start_time.strftime("%H:%M") if m.start_time else None,
                        "end": m.end_time.strftime("%H:%M") if m.end_time else None,
                    }
                    for m in moving.get(officer.pk, ())
                ],
                "location": location,
                **{f"is_{k}": v for k, v in flags.items()},
            }
        )
    sites = [
        {
            "name": s.name,
            "latitude": float(s.latitude),
            "longitude": float(s.longitude),
            "radius_m": s.radius_m,
        }
        for s in OfficeSite.objects.filter(is_active=True).order_by("name")
    ]
    return {
        "date": today.isoformat(),
        "total": len(people),
        "summary": dict(summary),
        "rows": rows,
        "sites": sites,
    }


def team_year(officers: QuerySet, year: int, today: date) -> dict:
    """The supervisor's two grids for `year`, officer × month: "Waktu Kerja Pegawai" (the working
    pattern of each month) and "Status Kehadiran Pegawai (Bulanan)" (the colour of each month).
    Four queries, whatever the team's size."""
    people = list(
        officers.filter(user__is_active=True).select_related("user").order_by("user__full_name", "pk")
    )
    ids = [o.pk for o in people]
    months = months_of(year)
    defaults = _default_pattern_by_month(months)
    own = {
        (officer_id, month): code
        for officer_id, month, code in OfficerPattern.objects.filter(
            officer_id__in=ids, month__year=year
        ).values_list("officer_id", "month", "pattern__code")
    }
    cards = {
        (officer_id, month): colour
        for officer_id, month, colour in ColourCard.objects.filter(
            officer_id__in=ids, month__year=year
        ).values_list("officer_id", "month", "colour")
    }
    this_month = today.replace(day=1)
    rows = []
    for officer in people:
        rows.append(
            {
                "officer_id": officer.pk,
                "name": officer.name,
                "patterns": [
                    {
                        "month": m.isoformat(),
                        "pattern": own.get((officer.pk, m), defaults[m]),
                        "own": (officer.pk, m) in own,
                    }
                    for m in months
                ],
                "colours": [colour_of_month(m, cards.get((officer.pk, m)), this_month) for m in months],
            }
        )
    return {"year": year, "months": [m.isoformat() for m in months], "rows": rows}


def team_pending(officers: QuerySet, today: date, review_days: int = 30) -> dict:
    """What waits for the supervisor: answered issues to decide, and officer-days of the task log
    (within `review_days`) not yet reviewed. Two queries."""
    from tenant_apps.tasks.models import TaskLogEntry, TaskLogReview

    ids = _ids(officers)
    issues = AttendanceIssue.objects.filter(officer__in=ids, status=IssueStatus.ANSWERED).count()
    reviewed = TaskLogReview.objects.filter(officer_id=OuterRef("officer_id"), date=OuterRef("date"))
    logs = (
        TaskLogEntry.objects.filter(
            officer__in=ids, date__gte=today - timedelta(days=review_days), date__lte=today
        )
        .exclude(Exists(reviewed))
        .values("officer_id", "date")
        .distinct()
        .count()
    )
    return {"issues_to_decide": issues, "task_log_days_to_review": logs}


# --- the executive's and the org admin's statistics ---------------------------------------------


def _scoped(qs: QuerySet, officers: QuerySet | None, unit: OrgUnit | None) -> QuerySet:
    """Rows (with an `officer` foreign key) of the scoped officers and of the unit's subtree."""
    if officers is not None:
        qs = qs.filter(officer__in=_ids(officers))
    if unit is not None:
        qs = qs.filter(officer__org_unit__path__startswith=unit.path)
    return qs


TRUNC = {"week": TruncWeek, "month": TruncMonth}


def agency_stats(
    start: date,
    end: date,
    *,
    unit: OrgUnit | None = None,
    granularity: str = "day",
    officers: QuerySet | None = None,
) -> dict:
    """Attendance statistics between two days (inclusive), optionally for one org unit's subtree.
    `officers` limits to a scoped queryset; None means the whole agency. Six queries; the daily
    records are read once."""
    days = _scoped(AttendanceDay.objects.filter(date__range=(start, end)), officers, unit)
    if granularity not in TRUNC:
        granularity = "day"
    period = TRUNC[granularity]("date") if granularity in TRUNC else F("date")
    keys = list(measures.TOTALS)

    # One scan of the daily records, grouped by (period, org unit): the totals, the trend and the
    # breakdown by unit are all sums of these rows (every figure in measures.TOTALS is additive).
    # Rows: periods × units, bounded by the range (≤ 366 days) and the agency's units.
    cells = list(measures.totals_by(days.annotate(period=period), "period", "officer__org_unit_id"))

    def add(into: dict, row: dict) -> None:
        for k in keys:
            into[k] = into.get(k, 0) + (row[k] or 0)

    totals: dict = dict.fromkeys(keys, 0)
    by_period: dict = {}
    by_unit: dict = {}
    for row in cells:
        add(totals, row)
        add(by_period.setdefault(row["period"], {}), row)
        add(by_unit.setdefault(row["officer__org_unit_id"], {}), row)
    totals["rate"] = measures.rate(totals["attended"], totals["owed"])
    trend = [_with_rate({"period": _iso(p), **by_period[p]}) for p in sorted(by_period)]

    # Breakdown by the next level of the tree below `unit` (or the top level), each child counting
    # its whole subtree: rolled up here over the (small) list of units.
    units = list(OrgUnit.objects.filter(path__startswith=unit.path) if unit else OrgUnit.objects.all())
    path_of = {u.pk: u.path for u in units}
    children = [u for u in units if (u.parent_id == unit.pk if unit else u.parent_id is None)]
    breakdown = []
    for child in children:
        sums = dict.fromkeys(keys, 0)
        for unit_id, row in by_unit.items():
            if unit_id is not None and path_of.get(unit_id, "").startswith(child.path):
                add(sums, row)
        breakdown.append(_with_rate({"unit_id": child.pk, "name": child.name, "code": child.code, **sums}))
    direct = by_unit.get(unit.pk) if unit else by_unit.get(None)
    if direct:
        breakdown.append(
            _with_rate(
                {
                    "unit_id": unit.pk if unit else None,
                    "name": unit.name if unit else "",
                    "code": "",
                    "direct": True,
                    **{k: direct.get(k, 0) for k in keys},
                }
            )
        )

    events = _scoped(
        ClockEvent.objects.filter(attendance_date__range=(start, end), direction="in"), officers, unit
    ).aggregate(
        clock_ins=Count("id"),
        outside=Count("id", filter=Q(inside=False)),
        no_location=Count("id", filter=Q(inside__isnull=True)),
    )
    events["outside_share"] = (
        round(100.0 * events["outside"] / events["clock_ins"], 1) if events["clock_ins"] else None
    )

    card_month = end.replace(day=1)
    colours = dict.fromkeys(COLOURS, 0)
    for colour, n in (
        _scoped(ColourCard.objects.filter(month=card_month), officers, unit)
        .values_list("colour")
        .annotate(n=Count("id"))
        .order_by()
    ):
        colours[colour] = n

    decided = _scoped(AttendanceIssue.objects.filter(date__range=(start, end)), officers, unit).aggregate(
        raised=Count("id", filter=~Q(status=IssueStatus.WITHDRAWN)),
        open=Count("id", filter=Q(status=IssueStatus.OPEN)),
        awaiting_decision=Count("id", filter=Q(status=IssueStatus.ANSWERED)),
        accepted=Count("id", filter=Q(status=IssueStatus.ACCEPTED)),
        rejected=Count("id", filter=Q(status=IssueStatus.REJECTED)),
        decision_time=Avg(
            F("decided_at") - F("answered_at"),
            filter=Q(decided_at__isnull=False, answered_at__isnull=False),
        ),
    )
    seconds = decided.pop("decision_time")
    decided["average_decision_hours"] = round(seconds.total_seconds() / 3600, 1) if seconds else None

    return {
        "start": start.isoformat(),
        "end": end.isoformat(),
        "unit": {"id": unit.pk, "name": unit.name, "path": unit.path} if unit else None,
        "granularity": granularity,
        "totals": totals,
        "trend": trend,
        "by_unit": breakdown,
        "clock_ins": events,
        "colour_month": card_month.isoformat(),
        "colours": colours,
        "issues": decided,
    }


def unit_trail(unit: OrgUnit | None) -> list[dict]:
    """The unit and its ancestors, top first (breadcrumbs of the drill-down). One query."""
    if unit is None:
        return []
    ids = [int(x) for x in unit.path.strip("/").split("/") if x]
    found = {u.pk: u for u in OrgUnit.objects.filter(pk__in=ids)}
    return [{"id": found[i].pk, "name": found[i].name} for i in ids if i in found]


def config_health(today: date, sample: int = 20) -> dict:
    """Configuration health for the org admin: officers without a supervisor, without an org unit,
    without a working pattern, and office sites that no officer can use. Seven queries."""
    active = Officer.objects.filter(user__is_active=True)
    first = today.replace(day=1)

    def listing(qs):
        return [
            {"officer_id": o.pk, "name": o.name}
            for o in qs.select_related("user").order_by("user__full_name", "pk")[:sample]
        ]

    no_supervisor = active.filter(supervisor__isnull=True)
    no_unit = active.filter(org_unit__isnull=True)
    has_policy = Policy.objects.filter(effective_from__lte=today).exists()
    own_pattern = OfficerPattern.objects.filter(officer_id=OuterRef("pk"), month=first)
    on_default = active.exclude(Exists(own_pattern))
    counts = active.aggregate(
        officers=Count("id"),
        without_supervisor=Count("id", filter=Q(supervisor__isnull=True)),
        without_unit=Count("id", filter=Q(org_unit__isnull=True)),
    )
    # Without a pattern = no monthly pattern of their own AND no agency policy to fall back on.
    on_default_count = on_default.count()
    without_pattern = 0 if has_policy else on_default_count

    unit_paths = set(
        # order_by(): the model's default ordering (by name) would join into the DISTINCT.
        active.exclude(org_unit__isnull=True).order_by().values_list("org_unit__path", flat=True).distinct()
    )
    empty_sites = []
    for site in OfficeSite.objects.filter(is_active=True).prefetch_related("org_units").order_by("name"):
        site_units = list(site.org_units.all())
        if not site_units:
            served = counts["officers"] > 0  # a site with no unit is everyone's
        else:
            served = any(p.startswith(u.path) for u in site_units for p in unit_paths)
        if not served:
            empty_sites.append({"site_id": site.pk, "name": site.name, "units": [u.name for u in site_units]})
    return {
        "date": today.isoformat(),
        "officers": counts["officers"],
        "without_supervisor": counts["without_supervisor"],
        "without_supervisor_sample": listing(no_supervisor),
        "without_unit": counts["without_unit"],
        "without_unit_sample": listing(no_unit),
        "has_policy": has_policy,
        "on_default_pattern": on_default_count,
        "without_pattern": without_pattern,
        "sites_without_officers": empty_sites,
    }


def local_today() -> date:
    return timezone.localdate()
