"""Attendance API: clock in/out, today, days, issues (answer/decide), patterns and policy, calendar."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.decorators import api_view
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from spotme.api import check_date, query_date, query_month
from spotme.audit.events import client_ip
from tenant_apps.organisation.models import AgencyProfile
from tenant_apps.people.access import get_access

from . import calendar, decisions, services
from .decisions import decidable_issues
from .forms import ClockForm
from .models import AttendanceDay, AttendanceIssue, ClockEvent, IssueStatus, Policy, WorkingPattern
from .views import position_from, tap_from


def _officer(request):
    officer = get_access(request).officer
    if officer is None:
        raise PermissionDenied("no officer profile")
    return officer


class ClockEventSerializer(serializers.ModelSerializer):
    received_at = serializers.DateTimeField(source="created_at", read_only=True)
    sent_late = serializers.BooleanField(read_only=True)

    class Meta:
        model = ClockEvent
        fields = [
            "id",
            "at",
            "direction",
            "attendance_date",
            "source",
            "latitude",
            "longitude",
            "accuracy_m",
            "location_status",
            "site",
            "inside",
            "distance_m",
            "client_time",
            "phone_sent_at",
            "clock_skew_seconds",
            "received_at",
            "sent_late",
            "overridden_by_device",
        ]


# One instance answers every clock-in: a ModelSerializer builds its fields from the model when it is
# first used, which per instance was a tenth of a clock-in's time; `to_representation` keeps no state.
_CLOCK_EVENT_OUT = ClockEventSerializer()


class DaySerializer(serializers.ModelSerializer):
    officer_mykad = serializers.CharField(source="officer.user.username", read_only=True)

    class Meta:
        model = AttendanceDay
        fields = ["officer", "officer_mykad", "date", *AttendanceDay.RESULT_FIELDS]


class IssueSerializer(serializers.ModelSerializer):
    class Meta:
        model = AttendanceIssue
        fields = [
            "id",
            "officer",
            "date",
            "code",
            "status",
            "reason",
            "answered_at",
            "decided_by",
            "decided_at",
            "decision_comment",
            "expired",
        ]


class ClockRequest(serializers.Serializer):
    direction = serializers.ChoiceField(choices=["in", "out"])
    latitude = serializers.FloatField(required=False, allow_null=True)
    longitude = serializers.FloatField(required=False, allow_null=True)
    accuracy = serializers.FloatField(required=False, allow_null=True)
    # Optional fields may also be sent as null, meaning absent (a phone's queue writes them so).
    location_status = serializers.ChoiceField(
        choices=["ok", "denied", "unavailable"], required=False, allow_null=True
    )
    idempotency_key = serializers.CharField(required=False, allow_null=True, max_length=64)
    client_time = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="the phone's clock when the officer tapped (a punch kept offline)",
    )
    sent_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="the phone's clock when this request was sent; with `client_time`, the punch counts at "
        "the tap (corrected by the phone clock's measured error) if within the agency's offline window",
    )
    user_id = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="the user who tapped (a phone's queue): refused (409) if another is signed in",
    )


@extend_schema(request=ClockRequest, responses={201: ClockEventSerializer, 200: ClockEventSerializer})
@api_view(["POST"])
def clock(request):
    """Daftar Masuk / Daftar Keluar. Send an `idempotency_key` (or the `Idempotency-Key` header):
    a retried request returns the first event (200) instead of making a second one (201)."""
    ClockRequest(data=request.data).is_valid(raise_exception=True)  # the body as the schema declares it
    data = {k: v for k, v in request.data.items() if v is not None}  # null: as if absent
    key = request.headers.get("Idempotency-Key") or data.get("idempotency_key", "")
    form = ClockForm({**data, "idempotency_key": key})
    if not form.is_valid():
        raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
    client_time = form.cleaned_data.get("client_time")
    if client_time is not None:
        check_date("client_time", client_time)
    if form.cleaned_data.get("sent_at") is not None:
        check_date("sent_at", form.cleaned_data["sent_at"])
    if str(data.get("user_id", request.user.pk)) != str(request.user.pk):
        return Response(
            {"detail": _("This clock-in was made by another user on this phone."), "code": "other_user"},
            status=status.HTTP_409_CONFLICT,
        )
    try:
        tap = tap_from(form.cleaned_data)
        event = services.clock(
            None,  # the signed-in user's officer profile, read with the day
            form.cleaned_data["direction"],
            position=position_from(form.cleaned_data),
            source=services.Source.API,
            idempotency_key=key,
            user_agent=request.headers.get("User-Agent", ""),
            ip=client_ip(request),
            client_time=client_time,
            user=request.user,
            tap=tap,
            refuse_out_without_in=True,
        )
    except DjangoValidationError as exc:
        return Response(
            {"detail": " ".join(exc.messages), "code": getattr(exc, "code", None) or "invalid"},
            status=status.HTTP_400_BAD_REQUEST,
        )
    replayed = getattr(event, "replayed", False)
    return Response(_CLOCK_EVENT_OUT.to_representation(event), status=status.HTTP_200_OK if replayed else 201)


@extend_schema(
    responses=inline_serializer(
        "Today",
        {
            "date": serializers.DateField(),
            "record": DaySerializer(allow_null=True),
            "events": ClockEventSerializer(many=True),
        },
    )
)
@api_view(["GET"])
def today(request):
    officer = _officer(request)
    day, record = services.today_for(officer)
    events = ClockEvent.objects.filter(officer=officer, attendance_date=day)
    return Response(
        {
            "date": day,
            "record": DaySerializer(record).data if record else None,
            "events": ClockEventSerializer(events, many=True).data,
        }
    )


def _date_param(request, name: str, default: date) -> date:
    return query_date(request, name, default)


@extend_schema(
    parameters=[
        OpenApiParameter("officer", int),
        OpenApiParameter("from", str),
        OpenApiParameter("to", str),
        OpenApiParameter("status", str),
    ],
    responses=DaySerializer(many=True),
)
@api_view(["GET"])
def days(request):
    """Daily records of yourself, or of an officer you may see (`officer`), over at most 366 days."""
    access = get_access(request)
    officer_id = request.query_params.get("officer")
    if officer_id:
        if not officer_id.isdigit() or not access.officers().filter(pk=officer_id).exists():
            raise NotFound()
        officer_ids = [int(officer_id)]
    else:
        officer_ids = [_officer(request).pk]
    end = _date_param(request, "to", date.today())
    start = _date_param(request, "from", end - timedelta(days=30))
    if start > end or (end - start).days > 366:
        raise ValidationError({"from": "the range must be 0–366 days"})
    qs = (
        AttendanceDay.objects.filter(officer_id__in=officer_ids, date__range=(start, end))
        .select_related("officer__user")
        .order_by("date")
    )
    if code := request.query_params.get("status"):
        qs = qs.filter(codes__contains=[code])
    return Response(DaySerializer(qs, many=True).data)


@extend_schema(
    parameters=[OpenApiParameter("status", str), OpenApiParameter("scope", str, enum=["mine", "to_decide"])],
    responses=IssueSerializer(many=True),
)
@api_view(["GET"])
def issues(request):
    access = get_access(request)
    if request.query_params.get("scope") == "to_decide":
        qs = decidable_issues(access)
    else:
        qs = AttendanceIssue.objects.filter(officer=_officer(request))
    if s := request.query_params.get("status"):
        qs = qs.filter(status=s)
    return Response(IssueSerializer(qs.order_by("-date", "code")[:500], many=True).data)


class AnswerRequest(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class DecisionRequest(serializers.Serializer):
    accept = serializers.BooleanField()
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


@extend_schema(request=AnswerRequest, responses=IssueSerializer)
@api_view(["POST"])
def answer(request, pk: int):
    issue = get_object_or_404(AttendanceIssue, pk=pk, officer=_officer(request))
    body = AnswerRequest(data=request.data)
    body.is_valid(raise_exception=True)
    try:
        services.answer_issue(issue, reason=body.validated_data["reason"])
    except DjangoValidationError as exc:
        return Response({"detail": " ".join(exc.messages), "code": "invalid"}, status=400)
    return Response(IssueSerializer(issue).data)


@extend_schema(request=DecisionRequest, responses=IssueSerializer)
@api_view(["POST"])
def decide(request, pk: int):
    access = get_access(request)
    issue = get_object_or_404(decidable_issues(access), pk=pk)
    body = DecisionRequest(data=request.data)
    body.is_valid(raise_exception=True)
    try:  # one issue through the same path as many (decisions.py): decided, notified, audited
        [issue] = decisions.decide_issues(
            access, [issue.pk], accept=body.validated_data["accept"], comment=body.validated_data["comment"]
        )
    except DjangoValidationError as exc:
        return Response({"detail": " ".join(exc.messages), "code": "invalid"}, status=400)
    return Response(IssueSerializer(issue).data)


class PatternSerializer(serializers.ModelSerializer):
    class Meta:
        model = WorkingPattern
        fields = [
            "code",
            "name",
            "kind",
            "start",
            "latest_start",
            "duration_minutes",
            "short_day_minutes",
            "late_grace_minutes",
            "is_active",
        ]


class PolicySerializer(serializers.ModelSerializer):
    default_pattern = serializers.CharField(source="default_pattern.code")

    class Meta:
        model = Policy
        fields = list(Policy.EDITABLE_FIELDS)


@extend_schema(
    responses=inline_serializer(
        "Policies", {"patterns": PatternSerializer(many=True), "policies": PolicySerializer(many=True)}
    )
)
@api_view(["GET"])
def policies(request):
    return Response(
        {
            "patterns": PatternSerializer(WorkingPattern.objects.all(), many=True).data,
            "policies": PolicySerializer(Policy.objects.select_related("default_pattern"), many=True).data,
        }
    )


@extend_schema(
    parameters=[OpenApiParameter("month", str, description="YYYY-MM")],
    responses=inline_serializer(
        "CalendarDay",
        {
            "date": serializers.DateField(),
            "rest_day": serializers.BooleanField(),
            "holiday": serializers.CharField(allow_null=True),
        },
        many=True,
    ),
)
@api_view(["GET"])
def calendar_view(request):
    """The agency's calendar for a month: rest days and public holidays (state + overrides)."""
    first = query_month(request, "month", date.today().replace(day=1))
    profile = AgencyProfile.current()
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    rows = []
    for d in calendar.days_between(first, last):
        policy = calendar.policy_for(d)
        rows.append(
            {
                "date": d,
                "rest_day": d.weekday() in calendar.weekend(profile.state, d, policy),
                "holiday": calendar.holiday_name(profile.state, d),
            }
        )
    return Response(rows)


__all__ = ["clock", "today", "days", "issues", "answer", "decide", "policies", "calendar_view", "IssueStatus"]
