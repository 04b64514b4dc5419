"""Dashboards (Paparan Dashboard): the officer's home, the supervisor's team, the executive's agency
statistics and the org admin's monitoring. Thin views: figures come from `stats`, reach from
`people.access`."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from tenant_apps.attendance import views as attendance_views
from tenant_apps.people.access import get_access, require
from tenant_apps.people.models import Officer

from . import stats
from .forms import StatsFilter, YearForm

sees_team = require(lambda a: a.is_supervisor or a.is_org_admin)
sees_agency = require(lambda a: a.sees_whole_agency)
monitors = require(lambda a: a.is_org_admin)


def supervisees(access):
    return Officer.objects.filter(pk__in=access.supervisee_ids())


def officer_dashboard(officer, today) -> dict:
    """The officer's part of the home page (Paparan Dashboard Pegawai)."""
    from tenant_apps.tasks.models import OPEN_STATUSES, Task, TaskLogEntry

    log = list(TaskLogEntry.objects.filter(officer=officer, date=today).order_by("pk")[:5])
    tasks = list(
        Task.objects.filter(assignees=officer, status__in=OPEN_STATUSES).order_by("due_date", "pk")[:5]
    )
    return {
        "task_log": log,
        "task_log_minutes": sum(e.minutes for e in log),
        "open_tasks": tasks,
        "month_view": stats.officer_month(officer, today.replace(day=1)),
        "year": today.year,
        "year_colours": stats.officer_year(officer, today.year, today),
    }


@login_required
def home(request):
    """The home page: today's card and clock buttons, the officer's dashboard, and links to the
    dashboards of the person's other roles."""
    context = attendance_views.home_context(request)
    access = context["access"]
    if access.officer is not None:
        context.update(officer_dashboard(access.officer, context["today"]))
    return render(request, "attendance/home.html", context)


@sees_team
def team(request):
    """Paparan Dashboard Penyelia: supervisees today with a map, the two monthly grids, what waits."""
    access = get_access(request)
    today = timezone.localdate()
    year = YearForm(request.GET).chosen(today.year)
    officers = supervisees(access)
    return render(
        request,
        "insights/team.html",
        {
            "today_team": stats.team_today(officers, today),
            "grids": stats.team_year(officers, year, today),
            "pending": stats.team_pending(officers, today),
            "year": year,
            "years": [year - 1, year + 1],
        },
    )


COLOUR_HEX = {"kuning": "#f6d54a", "hijau": "#2e9e4f", "merah": "#c62828"}


def period_label(iso: str, granularity: str) -> str:
    """A trend period as the pages write dates: 07/12/2026 (a day, or the Monday of a week), "Disember
    2026" (a month) — not the ISO form the JSON carries."""
    from datetime import date

    from django.utils.formats import date_format

    try:
        day = date.fromisoformat(str(iso))
    except ValueError:
        return iso
    return date_format(day, "F Y" if granularity == "month" else "d/m/Y")


def charts(figures: dict) -> dict:
    """Chart specifications for dashboards.js (labels translated here, figures from `stats`)."""
    trend = figures["trend"]
    units = figures["by_unit"]
    clock = figures["clock_ins"]
    colours = figures["colours"]
    return {
        "trend": {
            "type": "bar",
            "labels": [period_label(row["period"], figures.get("granularity", "day")) for row in trend],
            "right": True,
            "datasets": [
                {
                    "label": _("Attendance rate (%)"),
                    "data": [row["rate"] for row in trend],
                    "kind": "line",
                    "axis": "y2",
                },
                {"label": _("Late"), "data": [row["late"] for row in trend]},
                {"label": _("Early out"), "data": [row["early_out"] for row in trend]},
                {"label": _("Absent"), "data": [row["absent"] for row in trend]},
            ],
        },
        "units": {
            "type": "bar",
            "labels": [row["name"] or _("No unit") for row in units],
            "percent": True,
            "datasets": [{"label": _("Attendance rate (%)"), "data": [row["rate"] for row in units]}],
        },
        "clock_ins": {
            "type": "doughnut",
            "labels": [_("Inside the office area"), _("Outside the office area"), _("No location")],
            "datasets": [
                {
                    "label": _("Clock-ins"),
                    "data": [
                        clock["clock_ins"] - clock["outside"] - clock["no_location"],
                        clock["outside"],
                        clock["no_location"],
                    ],
                    "colours": ["#2e9e4f", "#c62828", "#6b7280"],
                }
            ],
        },
        "colours": {
            "type": "doughnut",
            "labels": [_("Yellow"), _("Green"), _("Red")],
            "datasets": [
                {
                    "label": _("Colour cards"),
                    "data": [colours[c] for c in ("kuning", "hijau", "merah")],
                    "colours": [COLOUR_HEX[c] for c in ("kuning", "hijau", "merah")],
                }
            ],
        },
    }


def _agency_context(request) -> dict:
    today = timezone.localdate()
    form = StatsFilter(request.GET or None, today=today)
    chosen = form.values()
    figures = stats.agency_stats(
        chosen["start"], chosen["end"], unit=chosen["unit"], granularity=chosen["granularity"]
    )
    return {
        "form": form,
        "figures": figures,
        "charts": charts(figures),
        "trail": stats.unit_trail(chosen["unit"]),
        "unit": chosen["unit"],
    }


@sees_agency
def agency(request):
    """Paparan Dashboard Eksekutif: the agency's statistics, filtered by dates and org unit."""
    return render(request, "insights/agency.html", _agency_context(request))


@monitors
def monitoring(request):
    """Paparan Dashboard Pentadbir Organisasi: the same statistics and the configuration's health."""
    context = _agency_context(request)
    context["health"] = stats.config_health(timezone.localdate())
    return render(request, "insights/monitoring.html", context)
