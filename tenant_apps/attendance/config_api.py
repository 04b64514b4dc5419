"""API of the attendance configuration (Pengurusan Waktu Kerja) and of the pattern requests.

Org admins write; org admins and executives read the agency-wide settings; leave, arrangements and
monthly patterns are read by whoever may see the officer (the officer, their supervisor, the
executive, the org admin), through the access layer. Querysets are built in `get_queryset()`, so
an object out of the caller's reach is a 404. Writes go through `config`, which validates them
with the same rules (and messages) as the pages."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.fields import get_error_detail
from rest_framework.response import Response

from spotme.api import query_date, query_int, query_year
from tenant_apps.organisation.models import OrgUnit
from tenant_apps.people.access import get_access
from tenant_apps.people.api import AgencyViewSet, SelfServiceViewSet
from tenant_apps.people.models import Officer

from . import config
from .models import (
    Arrangement,
    HolidayOverride,
    Leave,
    OfficerPattern,
    OfficeSite,
    PatternRequest,
    Policy,
    WorkingPattern,
)


class Refused(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"
    default_detail = "invalid"


def _service(call, *args, **kwargs):
    """Run a `config` write. Its field errors become a 400 keyed by field; an error about the whole
    object (a version already in force, a request already decided) a 400 with `detail` and `code`."""
    try:
        return call(*args, **kwargs)
    except DjangoValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise ApiValidationError(get_error_detail(exc)) from exc
        raise Refused(" ".join(exc.messages), code=exc.code or "invalid") from exc


def _int_param(request, name: str) -> int | None:
    return query_int(request, name)


def _date_param(request, name: str) -> date | None:
    return query_date(request, name)


class FreshQuerysetMixin:
    """Related fields whose choices are built per request (never a queryset made at import)."""

    def __init__(self, *args, queryset_fn=None, **kwargs):
        self.queryset_fn = queryset_fn
        super().__init__(*args, **kwargs)

    def get_queryset(self):
        return self.queryset_fn(self.context.get("request"))


class ScopedPrimaryKey(FreshQuerysetMixin, serializers.PrimaryKeyRelatedField):
    """`queryset` only names the model (for the schema); the choices come from `queryset_fn`."""


def _units(request):
    return OrgUnit.objects.all()


def _active_patterns(request):
    return config.active_patterns()


def _managed_officers(request):
    return get_access(request).managed_officers()


class ConfigViewSet(AgencyViewSet):
    """Agency-wide settings: org admins and executives read, org admins write."""

    @staticmethod
    def read(access) -> bool:
        return access.sees_whole_agency

    @staticmethod
    def write(access) -> bool:
        return access.is_org_admin


class OfficerDataViewSet(AgencyViewSet):
    """Per-officer data: anyone reads what the access layer lets them see; org admins write."""

    @staticmethod
    def read(access) -> bool:
        return True

    @staticmethod
    def write(access) -> bool:
        return access.is_org_admin

    def officer_scoped(self, qs):
        qs = qs.filter(officer__in=self.access.officers())
        if (officer := _int_param(self.request, "officer")) is not None:
            qs = qs.filter(officer_id=officer)
        return qs


# --- office locations -----------------------------------------------------------------------------


class OfficeSiteSerializer(serializers.ModelSerializer):
    org_units = ScopedPrimaryKey(
        many=True, required=False, queryset=OrgUnit.objects.none(), queryset_fn=_units
    )
    latitude = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=-90, max_value=90)
    longitude = serializers.DecimalField(max_digits=9, decimal_places=6, min_value=-180, max_value=180)

    class Meta:
        model = OfficeSite
        fields = ["id", "name", "latitude", "longitude", "radius_m", "org_units", "is_active"]


@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("active", bool)]))
class OfficeSiteViewSet(
    ConfigViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
):
    """Office locations (geofences). Deactivate with `is_active: false`; a location with no units
    applies to everyone."""

    serializer_class = OfficeSiteSerializer

    def get_queryset(self):
        qs = OfficeSite.objects.prefetch_related("org_units").order_by("name", "pk")
        if self.request.query_params.get("active") in ("true", "false"):
            qs = qs.filter(is_active=self.request.query_params["active"] == "true")
        return qs

    def perform_create(self, serializer):
        self._save(serializer, OfficeSite())

    def perform_update(self, serializer):
        self._save(serializer, serializer.instance)

    def _save(self, serializer, site):
        data = dict(serializer.validated_data)
        units = data.pop("org_units", None)
        if units is None:
            units = list(site.org_units.all()) if site.pk else []
        for field, value in data.items():
            setattr(site, field, value)
        serializer.instance = _service(config.save_site, site, units)


# --- working patterns -----------------------------------------------------------------------------


class WorkingPatternSerializer(serializers.ModelSerializer):
    standard = serializers.SerializerMethodField()

    class Meta:
        model = WorkingPattern
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "start",
            "latest_start",
            "duration_minutes",
            "short_day_minutes",
            "late_grace_minutes",
            "is_active",
            "standard",
        ]

    def get_standard(self, pattern) -> bool:
        return pattern.code in config.STANDARD_CODES


class WorkingPatternViewSet(
    AgencyViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
):
    """Working patterns: WBF and WP1–WP4 (standard, read-only) and the agency's own fixed, shift and
    flexible patterns. Everyone in the agency reads them (officers choose one in a request)."""

    serializer_class = WorkingPatternSerializer

    @staticmethod
    def read(access) -> bool:
        return True

    @staticmethod
    def write(access) -> bool:
        return access.is_org_admin

    def get_queryset(self):
        return WorkingPattern.objects.order_by("code")

    def perform_create(self, serializer):
        serializer.instance = _service(config.save_pattern, WorkingPattern(**serializer.validated_data))

    def perform_update(self, serializer):
        pattern = WorkingPattern.objects.get(pk=serializer.instance.pk)
        for field, value in serializer.validated_data.items():
            setattr(pattern, field, value)
        serializer.instance = _service(config.save_pattern, pattern)


# --- policy versions ------------------------------------------------------------------------------


class PolicyVersionSerializer(serializers.ModelSerializer):
    default_pattern = serializers.SlugRelatedField(slug_field="code", queryset=WorkingPattern.objects.none())
    weekend_days = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6),
        required=False,
        help_text="0=Monday … 6=Sunday; empty: the state's weekend",
    )
    editable = serializers.SerializerMethodField()

    class Meta:
        model = Policy
        fields = [
            "id",
            "effective_from",
            "default_pattern",
            "weekend_days",
            "ramadan_start",
            "ramadan_end",
            "issue_cutoff_day",
            "colour_yellow_to_green",
            "colour_green_to_red",
            "colour_green_stays",
            "colour_red_stays",
            "editable",
        ]
        validators = []  # the date's uniqueness is checked by config, with its own message

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["default_pattern"].queryset = config.active_patterns()
        self.fields["effective_from"].validators = []

    def get_editable(self, policy) -> bool:
        return config.policy_editable(policy)


class PolicyVersionViewSet(
    ConfigViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
):
    """Working-time policy versions by effective date. A new version takes effect from tomorrow at
    the earliest; versions already in force are read-only (400 `history`)."""

    serializer_class = PolicyVersionSerializer

    def get_queryset(self):
        return Policy.objects.select_related("default_pattern").order_by("-effective_from")

    def perform_create(self, serializer):
        serializer.instance = _service(config.save_policy, Policy(**serializer.validated_data))

    def perform_update(self, serializer):
        policy = Policy.objects.get(pk=serializer.instance.pk)
        for field, value in serializer.validated_data.items():
            setattr(policy, field, value)
        serializer.instance = _service(config.save_policy, policy)

    def perform_destroy(self, instance):
        _service(config.delete_policy, instance)


# --- holiday overrides ----------------------------------------------------------------------------


class HolidayOverrideSerializer(serializers.ModelSerializer):
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)

    class Meta:
        model = HolidayOverride
        fields = ["id", "date", "name", "action"]
        validators = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].validators = []


@extend_schema_view(list=extend_schema(parameters=[OpenApiParameter("year", int)]))
class HolidayOverrideViewSet(
    ConfigViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
):
    """The agency's changes to the state's public holidays: `add` a holiday, or `remove` a state
    holiday (a working day). Each change recomputes the attendance already recorded that day."""

    serializer_class = HolidayOverrideSerializer

    def get_queryset(self):
        qs = HolidayOverride.objects.order_by("date")
        if (year := query_year(self.request)) is not None:
            qs = qs.filter(date__year=year)
        return qs

    def perform_create(self, serializer):
        serializer.instance = _service(
            config.add_holiday_override, HolidayOverride(**serializer.validated_data)
        )

    def perform_destroy(self, instance):
        config.delete_holiday_override(instance)


# --- leave and arrangements -----------------------------------------------------------------------

OFFICER_FILTERS = [
    OpenApiParameter("officer", int),
    OpenApiParameter("from", str, description="YYYY-MM-DD: records ending on or after"),
    OpenApiParameter("to", str, description="YYYY-MM-DD: records starting on or before"),
]


class LeaveSerializer(serializers.ModelSerializer):
    officer = ScopedPrimaryKey(queryset=Officer.objects.none(), queryset_fn=_managed_officers)

    class Meta:
        model = Leave
        fields = ["id", "officer", "leave_type", "start_date", "end_date", "half", "note", "source"]
        read_only_fields = ["source"]


class ArrangementSerializer(serializers.ModelSerializer):
    officer = ScopedPrimaryKey(queryset=Officer.objects.none(), queryset_fn=_managed_officers)

    class Meta:
        model = Arrangement
        fields = ["id", "officer", "kind", "start_date", "end_date", "half", "note"]


class _RangeFiltered(OfficerDataViewSet):
    def ranged(self, qs):
        qs = self.officer_scoped(qs)
        if (start := _date_param(self.request, "from")) is not None:
            qs = qs.filter(end_date__gte=start)
        if (end := _date_param(self.request, "to")) is not None:
            qs = qs.filter(start_date__lte=end)
        return qs.select_related("officer").order_by("-start_date", "pk")


@extend_schema_view(list=extend_schema(parameters=OFFICER_FILTERS))
class LeaveViewSet(
    _RangeFiltered,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
):
    """Officers' leave. Half days (`am`, `pm`) are for a single day. Recomputes the days already
    recorded in the range."""

    serializer_class = LeaveSerializer

    def get_queryset(self):
        return self.ranged(Leave.objects.all())

    def perform_create(self, serializer):
        serializer.instance = _service(config.save_leave, Leave(source="api", **serializer.validated_data))

    def perform_destroy(self, instance):
        config.delete_leave(instance)


@extend_schema_view(list=extend_schema(parameters=OFFICER_FILTERS))
class ArrangementViewSet(
    _RangeFiltered,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
):
    """Work from home (`bdr`), pregnancy early leave (`pregnancy`, at most 20 weeks), official duty
    outside (`tugas_rasmi`), course (`kursus`). Recomputes the days already recorded in the range."""

    serializer_class = ArrangementSerializer

    def get_queryset(self):
        return self.ranged(Arrangement.objects.all())

    def perform_create(self, serializer):
        serializer.instance = _service(config.save_arrangement, Arrangement(**serializer.validated_data))

    def perform_destroy(self, instance):
        config.delete_arrangement(instance)


# --- officers' monthly patterns -------------------------------------------------------------------


class OfficerPatternSerializer(serializers.ModelSerializer):
    pattern = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = OfficerPattern
        fields = ["id", "officer", "month", "pattern"]


class SetOfficerPattern(serializers.Serializer):
    officer = ScopedPrimaryKey(queryset=Officer.objects.none(), queryset_fn=_managed_officers)
    month = serializers.RegexField(r"^\d{4}-(0[1-9]|1[0-2])$", help_text="YYYY-MM")
    pattern = serializers.SlugRelatedField(
        slug_field="code", queryset=WorkingPattern.objects.none(), allow_null=True, help_text="null: default"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pattern"].queryset = config.active_patterns()


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("officer", int), OpenApiParameter("year", int)]),
    create=extend_schema(request=SetOfficerPattern, responses={201: OfficerPatternSerializer, 204: None}),
)
class OfficerPatternViewSet(OfficerDataViewSet, mixins.ListModelMixin, mixins.CreateModelMixin):
    """Officers' own patterns per month (months without one follow the policy's default). POST sets
    a month's pattern (this month or later; `pattern: null` returns it to the default)."""

    serializer_class = OfficerPatternSerializer

    def get_queryset(self):
        qs = self.officer_scoped(OfficerPattern.objects.select_related("pattern"))
        if (year := query_year(self.request)) is not None:
            qs = qs.filter(month__year=year)
        return qs.order_by("officer_id", "month")

    def create(self, request):
        body = SetOfficerPattern(data=request.data, context={"request": request})
        body.is_valid(raise_exception=True)
        data = body.validated_data
        row = _service(
            config.set_officer_pattern, data["officer"], config.parse_month(data["month"]), data["pattern"]
        )
        if row is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(OfficerPatternSerializer(row).data, status=status.HTTP_201_CREATED)


