"""Movements API (Pergerakan). Officers list, register, change and cancel their own movements; anyone
reads the movements of the officers they may see (`retrieve`); supervisors list their team's
movements for a day and decide time out of office. Querysets come from the access layer in
`get_queryset()`, so a movement out of reach is a 404. Writes go through `services`, which applies
the same rules and messages as the pages."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.fields import get_error_detail
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from spotme.api import StrictJSONParser, query_date
from tenant_apps.people.api import SelfServiceViewSet

from . import services
from .models import Movement


class Refused(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid"
    default_detail = "invalid"


def _service(call, *args, **kwargs):
    try:
        return call(*args, **kwargs)
    except DjangoValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise ApiValidationError(get_error_detail(exc)) from exc
        raise Refused(" ".join(exc.messages), code=exc.code or "invalid") from exc


class MovementSerializer(serializers.ModelSerializer):
    officer_name = serializers.CharField(source="officer.user.get_full_name", read_only=True)
    attachment = serializers.FileField(write_only=True, required=False, help_text="PDF, PNG or JPEG, ≤ 5 MB")
    attachment_url = serializers.SerializerMethodField()
    reason = serializers.CharField(
        write_only=True, required=False, allow_blank=True, help_text="needed for a change after the start"
    )

    class Meta:
        model = Movement
        fields = [
            "id",
            "officer",
            "officer_name",
            "date",
            "whole_day",
            "start_time",
            "end_time",
            "kind",
            "place",
            "purpose",
            "latitude",
            "longitude",
            "attachment",
            "attachment_url",
            "status",
            "approval",
            "decided_by",
            "decided_at",
            "decision_comment",
            "change_reason",
            "reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "officer",
            "status",
            "approval",
            "decided_by",
            "decided_at",
            "decision_comment",
            "change_reason",
            "created_at",
            "updated_at",
        ]

    def get_attachment_url(self, obj) -> str | None:
        if not obj.attachment:
            return None
        return reverse("movements:attachment", args=[obj.pk])


class MovementDecision(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True)


class MovementCancellation(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True)


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("from", str), OpenApiParameter("to", str)],
        description="Your own movements (newest first); `from`/`to` (YYYY-MM-DD) limit the dates.",
    ),
    retrieve=extend_schema(description="A movement of yourself or of an officer you may see."),
    update=extend_schema(
        description="Change your movement (org admins: anyone's); `reason` after its start."
    ),
    partial_update=extend_schema(description="As update, with only the fields given."),
)
class MovementViewSet(
    SelfServiceViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
):
    """Pergerakan: register a movement (date, time or whole day, type, place, purpose, optional
    location and attachment). Time out of office is at most 4 hours and needs approval."""

    serializer_class = MovementSerializer
    parser_classes = [StrictJSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        access = self.access
        if self.action == "list":
            qs = Movement.objects.filter(officer=self._own_officer()).select_related("officer__user")
            if start := _date_param(self.request, "from"):
                qs = qs.filter(date__gte=start)
            if end := _date_param(self.request, "to"):
                qs = qs.filter(date__lte=end)
            return qs
        if self.action in ("update", "partial_update", "cancel"):
            return services.editable_movements(access)
        if self.action in ("approve", "reject"):
            return services.decidable_movements(access)
        return services.visible_movements(access)

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                description="any unique string per registration (≤ 64 characters): sending the same "
                "registration again answers the first movement (200) instead of a second one",
            )
        ],
        responses={201: MovementSerializer, 200: MovementSerializer},
    )
    def create(self, request):
        officer = self._own_officer()
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        data.pop("reason", None)
        key = request.headers.get("Idempotency-Key", "")
        movement = _service(services.create_movement, officer, data, idempotency_key=key)
        # The same registration again (same Idempotency-Key): the first movement, 200 instead of 201.
        replayed = getattr(movement, "replayed", False)
        code = status.HTTP_200_OK if replayed else status.HTTP_201_CREATED
        return Response(self.get_serializer(movement).data, status=code)

    def update(self, request, *args, partial=False, **kwargs):
        movement = self.get_object()
        body = self.get_serializer(movement, data=request.data, partial=partial)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        reason = data.pop("reason", "")
        actor = services.Actor(request.user, self.access.is_org_admin)
        movement = _service(services.update_movement, movement, data, by=actor, reason=reason)
        return Response(self.get_serializer(movement).data)

    @extend_schema(request=MovementCancellation, responses=MovementSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        movement = self.get_object()
        actor = services.Actor(request.user, self.access.is_org_admin)
        movement = _service(
            services.cancel_movement, movement, by=actor, reason=str(request.data.get("reason", ""))
        )
        return Response(self.get_serializer(movement).data)

    def _decide(self, request, approve: bool):
        if not (self.access.is_supervisor or self.access.is_org_admin):
            raise PermissionDenied()
        movement = self.get_object()
        movement = _service(
            services.decide_time_out,
            movement,
            by=self.access.officer,
            approve=approve,
            comment=str(request.data.get("comment", "")),
        )
        return Response(self.get_serializer(movement).data)

    @extend_schema(request=MovementDecision, responses=MovementSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve a supervisee's time out of office (keluar pejabat)."""
        return self._decide(request, True)

    @extend_schema(request=MovementDecision, responses=MovementSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject a supervisee's time out of office; `comment` is required."""
        return self._decide(request, False)

    @extend_schema(
        parameters=[OpenApiParameter("date", str, description="YYYY-MM-DD, default today")],
        responses=MovementSerializer(many=True),
    )
    @action(detail=False, methods=["get"])
    def team(self, request):
        """Movements of your supervisees (executives and org admins: the agency's) on one day."""
        access = self.access
        if not (access.is_supervisor or access.sees_whole_agency):
            raise PermissionDenied()
        day = _date_param(request, "date") or services.now_local().date()
        qs = (
            Movement.objects.filter(officer__in=services.team_officers(access).values("pk"), date=day)
            .select_related("officer__user")
            .order_by("officer__user__full_name", "start_time", "pk")
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


def _date_param(request, name: str) -> date | None:
    return query_date(request, name)


__all__ = ["MovementViewSet"]
