from __future__ import annotations

import calendar as pycalendar
from datetime import date, timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from spotme.audit.events import client_ip
from tenant_apps.organisation.models import AgencyProfile, Role
from tenant_apps.people.access import get_access, require
from tenant_apps.people.models import Officer

from . import agency_config, decisions, offline, rules, services
from .decisions import decidable_issues
from .forms import AnswerForm, ClockForm, DecideForm, MonthForm
from .models import AttendanceDay, AttendanceIssue, ClockEvent, ColourCard, IssueStatus, LocationStatus

is_supervisor = require(lambda a: a.is_supervisor or a.is_org_admin)


def _officer(request) -> Officer:
    officer = get_access(request).officer
    if officer is None:
        raise PermissionDenied
    return officer


def position_from(data: dict) -> services.Position:
    if data.get("latitude") is None:
        status = data.get("location_status") or LocationStatus.UNAVAILABLE
        return services.Position.missing(
            LocationStatus.UNAVAILABLE if status == LocationStatus.OK else status
        )
    return services.Position(data["latitude"], data["longitude"], data.get("accuracy"), LocationStatus.OK)


def tap_from(data: dict) -> offline.Tap | None:
    """The tap time of a punch the phone sent with its clock readings (None: the server's time)."""
    if not data.get("sent_at"):
        return None
    profile = agency_config.current().profile
    return offline.resolve(
        timezone.now(),
        data.get("client_time"),
        data["sent_at"],
        window_hours=profile.offline_punch_window_hours,
    )


@login_required
def home(request):
    return render(request, "attendance/home.html", home_context(request))


def home_context(request) -> dict:
    """Today's card and clock buttons (the insights dashboard builds on it)."""
    access = get_access(request)
    profile = AgencyProfile.current()
    context = {
        "profile": profile,
        "access": access,
        "roles": [Role(r) for r in Role.values if r in access.roles],
    }
    if access.officer is not None:
        day, record = services.today_for(access.officer, profile)
        events = list(
            ClockEvent.objects.filter(officer=access.officer, attendance_date=day).select_related("site")
        )
        context.update(
            today=day,
            record=record,
            events=events,
            open_issues=AttendanceIssue.objects.filter(
                officer=access.officer, status=IssueStatus.OPEN
            ).count(),
            movements=_movements_of(access.officer, day, day),
            clock_key=timezone.now().strftime("%Y%m%d%H%M%S%f"),
            clock_state=clock_state(events),
            office_sites=[
                {
                    "name": s.name,
                    "latitude": float(s.latitude),
                    "longitude": float(s.longitude),
                    "radius": s.radius_m,
                }
                for s in services.sites_for(access.officer)
            ],
        )
    return context


def clock_state(events) -> str:
    """The clock card's state: "in" after a clock-in (it offers Daftar Keluar), else "out"."""
    directions = [e.direction for e in events if e.direction in ("in", "out") and not e.overridden_by_device]
    return "in" if directions and directions[-1] == "in" else "out"


@login_required
@require_POST
def clock(request):
    form = ClockForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
        return redirect("home")
    data = form.cleaned_data
    try:
        event = services.clock(
            None,  # the signed-in user's officer profile, read with the day
            data["direction"],
            position=position_from(data),
            idempotency_key=data["idempotency_key"] or "",
            user_agent=request.headers.get("User-Agent", ""),
            ip=client_ip(request),
            user=request.user,
            tap=tap_from(data),
            refuse_out_without_in=True,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("home")
    messages.success(request, clock_message(event))
    return redirect("home")


def clock_message(event) -> str:
    """One whole sentence per case, so translators can order the words."""
    time = f"{timezone.localtime(event.at):%H:%M}"
    if event.inside is None and event.location_status == LocationStatus.OK:
        # The agency does not check location: a position was given, and nothing is said of it.
        text = _("Clocked in at %(time)s.") if event.direction == "in" else _("Clocked out at %(time)s.")
    elif event.direction == "in":
        if event.inside:
            text = _("Clocked in at %(time)s, inside the office area.")
        elif event.inside is False:
            text = _("Clocked in at %(time)s, outside the office area.")
        else:
            text = _("Clocked in at %(time)s, without a location.")
    elif event.inside:
        text = _("Clocked out at %(time)s, inside the office area.")
    elif event.inside is False:
        text = _("Clocked out at %(time)s, outside the office area.")
    else:
        text = _("Clocked out at %(time)s, without a location.")
    return text % {"time": time}


def _movements_of(officer, start: date, end: date) -> list:
    """The officer's active movements (Pergerakan) between two days, shown on the day."""
    from tenant_apps.movements.models import Movement

    return list(
        Movement.objects.filter(officer=officer, date__range=(start, end), status=Movement.Status.ACTIVE)
        .exclude(approval=Movement.Approval.REJECTED)
        .order_by("date", "start_time", "pk")
    )


def _month(request) -> date:
    form = MonthForm(request.GET or None)
    if form.is_valid() and form.cleaned_data.get("m"):
        y, m = map(int, form.cleaned_data["m"].split("-"))
        return date(y, m, 1)
    return timezone.localdate().replace(day=1)


def _visible_officer(request, officer_id: str | None) -> Officer:
    access = get_access(request)
    if officer_id:
        if not officer_id.isdigit():  # ?officer=abc names nobody
            raise Http404
        return get_object_or_404(access.officers(), pk=officer_id)
    return _officer(request)


@login_required
def month(request):
    """This month's calendar with the status of each day and the month's colour."""
    officer = _visible_officer(request, request.GET.get("officer"))
    first = _month(request)
    last = first.replace(day=pycalendar.monthrange(first.year, first.month)[1])
    records = {d.date: d for d in AttendanceDay.objects.filter(officer=officer, date__range=(first, last))}
    weeks = []
    for week in pycalendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        weeks.append([(d, records.get(d)) if d.month == first.month else (None, None) for d in week])
    issues = AttendanceIssue.objects.filter(officer=officer, date__range=(first, last)).exclude(
        status=IssueStatus.WITHDRAWN
    )
    card = ColourCard.objects.filter(officer=officer, month=first).first()
    movements: dict[date, list] = {}
    for m in _movements_of(officer, first, last):
        movements.setdefault(m.date, []).append(m)
    weeks = [[(d, rec, movements.get(d, ())) for d, rec in week] for week in weeks]
    counts = {}
    for issue in issues:
        counts[issue.code] = counts.get(issue.code, 0) + 1
    return render(
        request,
        "attendance/month.html",
        {
            "officer": officer,
            "first": first,
            "weeks": weeks,
            "card": card,
            "issues": issues,
            "counts": counts,
            "previous": (first - timedelta(days=1)).replace(day=1),
            "next": last + timedelta(days=1),
            "rejected": sum(1 for i in issues if i.counts_against),
        },
    )


@login_required
def transactions(request):
    """Transaksi Kehadiran: every clock event, newest first."""
    officer = _visible_officer(request, request.GET.get("officer"))
    events = ClockEvent.objects.filter(officer=officer).select_related("site").order_by("-at", "-pk")
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "attendance/transactions.html", {"officer": officer, "page": page})


