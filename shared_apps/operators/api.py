from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import api_view, permission_classes
from rest_framework.response import Response

from tenants.models import Agency

from .permissions import IsOperator


class AgencySerializer(serializers.ModelSerializer):
    host = serializers.CharField(read_only=True)

    class Meta:
        model = Agency
        fields = [
            "id",
            "name",
            "subdomain",
            "host",
            "ministry",
            "state",
            "status",
            "status_reason",
            "status_changed_at",
            "expected_officers",
            "created_at",
        ]


class AgencyViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = AgencySerializer
    permission_classes = [IsOperator]

    def get_queryset(self):
        return Agency.objects.exclude(schema_name="public").order_by("name")


@extend_schema(
    tags=["operators"],
    summary="Platform statistics: agencies by status and size, active users, clock-ins per day, "
    "provisioning history (counts only, from the periodic per-agency collection).",
    responses=inline_serializer(
        "PlatformStats",
        {
            "date": serializers.DateField(allow_null=True, help_text="Day of the latest collection."),
            "totals": serializers.DictField(child=serializers.IntegerField()),
            "by_status": serializers.DictField(child=serializers.IntegerField()),
            "agencies": serializers.ListField(child=serializers.DictField()),
            "per_day": serializers.ListField(child=serializers.DictField()),
            "applications_by_month": serializers.ListField(child=serializers.DictField()),
            "provisioning_events": serializers.ListField(child=serializers.DictField()),
        },
    ),
)
@api_view(["GET"])
@permission_classes([IsOperator])
def platform_stats(request):
    from django.utils import timezone

    from .stats import platform_overview

    return Response(platform_overview(timezone.localdate()))
