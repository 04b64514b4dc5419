from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from . import services
from .models import Notification


class NotificationSerializer(serializers.ModelSerializer):
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


@extend_schema(
    request=inline_serializer(
        "MarkRead", {"ids": serializers.ListField(child=serializers.IntegerField(), required=False)}
    ),
    responses=inline_serializer("Marked", {"marked": serializers.IntegerField()}),
)
@api_view(["POST"])
def mark_read(request):
    """Mark the given notifications read (all of yours when `ids` is absent)."""
    ids = request.data.get("ids")
    if ids is not None and (not isinstance(ids, list) or not all(isinstance(i, int) for i in ids)):
        return Response({"detail": "ids must be a list of integers", "code": "invalid"}, status=400)
    return Response({"marked": services.mark_read(request.user, ids)})
