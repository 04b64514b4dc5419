"""Public API: agencies apply; operators review. Validation is the web form's, so the two agree."""

from __future__ import annotations

from django.shortcuts import get_object_or_404
from django.utils import translation
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle

from shared_apps.operators.permissions import IsOperator

from . import actions
from .forms import AgencyApplicationForm, RejectForm
from .models import AgencyApplication


class ApplicationSerializer(serializers.ModelSerializer):
    reference = serializers.CharField(read_only=True)

    class Meta:
        model = AgencyApplication
        fields = [
            "id",
            "reference",
            "agency_name",
            "ministry",
            "state",
            "expected_officers",
            "subdomain",
            "admin_name",
            "admin_mykad",
            "admin_email",
            "admin_phone",
            "status",
            "submitted_at",
            "reviewed_at",
            "rejection_reason",
            "provisioning_attempts",
            "provisioned_at",
            "last_error",
        ]
        read_only_fields = [
            "status",
            "submitted_at",
            "reviewed_at",
            "rejection_reason",
            "provisioning_attempts",
            "provisioned_at",
            "last_error",
        ]


class ApplicationThrottle(AnonRateThrottle):
    rate = "20/hour"


class ApplicationViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = ApplicationSerializer
    permission_classes = [IsOperator]
    lookup_value_regex = r"[0-9]{1,18}"  # anything else is not an application: 404, not a 500

    def get_queryset(self):
        qs = AgencyApplication.objects.all()
        for field in ("status", "state"):
            if value := self.request.query_params.get(field):
                qs = qs.filter(**{field: value})
        return qs

    def get_permissions(self):
        if self.action == "create":
            return [AllowAny()]
        return super().get_permissions()

    def get_throttles(self):
        return [ApplicationThrottle()] if self.action == "create" else super().get_throttles()

    @extend_schema(request=ApplicationSerializer, responses={201: ApplicationSerializer})
    def create(self, request):
        form = AgencyApplicationForm(data=request.data)
        if not form.is_valid():
            return Response(
                {"detail": "invalid", "code": "invalid", "errors": form.errors.get_json_data()},
                status=status.HTTP_400_BAD_REQUEST,
            )
        app = actions.submit_application(form=form, language=translation.get_language() or "ms")
        return Response(ApplicationSerializer(app).data, status=status.HTTP_201_CREATED)

    def _act(self, request, pk, action_fn):
        get_object_or_404(AgencyApplication, pk=pk)
        try:
            app = action_fn()
        except actions.ApplicationStateError as exc:
            return Response({"detail": str(exc), "code": "invalid_state"}, status=status.HTTP_409_CONFLICT)
        app.refresh_from_db()
        return Response(ApplicationSerializer(app).data)

    @extend_schema(request=None, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._act(request, pk, lambda: actions.approve_application(int(pk), operator=request.user))

    @extend_schema(
        request=inline_serializer("RejectRequest", {"reason": serializers.CharField()}),
        responses=ApplicationSerializer,
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        form = RejectForm(data=request.data)
        if not form.is_valid():
            return Response(
                {"detail": "invalid", "code": "invalid", "errors": form.errors.get_json_data()},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return self._act(
            request,
            pk,
            lambda: actions.reject_application(
                int(pk), operator=request.user, reason=form.cleaned_data["reason"]
            ),
        )

    @extend_schema(request=None, responses=ApplicationSerializer)
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        return self._act(request, pk, lambda: actions.retry_provisioning(int(pk), operator=request.user))
