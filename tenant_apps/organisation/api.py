from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.response import Response

from .models import AgencyProfile, Role


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    mykad = serializers.CharField()
    full_name = serializers.CharField()
    email = serializers.EmailField()
    roles = serializers.ListField(child=serializers.CharField())
    agency = serializers.CharField()
    must_change_password = serializers.BooleanField()


@extend_schema(responses=MeSerializer)
@api_view(["GET"])
def me(request):
    """The signed-in person, their roles and their agency."""
    user = request.user
    profile = AgencyProfile.current()
    return Response(
        MeSerializer(
            {
                "id": user.pk,
                "mykad": user.username,
                "full_name": user.get_full_name(),
                "email": user.email,
                "roles": sorted(Role.of(user)),
                "agency": profile.name if profile else "",
                "must_change_password": user.must_change_password,
            }
        ).data
    )
