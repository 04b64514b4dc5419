"""Integrasi Peranti API (org admins only): settings, test connection, pull now, upload, batches,
unmatched device user IDs and their mapping. The stored token is write-only: reads say whether
one is set (`has_secret`), never what it is."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.fields import get_error_detail
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from spotme.api import StrictJSONParser
from tenant_apps.people.api import AgencyViewSet

from . import forms, services
from .models import DeviceBatch, DeviceIntegration
from .parsing import MAX_BYTES


def _django(call, value):
    try:
        return call(value)
    except DjangoValidationError as exc:
        raise serializers.ValidationError(exc.messages) from exc


class IntegrationSerializer(serializers.ModelSerializer):
    secret = serializers.CharField(write_only=True, required=False, allow_blank=True, max_length=2000)
    clear_secret = serializers.BooleanField(write_only=True, required=False, default=False)
    has_secret = serializers.BooleanField(read_only=True)
    pull_times = serializers.ListField(child=serializers.CharField(), required=False)

    class Meta:
        model = DeviceIntegration
        fields = [
            "enabled",
            "endpoint_url",
            "auth_kind",
            "auth_header",
            "secret",
            "clear_secret",
            "has_secret",
            "since_param",
            "until_param",
            "window_format",
            "overlap_minutes",
            "timeout_seconds",
            "payload_format",
            "records_path",
            "field_user_id",
            "field_timestamp",
            "field_status",
            "field_verify",
            "field_work_code",
            "device_timezone",
            "pull_times",
            "user_id_mapping",
            "direction_mode",
            "watermark",
            "complete_through",
            "next_pull_at",
            "last_pull_at",
            "last_pull_ok",
            "last_error",
        ]
        read_only_fields = [
            "watermark",
            "complete_through",
            "next_pull_at",
            "last_pull_at",
            "last_pull_ok",
            "last_error",
        ]

    def validate_pull_times(self, value):
        return _django(forms.clean_pull_times, value)

    def validate_device_timezone(self, value):
        return _django(forms.clean_timezone, value)

    def validate_auth_header(self, value):
        return _django(forms.clean_header, value)

    def validate_since_param(self, value):
        return _django(forms.clean_param, value)

    def validate_until_param(self, value):
        return _django(forms.clean_param, value)

    def validate(self, attrs):
        kind = attrs.get("auth_kind", getattr(self.instance, "auth_kind", None))
        header = attrs.get("auth_header", getattr(self.instance, "auth_header", ""))
        if kind == "header" and not header:
            raise ValidationError({"auth_header": ["Name the header that carries the key."]})
        return attrs

    def update(self, instance, validated_data):
        secret = validated_data.pop("secret", None)
        clear = validated_data.pop("clear_secret", False)
        for key, value in validated_data.items():
            setattr(instance, key, value)
        try:
            return services.save_settings(instance, secret=secret or None, clear_secret=clear)
        except DjangoValidationError as exc:
            raise ValidationError(get_error_detail(exc)) from exc


class BatchSerializer(serializers.ModelSerializer):
    class Meta:
        model = DeviceBatch
        fields = [
            "id",
            "source",
            "status",
            "dry_run",
            "file_name",
            "file_format",
            "file_sha256",
            "window_since",
            "window_until",
            "received",
            "new",
            "duplicate",
            "unmatched",
            "unmatched_ids",
            "overridden",
            "days_recomputed",
            "days_reopened",
            "error_count",
            "errors",
            "created_by_label",
            "created_at",
            "duration_ms",
        ]


class UploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True)
    dry_run = serializers.BooleanField(default=False)


class MapSerializer(serializers.Serializer):
    device_user_id = serializers.CharField(max_length=64)
    officer = serializers.IntegerField()


class UnmatchedSerializer(serializers.Serializer):
    device_user_id = serializers.CharField()
    punches = serializers.IntegerField()
    first = serializers.DateTimeField()
    last = serializers.DateTimeField()


class ConnectionSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    code = serializers.CharField()
    message = serializers.CharField()
    records = serializers.IntegerField()
    unmatched_ids = serializers.ListField(child=serializers.CharField())


class OrgAdminOnly:
    @staticmethod
    def read(access) -> bool:
        return access.is_org_admin

    @staticmethod
    def write(access) -> bool:
        return access.is_org_admin


class DeviceIntegrationViewSet(OrgAdminOnly, AgencyViewSet):
    """The agency's device integration (one per agency)."""

    serializer_class = IntegrationSerializer

    @extend_schema(methods=["GET"], responses=IntegrationSerializer)
    @extend_schema(methods=["PUT", "PATCH"], request=IntegrationSerializer, responses=IntegrationSerializer)
    @action(
        detail=False, methods=["get", "put", "patch"], url_path="settings", parser_classes=[StrictJSONParser]
    )
    def integration_settings(self, request):
        integration = DeviceIntegration.current()
        if request.method == "GET":
            return Response(IntegrationSerializer(integration).data)
        serializer = IntegrationSerializer(integration, data=request.data, partial=request.method == "PATCH")
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return Response(IntegrationSerializer(DeviceIntegration.current()).data)

    @extend_schema(request=None, responses=ConnectionSerializer)
    @action(detail=False, methods=["post"], url_path="test-connection")
    def test_connection(self, request):
        return Response(services.test_connection())

    @extend_schema(
        request=None,
        responses={
            202: inline_serializer("DevicePullStarted", {"status": serializers.CharField()}),
            409: inline_serializer(
                "DevicePullBusy",
                {
                    "status": serializers.CharField(),
                    "detail": serializers.CharField(),
                    "retry_after_seconds": serializers.IntegerField(),
                },
            ),
        },
    )
    @action(detail=False, methods=["post"], url_path="pull")
    def pull(self, request):
        from .tasks import pull_agency, running_pull

        running = running_pull()
        if running is not None:
            wait = services.busy_seconds(running)
            return Response(
                {"status": "busy", "detail": services.busy_message(running), "retry_after_seconds": wait},
                status=status.HTTP_409_CONFLICT,
                headers={"Retry-After": str(wait)},
            )
        pull_agency.delay(source=DeviceBatch.Source.PULL_NOW, user_id=request.user.pk)
        return Response({"status": "started"}, status=status.HTTP_202_ACCEPTED)

    @extend_schema(
        request={"multipart/form-data": UploadSerializer},
        responses={201: BatchSerializer, 400: BatchSerializer},
    )
    @action(detail=False, methods=["post"], url_path="upload", parser_classes=[MultiPartParser, FormParser])
    def upload(self, request):
        serializer = UploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        if upload.size > MAX_BYTES:
            raise ValidationError({"file": ["The file is too large."]})
        batch = services.import_file(
            file_name=upload.name,
            data=upload.read(),
            dry_run=serializer.validated_data["dry_run"],
            by=request.user,
            source=DeviceBatch.Source.API,
        )
        code = (
            status.HTTP_400_BAD_REQUEST
            if batch.status == DeviceBatch.Status.REJECTED
            else status.HTTP_201_CREATED
        )
        return Response(BatchSerializer(batch).data, status=code)

    @extend_schema(responses=UnmatchedSerializer(many=True))
    @action(detail=False, methods=["get"], url_path="unmatched", pagination_class=None)
    def unmatched(self, request):
        return Response(UnmatchedSerializer(services.unmatched_ids(), many=True).data)

    @extend_schema(request=MapSerializer, responses={200: BatchSerializer})
    @action(detail=False, methods=["post"], url_path="unmatched/map")
    def map(self, request):
        serializer = MapSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        officer = self.access.managed_officers().filter(pk=serializer.validated_data["officer"]).first()
        if officer is None:
            raise ValidationError({"officer": ["No such officer."]})
        try:
            batch = services.map_user_id(
                serializer.validated_data["device_user_id"], officer, by=request.user
            )
        except DjangoValidationError as exc:
            raise ValidationError(get_error_detail(exc)) from exc
        return Response(BatchSerializer(batch).data if batch else {})


class DeviceBatchViewSet(OrgAdminOnly, AgencyViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    serializer_class = BatchSerializer

    def get_queryset(self):
        return DeviceBatch.objects.all()
