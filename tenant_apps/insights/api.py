"""The dashboards' figures as JSON (the same dicts the pages render), in the OpenAPI schema.
Reach is the pages': own figures for everyone with an officer profile, supervisees for supervisors
(and org admins), the whole agency for executives and org admins, configuration health for org
admins only."""

from __future__ import annotations

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from spotme.api import query_year
from tenant_apps.attendance import services
from tenant_apps.people.access import get_access

from . import stats
from .forms import StatsFilter
from .views import supervisees

TAG = ["dashboard"]
YEAR = OpenApiParameter("year", int, description="Year of the monthly grids (default: this year).")
FILTERS = [
    OpenApiParameter("start", OpenApiTypes.DATE, description="First day (default: the 1st of this month)."),
    OpenApiParameter("end", OpenApiTypes.DATE, description="Last day, inclusive (default: today)."),
    OpenApiParameter(
        "unit", int, description="Org unit id: its whole subtree; the breakdown shows its children."
    ),
    OpenApiParameter(
        "granularity", str, enum=list(stats.GRANULARITIES), description="Trend by day, week or month."
    ),
]
TOTALS = {
    name: serializers.IntegerField()
    for name in (
        "days",
        "owed",
        "attended",
        "absent",
        "late",
        "early_out",
        "incomplete",
        "outside",
        "after_end",
        "leave",
        "late_minutes",
        "early_minutes",
        "worked_minutes",
    )
}
TotalsSerializer = inline_serializer(
    "DashboardTotals", {**TOTALS, "rate": serializers.FloatField(allow_null=True)}
)
MonthColours = inline_serializer(
    "DashboardMonthColour",
    {
        "month": serializers.DateField(),
        "colour": serializers.ChoiceField(choices=[*stats.COLOURS, stats.FUTURE]),
        "default": serializers.BooleanField(help_text="No card computed: Kuning, the starting colour."),
    },
    many=True,
)
AgencyStatsSerializer = inline_serializer(
    "DashboardAgencyStats",
    {
        "start": serializers.DateField(),
        "end": serializers.DateField(),
        "unit": serializers.DictField(allow_null=True),
        "granularity": serializers.CharField(),
        "totals": TotalsSerializer,
        "trend": serializers.ListField(
            child=serializers.DictField(), help_text="Totals and rate per period."
        ),
        "by_unit": serializers.ListField(
            child=serializers.DictField(), help_text="Totals and rate per child unit (subtree)."
        ),
        "clock_ins": inline_serializer(
            "DashboardClockIns",
            {
                "clock_ins": serializers.IntegerField(),
                "outside": serializers.IntegerField(),
                "no_location": serializers.IntegerField(),
                "outside_share": serializers.FloatField(allow_null=True),
            },
        ),
        "colour_month": serializers.DateField(),
        "colours": serializers.DictField(child=serializers.IntegerField()),
        "issues": inline_serializer(
            "DashboardIssues",
            {
                "raised": serializers.IntegerField(),
                "open": serializers.IntegerField(),
                "awaiting_decision": serializers.IntegerField(),
                "accepted": serializers.IntegerField(),
                "rejected": serializers.IntegerField(),
                "average_decision_hours": serializers.FloatField(allow_null=True),
            },
        ),
    },
)


def _filters(request) -> dict:
    form = StatsFilter(request.query_params or None, today=timezone.localdate())
    if form.is_bound and not form.is_valid():
        raise ValidationError(form.errors)
    return form.values()


@extend_schema(
    tags=TAG,
    summary="The officer's own dashboard: this month's calendar and totals, the colour of each month.",
    parameters=[YEAR],
    responses=inline_serializer(
        "DashboardMe",
        {
            "date": serializers.DateField(),
            "month": serializers.DictField(),
            "year": serializers.IntegerField(),
            "colours": MonthColours,
        },
    ),
)
@api_view(["GET"])
def me(request):
    officer = get_access(request).officer
    if officer is None:
        raise PermissionDenied("no officer profile")
    day, _record = services.today_for(officer)
    year = query_year(request, "year", day.year)
    return Response(
        {
            "date": day.isoformat(),
            "month": stats.officer_month(officer, day.replace(day=1)),
            "year": year,
            "colours": stats.officer_year(officer, year, day),
        }
    )


@extend_schema(
    tags=TAG,
    summary="Supervisees today (status, last location), the working-pattern and colour grids, what waits.",
    parameters=[YEAR],
    responses=inline_serializer(
        "DashboardTeam",
        {
            "today": serializers.DictField(help_text="summary counts, rows with location, office sites"),
            "grids": serializers.DictField(help_text="officer × month: pattern and colour"),
            "pending": serializers.DictField(child=serializers.IntegerField()),
        },
    ),
)
@api_view(["GET"])
def team(request):
    access = get_access(request)
    if not (access.is_supervisor or access.is_org_admin):
        raise PermissionDenied()
    today = timezone.localdate()
    officers = supervisees(access)
    return Response(
        {
            "today": stats.team_today(officers, today),
            "grids": stats.team_year(officers, query_year(request, "year", today.year), today),
            "pending": stats.team_pending(officers, today),
        }
    )


@extend_schema(
    tags=TAG,
    summary="The agency's attendance statistics.",
    parameters=FILTERS,
    responses=AgencyStatsSerializer,
)
@api_view(["GET"])
def agency(request):
    if not get_access(request).sees_whole_agency:
        raise PermissionDenied()
    f = _filters(request)
    return Response(stats.agency_stats(f["start"], f["end"], unit=f["unit"], granularity=f["granularity"]))


@extend_schema(
    tags=TAG,
    summary="Configuration health: officers without supervisor, unit or working pattern; unused sites.",
    responses=inline_serializer(
        "DashboardHealth",
        {
            "date": serializers.DateField(),
            "officers": serializers.IntegerField(),
            "without_supervisor": serializers.IntegerField(),
            "without_supervisor_sample": serializers.ListField(child=serializers.DictField()),
            "without_unit": serializers.IntegerField(),
            "without_unit_sample": serializers.ListField(child=serializers.DictField()),
            "has_policy": serializers.BooleanField(),
            "on_default_pattern": serializers.IntegerField(),
            "without_pattern": serializers.IntegerField(),
            "sites_without_officers": serializers.ListField(child=serializers.DictField()),
        },
    ),
)
@api_view(["GET"])
def monitoring(request):
    if not get_access(request).is_org_admin:
        raise PermissionDenied()
    return Response(stats.config_health(timezone.localdate()))
