from __future__ import annotations

from rest_framework import serializers, viewsets

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
