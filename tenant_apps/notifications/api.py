from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view, parser_classes
from rest_framework.response import Response

from spotme.api import StrictJSONParser

from . import services
from .models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    message = serializers.CharField(source="text", read_only=True, help_text="In the reader's language.")

    class Meta:
        model = Notification
        fields = ["id", "kind", "message", "url", "created_at", "read_at"]


@extend_schema(
    responses=inline_serializer(
        "Notifications", {"unread": serializers.IntegerField(), "results": NotificationSerializer(many=True)}
    )
)
@api_view(["GET"])
def notifications(request):
    """Your latest 100 notifications and the unread count."""
    qs = Notification.objects.filter(recipient=request.user).order_by("-created_at", "-pk")[:100]
    return Response(
        {"unread": services.unread_count(request.user), "results": NotificationSerializer(qs, many=True).data}
    )


class MarkReadRequest(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**63 - 1), required=False, max_length=1000
    )


@extend_schema(
    request=MarkReadRequest,
    responses=inline_serializer("Marked", {"marked": serializers.IntegerField()}),
)
@api_view(["POST"])
@parser_classes([StrictJSONParser])  # a JSON object only: a form body is not what the schema says
def mark_read(request):
    """Mark the given notifications read (all of yours when `ids` is absent)."""
    body = MarkReadRequest(data=request.data)
    body.is_valid(raise_exception=True)
    return Response({"marked": services.mark_read(request.user, body.validated_data.get("ids"))})
