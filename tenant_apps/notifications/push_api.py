"""Web Push API: the signed-in person's own browsers only (`/api/v1/notifications/push/…`).

    GET    push/                         is push on here, the VAPID public key, your subscriptions, and a
                                         CSRF token for the POSTs (the service worker has no page to
                                         read one from when it renews a subscription: sw-push.js)
    POST   push/subscriptions/           PushSubscription.toJSON() of this browser → 201
    DELETE push/subscriptions/<id>/      remove one of yours → 204 (another person's id: 404)
    POST   push/unsubscribe/             {"endpoint"}: this browser stops (yours only) → 200

Bad input is a 400 in the API's one error shape; push not configured on this server is a 409."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.core.exceptions import ValidationError as DjangoValidationError
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers, status
from rest_framework.decorators import api_view
from rest_framework.response import Response

from spotme.api import MAX_BIGINT

from . import push
from .models import PushSubscription


class PushDisabled(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "push_disabled"

    def __init__(self):
        super().__init__(_("Push notifications are not set up on this server."), self.default_code)


class SubscriptionSerializer(serializers.ModelSerializer):
    service = serializers.SerializerMethodField(help_text="Host of the browser's push service.")

    class Meta:
        model = PushSubscription
        fields = ["id", "service", "user_agent", "created_at", "last_success_at", "failures"]

    def get_service(self, obj) -> str:
        return urlsplit(obj.endpoint).hostname or ""


class KeysSerializer(serializers.Serializer):
    p256dh = serializers.CharField(max_length=100, help_text="base64url of the browser's P-256 key, 65 bytes")
    auth = serializers.CharField(max_length=32, help_text="base64url of the 16-byte auth secret")

    def validate_p256dh(self, value):
        return push.check_key(value, push.P256DH_BYTES)

    def validate_auth(self, value):
        return push.check_key(value, push.AUTH_BYTES)


class EndpointField(serializers.CharField):
    def __init__(self, **kwargs):
        super().__init__(max_length=push.MAX_ENDPOINT_LENGTH, **kwargs)

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            return push.check_endpoint(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages, code=exc.code) from None


class SubscribeRequest(serializers.Serializer):
    """What the browser's `PushSubscription.toJSON()` gives."""

    endpoint = EndpointField(help_text="The push service URL (https)")
    expirationTime = serializers.FloatField(  # noqa: N815 - the browser's own field name
        required=False, allow_null=True, help_text="Ignored (the push service says when it ends)"
    )
    keys = KeysSerializer()


class UnsubscribeRequest(serializers.Serializer):
    endpoint = serializers.CharField(max_length=push.MAX_ENDPOINT_LENGTH)


PushState = inline_serializer(
    "PushState",
    {
        "enabled": serializers.BooleanField(),
        "public_key": serializers.CharField(allow_null=True, help_text="the applicationServerKey"),
        "results": SubscriptionSerializer(many=True),
        "csrf_token": serializers.CharField(
            help_text="for the X-CSRFToken header of this session's POSTs (readable same-origin only)"
        ),
    },
)


@extend_schema(responses=PushState)
@api_view(["GET"])
def state(request):
    """Whether push works on this server, its VAPID public key, and your subscribed browsers."""
    subscriptions = push.subscriptions_of(request.user)[:100]
    return Response(
        {
            "enabled": push.enabled(),
            "public_key": push.public_key(),
            "results": SubscriptionSerializer(subscriptions, many=True).data,
            "csrf_token": get_token(request),
        }
    )


@extend_schema(request=SubscribeRequest, responses={201: SubscriptionSerializer})
@api_view(["POST"])
def subscribe(request):
    """This browser receives your notifications by push (send it again after a change: idempotent)."""
    if not push.enabled():
        raise PushDisabled()
    body = SubscribeRequest(data=request.data)
    body.is_valid(raise_exception=True)
    data = body.validated_data
    subscription = push.subscribe(
        request.user,
        endpoint=data["endpoint"],
        p256dh=data["keys"]["p256dh"],
        auth=data["keys"]["auth"],
        user_agent=request.headers.get("User-Agent", "").replace("\x00", ""),
    )
    return Response(SubscriptionSerializer(subscription).data, status=status.HTTP_201_CREATED)


@extend_schema(
    request=UnsubscribeRequest,
    responses=inline_serializer("Unsubscribed", {"removed": serializers.IntegerField()}),
)
@api_view(["POST"])
def unsubscribe(request):
    """This browser stops receiving your notifications."""
    body = UnsubscribeRequest(data=request.data)
    body.is_valid(raise_exception=True)
    return Response({"removed": push.unsubscribe(request.user, body.validated_data["endpoint"])})


@extend_schema(responses={204: None})
@api_view(["DELETE"])
def remove(request, pk: int):
    """Remove one of your subscribed browsers."""
    if pk > MAX_BIGINT:
        raise exceptions.NotFound()
    get_object_or_404(PushSubscription, pk=pk, user=request.user).delete()
    return Response(status=status.HTTP_204_NO_CONTENT)