@login_required
def my_issues(request):
    officer = _officer(request)
    issues = list(AttendanceIssue.objects.filter(officer=officer).exclude(status=IssueStatus.WITHDRAWN)[:200])
    for issue in issues:
        # One form per issue, with ids of its own (labels must point at their own fields).
        issue.form = AnswerForm(initial={"reason": issue.reason}, auto_id=f"issue-{issue.pk}-%s")
    return render(request, "attendance/issues.html", {"issues": issues})


@login_required
@require_POST
def answer(request, pk: int):
    issue = get_object_or_404(AttendanceIssue, pk=pk, officer=_officer(request))
    form = AnswerForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.answer_issue(
                issue, reason=form.cleaned_data["reason"], attachment=form.cleaned_data.get("attachment")
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Your reason has been sent to your supervisor."))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect("attendance:issues")


@is_supervisor
def team(request):
    """Supervisees today: in, not yet in, late, outside the office, on leave."""
    access = get_access(request)
    today = timezone.localdate()
    officers = Officer.objects.filter(pk__in=access.supervisee_ids(), user__is_active=True).select_related(
        "user"
    )
    if access.is_org_admin and request.GET.get("all"):
        officers = Officer.objects.filter(user__is_active=True).select_related("user")
    records = {d.officer_id: d for d in AttendanceDay.objects.filter(officer__in=officers, date=today)}
    last_event = {}
    for e in ClockEvent.objects.filter(officer__in=officers, attendance_date=today).select_related("site"):
        last_event[e.officer_id] = e
    rows = [(o, records.get(o.pk), last_event.get(o.pk)) for o in officers.order_by("user__full_name")]
    # Each officer counts once under their main status, and again under "outside the office area" or
    # "no location" when that applies too (a late officer may also have clocked in from outside).
    summary = {}
    for _o, rec, _e in rows:
        if rec is None:
            codes = {rules.Code.BELUM_MASUK}
        else:
            codes = {rec.primary} | ({rules.Code.LUAR_KAWASAN, rules.Code.TIADA_LOKASI} & set(rec.codes))
        for key in codes:
            summary[key] = summary.get(key, 0) + 1
    pending = decidable_issues(access).filter(status=IssueStatus.ANSWERED).count()
    return render(
        request,
        "attendance/team.html",
        {
            "rows": rows,
            "today": today,
            "summary": summary,
            "pending": pending,
            "profile": AgencyProfile.current(),
        },
    )


@is_supervisor
def team_issues(request):
    """Answered issues to decide, with the day's clock-in and minutes late or early."""
    access = get_access(request)
    return render(
        request,
        "attendance/team_issues.html",
        {"rows": decisions.rows_to_decide(access), "form": DecideForm()},
    )


@is_supervisor
@require_POST
def decide(request):
    """Decide one or many answered issues with one decision and one comment: all or nothing."""
    access = get_access(request)
    form = DecideForm(request.POST)
    ids = [int(x) for x in request.POST.getlist("issue") if x.isdigit()]
    if not form.is_valid() or not ids:
        messages.error(request, _("Choose at least one issue and a decision."))
        return redirect("attendance:team_issues")
    try:
        decided = decisions.decide_issues(
            access,
            ids,
            accept=form.cleaned_data["decision"] == "accept",
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        n = len(decided)
        messages.success(request, ngettext("%(n)d issue decided.", "%(n)d issues decided.", n) % {"n": n})
    return redirect("attendance:team_issues")


@login_required
def issue_attachment(request, pk: int):
    """An issue's attachment, to the officer who gave it and to those who may decide it. Uploaded
    files are never served from a public URL."""
    from django.http import FileResponse, Http404

    access = get_access(request)
    own = (
        AttendanceIssue.objects.filter(officer=access.officer)
        if access.officer
        else AttendanceIssue.objects.none()
    )
    issue = (own | decidable_issues(access)).filter(pk=pk).first()
    if issue is None or not issue.attachment:
        raise Http404
    name = issue.attachment.name.rsplit("/", 1)[-1]
    return FileResponse(issue.attachment.open("rb"), as_attachment=True, filename=name)