# --- pattern requests -----------------------------------------------------------------------------


class PatternRequestSerializer(serializers.ModelSerializer):
    pattern = serializers.SlugRelatedField(slug_field="code", queryset=WorkingPattern.objects.none())
    month = serializers.RegexField(r"^\d{4}-(0[1-9]|1[0-2])$", help_text="YYYY-MM", write_only=True)
    month_start = serializers.DateField(source="month", read_only=True)

    class Meta:
        model = PatternRequest
        fields = [
            "id",
            "officer",
            "month",
            "month_start",
            "pattern",
            "reason",
            "status",
            "decided_by",
            "decided_at",
            "comment",
            "created_at",
        ]
        read_only_fields = ["officer", "status", "decided_by", "decided_at", "comment", "created_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pattern"].queryset = config.active_patterns()


Decision = inline_serializer(
    "PatternDecision",
    {"approve": serializers.BooleanField(), "comment": serializers.CharField(required=False)},
)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("scope", str, enum=["mine", "to_decide"]),
            OpenApiParameter("status", str, enum=PatternRequest.Status.values),
        ]
    )
)
class PatternRequestViewSet(
    SelfServiceViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin
):
    """Working-pattern requests. An officer asks for a pattern for this month or a later one
    (`scope=mine`, the default, lists their own); their supervisor or an org admin decides
    (`scope=to_decide`, `POST …/{id}/decide/`). Approval sets the officer's pattern for the month."""

    serializer_class = PatternRequestSerializer

    def get_queryset(self):
        base = PatternRequest.objects.select_related("pattern", "officer").order_by("-created_at", "-pk")
        if self.action == "list":
            if self.request.query_params.get("scope") == "to_decide":
                if not (self.access.is_supervisor or self.access.is_org_admin):
                    raise PermissionDenied()
                qs = config.decidable_pattern_requests(self.access).order_by("month", "created_at")
            else:
                qs = base.filter(officer=self._own_officer())
            if s := self.request.query_params.get("status"):
                qs = qs.filter(status=s)
            return qs
        if self.action == "decide":
            return config.decidable_pattern_requests(self.access)
        decidable = config.decidable_pattern_requests(self.access).values("pk")
        mine = Q(officer=self.access.officer) if self.access.officer is not None else Q(pk__in=[])
        return base.filter(mine | Q(pk__in=decidable))

    def create(self, request):
        officer = self._own_officer()
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        req = _service(
            config.request_pattern,
            officer,
            month=config.parse_month(data["month"]),
            pattern=data["pattern"],
            reason=data.get("reason", ""),
        )
        return Response(self.get_serializer(req).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=Decision, responses=PatternRequestSerializer)
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        if not (self.access.is_supervisor or self.access.is_org_admin):
            raise PermissionDenied()
        req = self.get_object()
        approve = request.data.get("approve")
        if not isinstance(approve, bool):
            raise ApiValidationError({"approve": "true or false"})
        req = _service(
            config.decide_pattern_request,
            req,
            by=self.access.officer,
            approve=approve,
            comment=str(request.data.get("comment", "")),
        )
        return Response(self.get_serializer(req).data)


__all__ = [
    "ArrangementViewSet",
    "HolidayOverrideViewSet",
    "LeaveViewSet",
    "OfficeSiteViewSet",
    "OfficerPatternViewSet",
    "PatternRequestViewSet",
    "PolicyVersionViewSet",
    "WorkingPatternViewSet",
]
