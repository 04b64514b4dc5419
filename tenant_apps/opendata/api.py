"""Open-data API (`/api/v1/open/…`, API tokens only) and the org admin's management API for tokens,
webhooks and deliveries (`/api/v1/api-tokens/`, `/api/v1/webhooks/`, `/api/v1/webhook-deliveries/`,
signed-in org admins only)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from spotme.api import MAX_BIGINT, Pagination, check_date
from tenant_apps.attendance.models import AttendanceDay
from tenant_apps.movements.models import Movement
from tenant_apps.organisation.models import OrgUnit
from tenant_apps.people.api import AgencyViewSet
from tenant_apps.people.models import Officer

from . import delivery as sending
from . import events, services
from .auth import ApiTokenAuthentication, HasScope, TokenRateThrottle, record_use
from .models import ApiToken, Event, Scope, TokenUse, WebhookAttempt, WebhookDelivery, WebhookEndpoint

MAX_RANGE_DAYS = 366

# --- open data ------------------------------------------------------------------------------------


class OpenDataPagination(Pagination):
    default_limit = 100
    max_limit = 1000


class OpenDataView(generics.GenericAPIView):
    """Read-only, API tokens only (a browser session gives no access here), a rate per token, and
    one audit row per request whatever its outcome."""

    authentication_classes = [ApiTokenAuthentication]
    permission_classes = [HasScope]
    throttle_classes = [TokenRateThrottle]
    pagination_class = OpenDataPagination
    required_scope = ""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        record_use(request, response)
        response["Cache-Control"] = "no-store"
        return response

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def get(self, request, *args, **kwargs):
        return self.list(request, *args, **kwargs)

    # filters shared by the endpoints
    def _date(self, name: str) -> date | None:
        value = self.request.query_params.get(name)
        if not value:
            return None
        try:
            parsed = parse_date(value)
        except ValueError:  # well formed, no such day (2025-02-30)
            parsed = None
        if parsed is None:
            raise ValidationError({name: "YYYY-MM-DD"})
        return check_date(name, parsed)

    def _range(self, default: date | None) -> tuple[date | None, date | None]:
        if single := self._date("date"):
            return single, single
        start, end = self._date("from"), self._date("to")
        if start is None and end is None:
            return default, default
        end = end or start + timedelta(days=MAX_RANGE_DAYS - 1)
        start = start or end - timedelta(days=MAX_RANGE_DAYS - 1)
        if start > end or (end - start).days >= MAX_RANGE_DAYS:
            raise ValidationError({"from": f"the range must be 1–{MAX_RANGE_DAYS} days"})
        return start, end

    def _int(self, name: str) -> int | None:
        value = self.request.query_params.get(name, "")
        if not value:
            return None
        if not value.isdigit() or int(value) > MAX_BIGINT:
            raise ValidationError({name: "an id"})
        return int(value)

    def _updated_since(self) -> datetime | None:
        value = self.request.query_params.get("updated_since")
        if not value:
            return None
        try:
            parsed = parse_datetime(value)
        except ValueError:  # well formed, no such moment
            parsed = None
        if parsed is None or not 2000 <= parsed.year <= 2100:
            raise ValidationError({"updated_since": "ISO 8601 date-time, e.g. 2026-11-24T06:00:00+08:00"})
        return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)

    def _units(self, name: str = "org_unit"):
        unit_id = self._int(name)
        if unit_id is None:
            return None
        root = OrgUnit.objects.filter(pk=unit_id).first()
        return root.descendants() if root else OrgUnit.objects.none()


FILTERS = {
    "date": OpenApiParameter("date", OpenApiTypes.DATE, description="one day (instead of from/to)"),
    "from": OpenApiParameter("from", OpenApiTypes.DATE, description="first day (range ≤ 366 days)"),
    "to": OpenApiParameter("to", OpenApiTypes.DATE, description="last day"),
    "officer": OpenApiParameter("officer", int, description="officer id"),
    "org_unit": OpenApiParameter("org_unit", int, description="unit id (its sub-units included)"),
    "updated_since": OpenApiParameter(
        "updated_since", OpenApiTypes.DATETIME, description="only rows changed at or after this time"
    ),
}


class OpenDaySerializer(serializers.ModelSerializer):
    class Meta:
        model = AttendanceDay
        fields = ["id", "officer", "date", *AttendanceDay.RESULT_FIELDS, "updated_at"]


@extend_schema(
    tags=["open data"],
    description="Daily attendance records (scope `attendance:read`). Without a date filter: yesterday. "
    "Ordered by date, then officer.",
    parameters=[
        *(FILTERS[k] for k in ("date", "from", "to", "officer", "org_unit", "updated_since")),
        OpenApiParameter("closed", bool, description="only closed (final) or only open days"),
    ],
)
class OpenAttendanceDays(OpenDataView, mixins.ListModelMixin):
    required_scope = Scope.ATTENDANCE
    serializer_class = OpenDaySerializer

    def get_queryset(self):
        yesterday = timezone.localdate() - timedelta(days=1)
        start, end = self._range(yesterday)
        qs = AttendanceDay.objects.filter(date__range=(start, end)).order_by("date", "officer_id")
        if (officer := self._int("officer")) is not None:
            qs = qs.filter(officer_id=officer)
        if (units := self._units()) is not None:
            qs = qs.filter(officer__org_unit__in=units)
        if (since := self._updated_since()) is not None:
            qs = qs.filter(updated_at__gte=since)
        if self.request.query_params.get("closed") in ("true", "false"):
            qs = qs.filter(closed=self.request.query_params["closed"] == "true")
        return qs


class OpenOrgUnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrgUnit
        fields = ["id", "code", "name"]


class OpenOfficerSerializer(serializers.ModelSerializer):
    """Who the officer is at work. Not here: the phone number (personal), password, login and
    security settings, preferred language."""

    mykad = serializers.CharField(source="user.username")
    full_name = serializers.CharField(source="user.full_name")
    email = serializers.EmailField(source="user.email")
    is_active = serializers.BooleanField(source="user.is_active")
    org_unit = OpenOrgUnitSerializer(allow_null=True)
    roles = serializers.SerializerMethodField()

    class Meta:
        model = Officer
        fields = [
            "id",
            "mykad",
            "full_name",
            "email",
            "grade",
            "position",
            "org_unit",
            "supervisor",
            "join_date",
            "leave_date",
            "is_active",
            "roles",
            "updated_at",
        ]

    def get_roles(self, officer) -> list[str]:
        return sorted(g.name for g in officer.user.groups.all())


class OfficerQueryset:
    def officers(self):
        return (
            Officer.objects.select_related("user", "org_unit").prefetch_related("user__groups").order_by("pk")
        )


@extend_schema(
    tags=["open data"],
    description="Officers (scope `officers:read`), ordered by id.",
    parameters=[
        OpenApiParameter("ids", str, description="comma-separated officer ids (at most 500)"),
        FILTERS["org_unit"],
        OpenApiParameter("active", bool),
        FILTERS["updated_since"],
    ],
)
class OpenOfficers(OpenDataView, OfficerQueryset, mixins.ListModelMixin):
    required_scope = Scope.OFFICERS
    serializer_class = OpenOfficerSerializer

    def get_queryset(self):
        qs = self.officers()
        params = self.request.query_params
        if ids := params.get("ids"):
            parts = ids.split(",")
            if len(parts) > 500 or not all(p.strip().isdigit() for p in parts):
                raise ValidationError({"ids": "at most 500 comma-separated ids"})
            qs = qs.filter(pk__in=[int(p) for p in parts])
        if (units := self._units()) is not None:
            qs = qs.filter(org_unit__in=units)
        if params.get("active") in ("true", "false"):
            qs = qs.filter(user__is_active=params["active"] == "true")
        if (since := self._updated_since()) is not None:
            qs = qs.filter(updated_at__gte=since)
        return qs


@extend_schema(tags=["open data"], description="One officer (scope `officers:read`).")
class OpenOfficer(OpenDataView, OfficerQueryset, mixins.RetrieveModelMixin):
    required_scope = Scope.OFFICERS
    serializer_class = OpenOfficerSerializer

    def get_queryset(self):
        return self.officers()

    def get(self, request, *args, **kwargs):
        return self.retrieve(request, *args, **kwargs)


class OpenMovementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Movement
        fields = [
            "id",
            "officer",
            "date",
            "whole_day",
            "start_time",
            "end_time",
            "kind",
            "place",
            "purpose",
            "status",
            "approval",
            "created_at",
            "updated_at",
        ]


@extend_schema(
    tags=["open data"],
    description="Movements (scope `movements:read`): without a date filter, today. Attachments and "
    "location pins are not included.",
    parameters=[*(FILTERS[k] for k in ("date", "from", "to", "officer", "org_unit", "updated_since"))],
)
class OpenMovements(OpenDataView, mixins.ListModelMixin):
    required_scope = Scope.MOVEMENTS
    serializer_class = OpenMovementSerializer

    def get_queryset(self):
        today = timezone.localdate()
        start, end = self._range(today)
        qs = Movement.objects.filter(date__range=(start, end)).order_by("date", "start_time", "pk")
        if (officer := self._int("officer")) is not None:
            qs = qs.filter(officer_id=officer)
        if (units := self._units()) is not None:
            qs = qs.filter(officer__org_unit__in=units)
        if (since := self._updated_since()) is not None:
            qs = qs.filter(updated_at__gte=since)
        return qs


# --- management (org admins) ------------------------------------------------------------------------


class OrgAdminViewSet(AgencyViewSet):
    @staticmethod
    def read(access) -> bool:
        return access.is_org_admin

    @staticmethod
    def write(access) -> bool:
        return access.is_org_admin


def _refused(exc: DjangoValidationError):
    return ValidationError(exc.message_dict if hasattr(exc, "error_dict") else {"detail": exc.messages})


class ApiTokenSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username", default=None, read_only=True)
    is_usable = serializers.BooleanField(read_only=True)
    scopes = serializers.ListField(child=serializers.ChoiceField(choices=Scope.choices))

    class Meta:
        model = ApiToken
        fields = [
            "id",
            "name",
            "prefix",
            "scopes",
            "expires_at",
            "created_at",
            "created_by",
            "revoked_at",
            "is_usable",
        ]
        read_only_fields = ["prefix", "created_at", "revoked_at"]


class NewApiTokenSerializer(ApiTokenSerializer):
    token = serializers.CharField(read_only=True, help_text="Shown once: store it now.")

    class Meta(ApiTokenSerializer.Meta):
        fields = [*ApiTokenSerializer.Meta.fields, "token"]


class TokenUseSerializer(serializers.ModelSerializer):
    class Meta:
        model = TokenUse
        fields = ["at", "method", "path", "status", "ip_address"]


@extend_schema_view(
    list=extend_schema(tags=["open data management"], description="The agency's API tokens (org admins)."),
    retrieve=extend_schema(tags=["open data management"]),
    create=extend_schema(
        tags=["open data management"],
        request=ApiTokenSerializer,
        responses={201: NewApiTokenSerializer},
        description="Create a token. The response holds the token itself, once; only its hash is kept.",
    ),
)
class ApiTokenViewSet(OrgAdminViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    serializer_class = ApiTokenSerializer

    def get_queryset(self):
        return ApiToken.objects.select_related("created_by").order_by("-created_at", "-pk")

    def create(self, request):
        serializer = ApiTokenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            new = services.create_token(**serializer.validated_data, created_by=request.user)
        except DjangoValidationError as exc:
            raise _refused(exc) from exc
        data = NewApiTokenSerializer(new.token).data
        data["token"] = new.plaintext
        response = Response(data, status=status.HTTP_201_CREATED)
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(tags=["open data management"], request=None, responses=ApiTokenSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        token = services.revoke_token(self.get_object(), by=request.user)
        return Response(ApiTokenSerializer(token).data)

    @extend_schema(tags=["open data management"], responses=TokenUseSerializer(many=True))
    @action(detail=True, methods=["get"])
    def uses(self, request, pk=None):
        token = self.get_object()
        page = self.paginate_queryset(TokenUse.objects.filter(token=token).order_by("-at", "-pk"))
        return self.get_paginated_response(TokenUseSerializer(page, many=True).data)


class WebhookSerializer(serializers.ModelSerializer):
    events = serializers.ListField(child=serializers.ChoiceField(choices=Event.choices))
    secret_prefix = serializers.CharField(read_only=True)

    class Meta:
        model = WebhookEndpoint
        fields = [
            "id",
            "url",
            "description",
            "events",
            "is_active",
            "secret_prefix",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


class WebhookWithSecretSerializer(WebhookSerializer):
    secret = serializers.CharField(read_only=True, help_text="Shown once: the key to verify signatures.")

    class Meta(WebhookSerializer.Meta):
        fields = [*WebhookSerializer.Meta.fields, "secret"]


class AttemptSerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookAttempt
        fields = ["number", "at", "status_code", "error", "response_excerpt", "duration_ms"]


class DeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "endpoint",
            "event_id",
            "event",
            "status",
            "attempts",
            "next_attempt_at",
            "last_status_code",
            "last_error",
            "created_at",
            "delivered_at",
        ]


class DeliveryDetailSerializer(DeliverySerializer):
    log = AttemptSerializer(many=True, read_only=True)

    class Meta(DeliverySerializer.Meta):
        fields = [*DeliverySerializer.Meta.fields, "payload", "response_excerpt", "log"]


def _with_secret(result) -> Response:
    data = WebhookWithSecretSerializer(result.endpoint).data
    data["secret"] = result.secret
    return data


@extend_schema_view(
    list=extend_schema(tags=["open data management"], description="The agency's webhooks (org admins)."),
    retrieve=extend_schema(tags=["open data management"]),
    create=extend_schema(
        tags=["open data management"],
        request=WebhookSerializer,
        responses={201: WebhookWithSecretSerializer},
        description="Add a webhook. The response holds its signing secret, once.",
    ),
    update=extend_schema(
        tags=["open data management"], request=WebhookSerializer, responses=WebhookSerializer
    ),
    partial_update=extend_schema(
        tags=["open data management"], request=WebhookSerializer, responses=WebhookSerializer
    ),
)
class WebhookViewSet(OrgAdminViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    serializer_class = WebhookSerializer

    def get_queryset(self):
        return WebhookEndpoint.objects.order_by("-is_active", "url", "pk")

    def create(self, request):
        serializer = WebhookSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            result = services.create_endpoint(
                url=data["url"],
                events=data["events"],
                description=data.get("description", ""),
                created_by=request.user,
            )
        except DjangoValidationError as exc:
            raise _refused(exc) from exc
        response = Response(_with_secret(result), status=status.HTTP_201_CREATED)
        response["Cache-Control"] = "no-store"
        return response

    def update(self, request, pk=None, partial=False):
        endpoint = self.get_object()
        serializer = WebhookSerializer(endpoint, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        try:
            endpoint = services.update_endpoint(endpoint, **serializer.validated_data)
        except DjangoValidationError as exc:
            raise _refused(exc) from exc
        return Response(WebhookSerializer(endpoint).data)

    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)

    @extend_schema(tags=["open data management"], request=None, responses=WebhookWithSecretSerializer)
    @action(detail=True, methods=["post"], url_path="rotate-secret")
    def rotate_secret(self, request, pk=None):
        response = Response(_with_secret(services.rotate_secret(self.get_object())))
        response["Cache-Control"] = "no-store"
        return response

    @extend_schema(
        tags=["open data management"],
        request=None,
        responses={202: DeliverySerializer},
        description="Send a `ping` event to this webhook now.",
    )
    @action(detail=True, methods=["post"])
    def ping(self, request, pk=None):
        with transaction.atomic():
            delivery = events.send_ping(self.get_object())
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)


@extend_schema_view(
    list=extend_schema(
        tags=["open data management"],
        description="The delivery log, newest first (org admins).",
        parameters=[
            OpenApiParameter("webhook", int),
            OpenApiParameter("status", str, enum=["pending", "delivered", "failed"]),
            OpenApiParameter("event", str),
        ],
    ),
    retrieve=extend_schema(tags=["open data management"], responses=DeliveryDetailSerializer),
)
class WebhookDeliveryViewSet(OrgAdminViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    serializer_class = DeliverySerializer

    def get_serializer_class(self):
        return DeliveryDetailSerializer if self.action == "retrieve" else DeliverySerializer

    def get_queryset(self):
        qs = WebhookDelivery.objects.order_by("-created_at", "-pk")
        params = self.request.query_params
        if (webhook := params.get("webhook", "")).isdigit():
            qs = qs.filter(endpoint_id=webhook)
        if s := params.get("status"):
            qs = qs.filter(status=s)
        if e := params.get("event"):
            qs = qs.filter(event=e)
        if self.action == "retrieve":
            qs = qs.prefetch_related("log")
        return qs

    @extend_schema(
        tags=["open data management"],
        request=None,
        responses={202: DeliverySerializer},
        description="One more attempt at this delivery (same event id), now.",
    )
    @action(detail=True, methods=["post"])
    def redeliver(self, request, pk=None):
        from django.db import connection

        from .tasks import enqueue

        with transaction.atomic():
            delivery = sending.redeliver(self.get_object())
            enqueue(connection.schema_name, [delivery.pk])  # the outbox, in this transaction
        return Response(DeliverySerializer(delivery).data, status=status.HTTP_202_ACCEPTED)
