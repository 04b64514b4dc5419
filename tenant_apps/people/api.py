"""Agency API for people and the organisation tree. Every endpoint resolves the caller's reach
through the same access layer as the pages (`access.py`), in `get_queryset()`."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import api_view
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from tenant_apps.organisation.models import OrgUnit, Role

from . import actions
from .access import get_access
from .forms import OfficerForm
from .models import Officer


class AgencyPermission(BasePermission):
    """Reading needs `read(access)`, writing needs `write(access)` — set on the view."""

    def has_permission(self, request, view) -> bool:
        if not request.user.is_authenticated:
            return False
        access = get_access(request)
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return view.read(access)
        return view.write(access)


class AgencyViewSet(viewsets.GenericViewSet):
    """Base for org-scoped endpoints (the Sentry pattern): permission is checked once, here."""

    permission_classes = [IsAuthenticated, AgencyPermission]

    @staticmethod
    def read(access) -> bool:
        return access.can_see_people

    @staticmethod
    def write(access) -> bool:
        return access.can_manage_people

    @property
    def access(self):
        return get_access(self.request)


class SelfServiceViewSet(AgencyViewSet):
    """Endpoints every signed-in officer uses for their own records; each action checks who may do
    what (e.g. only a supervisor decides)."""

    @staticmethod
    def read(access) -> bool:
        return True

    @staticmethod
    def write(access) -> bool:
        return True

    def _own_officer(self):
        officer = self.access.officer
        if officer is None:
            raise PermissionDenied("no officer profile")
        return officer


class OrgUnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrgUnit
        fields = ["id", "name", "code", "parent", "head", "depth", "path", "is_active"]
        read_only_fields = ["depth", "path"]


class OrgUnitViewSet(
    AgencyViewSet,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
):
    serializer_class = OrgUnitSerializer

    def get_queryset(self):
        return OrgUnit.objects.order_by("path")

    def perform_create(self, serializer):
        self._save(serializer)

    def perform_update(self, serializer):
        self._save(serializer)

    def _save(self, serializer):
        # Start from the stored unit and change only the fields sent (a PATCH of one field keeps the
        # others), so auditlog sees an update of a loaded instance and records what changed.
        unit = OrgUnit.objects.get(pk=serializer.instance.pk) if serializer.instance else OrgUnit()
        for name, value in serializer.validated_data.items():
            setattr(unit, name, value)
        try:
            serializer.instance = actions.save_org_unit(unit)
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc


class OfficerSerializer(serializers.ModelSerializer):
    mykad = serializers.CharField(source="user.username", read_only=True)
    full_name = serializers.CharField(source="user.full_name", read_only=True)
    # Stored as given (may be blank): a plain string, so the schema does not promise an address.
    email = serializers.CharField(source="user.email", read_only=True)
    phone = serializers.CharField(source="user.phone", read_only=True)
    is_active = serializers.BooleanField(source="user.is_active", read_only=True)
    roles = serializers.SerializerMethodField()

    class Meta:
        model = Officer
        fields = [
            "id",
            "mykad",
            "full_name",
            "email",
            "phone",
            "grade",
            "position",
            "org_unit",
            "supervisor",
            "join_date",
            "leave_date",
            "is_active",
            "roles",
        ]

    def get_roles(self, officer) -> list[str]:
        return sorted(g.name for g in officer.user.groups.all())


class OfficerWriteSerializer(serializers.Serializer):
    """Input for create/update; validated by the same form as the web page."""

    mykad = serializers.CharField(required=False)
    full_name = serializers.CharField()
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(required=False, allow_blank=True)
    grade = serializers.CharField(required=False, allow_blank=True)
    position = serializers.CharField(required=False, allow_blank=True)
    org_unit = serializers.IntegerField(required=False, allow_null=True)
    supervisor = serializers.IntegerField(required=False, allow_null=True)
    join_date = serializers.DateField(required=False, allow_null=True)
    leave_date = serializers.DateField(required=False, allow_null=True)
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.values), required=False)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="name, MyKad prefix, position or grade"),
            OpenApiParameter("org_unit", int, description="unit id (includes its sub-units)"),
            OpenApiParameter("role", str, enum=Role.values),
            OpenApiParameter("active", bool),
            OpenApiParameter("supervisor", int),
        ]
    ),
    create=extend_schema(request=OfficerWriteSerializer, responses={201: OfficerSerializer}),
    update=extend_schema(request=OfficerWriteSerializer, responses=OfficerSerializer),
    partial_update=extend_schema(request=OfficerWriteSerializer, responses=OfficerSerializer),
)
class OfficerViewSet(AgencyViewSet, mixins.ListModelMixin, mixins.RetrieveModelMixin):
    serializer_class = OfficerSerializer

    def get_queryset(self):
        qs = self.access.officers().prefetch_related("user__groups").order_by("user__full_name", "pk")
        params = self.request.query_params
        if q := params.get("q", "").strip():
            qs = qs.filter(
                Q(user__full_name__icontains=q)
                | Q(user__username__startswith=q)
                | Q(position__icontains=q)
                | Q(grade__iexact=q)
            )
        if (unit := params.get("org_unit", "")).isdigit():
            root = OrgUnit.objects.filter(pk=unit).first()
            qs = qs.filter(org_unit__in=root.descendants()) if root else qs.none()
        if role := params.get("role"):
            qs = qs.filter(user__groups__name=role)
        if params.get("active") in ("true", "false"):
            qs = qs.filter(user__is_active=params["active"] == "true")
        if (supervisor := params.get("supervisor", "")).isdigit():
            qs = qs.filter(supervisor_id=supervisor)
        return qs

    def _form(self, data: dict, officer: Officer | None) -> OfficerForm:
        merged = {}
        if officer is not None:
            merged = {
                "mykad": officer.mykad,
                "full_name": officer.user.full_name,
                "email": officer.user.email,
                "phone": officer.user.phone,
                "grade": officer.grade,
                "position": officer.position,
                "org_unit": officer.org_unit_id,
                "supervisor": officer.supervisor_id,
                "join_date": officer.join_date,
                "leave_date": officer.leave_date,
                "roles": [g for g in officer.user.groups.values_list("name", flat=True) if g != Role.OFFICER],
            }
        merged.update({k: v for k, v in data.items() if v is not None or k in ("org_unit", "supervisor")})
        merged = {k: ("" if v is None else v) for k, v in merged.items()}
        merged["roles"] = [r for r in merged.get("roles") or [] if r != Role.OFFICER]
        return OfficerForm(data=merged, officer=officer)

    def _errors(self, form) -> Response:
        raise ValidationError({name: list(errors) for name, errors in form.errors.items()})

    SCALARS = (
        "mykad", "full_name", "email", "phone", "grade", "position", "org_unit", "supervisor",
        "join_date", "leave_date",
    )  # fmt: skip

    def _body(self, request) -> dict:
        """The body as the form takes it: one value per field and a list of role codes, whether it
        came as JSON or as a form (where `dict(request.data)` would give lists everywhere)."""
        data = request.data
        if hasattr(data, "getlist"):
            body = {name: data.get(name) for name in self.SCALARS if name in data}
            if "roles" in data:
                body["roles"] = data.getlist("roles")
            return body
        wrong = {
            name: [_("Give one value, not a list or an object.")]
            for name in self.SCALARS
            if isinstance(data.get(name), (list, dict, bool, float))
        }
        roles = data.get("roles")
        if roles is not None and not (isinstance(roles, list) and all(isinstance(r, str) for r in roles)):
            wrong["roles"] = [_("Give the roles as a list of role codes.")]
        if wrong:
            raise ValidationError(wrong)
        return {name: data[name] for name in (*self.SCALARS, "roles") if name in data}

    def create(self, request):
        form = self._form(self._body(request), None)
        if not form.is_valid():
            return self._errors(form)
        try:
            result = actions.create_officer(
                mykad=form.cleaned_data["mykad"],
                roles=form.cleaned_data["roles"],
                request=request,
                **form.profile_data(),
            )
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc
        return Response(OfficerSerializer(result.officer).data, status=status.HTTP_201_CREATED)

    def update(self, request, pk=None, partial=False):
        officer = self.get_object()
        if not self.access.can_manage_people:
            return Response(status=status.HTTP_403_FORBIDDEN)
        form = self._form(self._body(request), officer)
        if not form.is_valid():
            return self._errors(form)
        try:
            actions.update_officer(
                officer, roles=form.cleaned_data["roles"], request=request, **form.profile_data()
            )
        except DjangoValidationError as exc:
            raise ValidationError(exc.message_dict) from exc
        officer.refresh_from_db()
        officer.user.refresh_from_db()
        return Response(OfficerSerializer(officer).data)

    def partial_update(self, request, pk=None):
        return self.update(request, pk=pk, partial=True)


class RoleSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


@extend_schema(responses=RoleSerializer(many=True))
@api_view(["GET"])
def roles(request):
    """The roles a person may hold in SPOT-Me."""
    return Response([{"code": r.value, "name": str(r.label)} for r in Role])
