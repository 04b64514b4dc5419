"""Reports API (JSON), same filters as the pages:

    GET /api/v1/reports/                                  the reports you may open
    GET /api/v1/reports/{kind}/?month=&start=&end=&org_unit=&officer=&limit=&offset=
                                                          the report as JSON (rows sliced by limit/offset)
    GET /api/v1/reports/{kind}/download/{csv|xlsx|pdf}/?… the same report as a file

(A path segment rather than `?format=`, which DRF keeps for its own content negotiation.)"""

from __future__ import annotations

from datetime import date, time

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.exceptions import APIException, NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from tenant_apps.people.access import get_access

from . import builders, exports
from .builders import KIND_TITLES, Kind, allowed
from .forms import ReportForm

DEFAULT_LIMIT, MAX_LIMIT = 500, 5000


class TooBigForPdf(APIException):
    status_code = 400
    default_code = "too_big_for_pdf"
    default_detail = _("This report is too large for a PDF. Download it as CSV or XLSX instead.")


FILTERS = [
    OpenApiParameter("month", str, description="YYYY-MM (monthly reports; or the range of the others)"),
    OpenApiParameter("start", OpenApiTypes.DATE, description="range start (lateness, issues, tasks)"),
    OpenApiParameter("end", OpenApiTypes.DATE, description="range end, at most 366 days after start"),
    OpenApiParameter("org_unit", int, description="organisation unit id, its subtree included"),
    OpenApiParameter("officer", int, description="officer id (default for the officer report: yourself)"),
]
KIND = OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=list(KIND_TITLES))

ReportSerializer = inline_serializer(
    "Report",
    {
        "kind": serializers.CharField(),
        "title": serializers.CharField(),
        "start": serializers.DateField(),
        "end": serializers.DateField(),
        "org_unit": serializers.IntegerField(allow_null=True),
        "officer": serializers.IntegerField(allow_null=True),
        "columns": inline_serializer(
            "ReportColumn",
            {
                "key": serializers.CharField(),
                "label": serializers.CharField(),
                "kind": serializers.CharField(),
            },
            many=True,
        ),
        "rows": serializers.ListField(child=serializers.DictField()),
        "totals": serializers.DictField(allow_null=True),
        "count": serializers.IntegerField(),
        "limit": serializers.IntegerField(allow_null=True),
        "offset": serializers.IntegerField(),
        "summary": serializers.DictField(required=False, help_text="officer report: figures and colour"),
    },
)


def _value(column, value):
    if isinstance(value, (date, time)):
        return value.isoformat(timespec="minutes") if isinstance(value, time) else value.isoformat()
    return value


def _params(request, kind: str):
    if kind not in KIND_TITLES:
        raise NotFound()
    access = get_access(request)
    if not allowed(access, kind):
        raise PermissionDenied()
    form = ReportForm(request.query_params, kind=kind, access=access)
    if not form.is_valid():
        errors = {("non_field_errors" if k == "__all__" else k): v for k, v in form.errors.items()}
        raise ValidationError(errors)
    return access, form.params()


def _int(request, name: str, default: int, top: int) -> int:
    value = request.query_params.get(name)
    if value is None or value == "":
        return default
    if not value.isdigit():
        raise ValidationError({name: ["a whole number"]})
    return min(int(value), top)


@extend_schema(
    responses=inline_serializer(
        "ReportKind", {"kind": serializers.CharField(), "title": serializers.CharField()}, many=True
    )
)
@api_view(["GET"])
def kinds(request):
    """The reports you may open."""
    access = get_access(request)
    return Response([{"kind": k, "title": str(t)} for k, t in KIND_TITLES.items() if allowed(access, k)])


@extend_schema(
    parameters=[KIND, *FILTERS, OpenApiParameter("limit", int), OpenApiParameter("offset", int)],
    responses=ReportSerializer,
)
@api_view(["GET"])
def report(request, kind: str):
    """A report as JSON. Officers: their own; supervisors: their supervisees (their chain when the
    agency says so); executives and organisation administrators: the whole agency."""
    access, params = _params(request, kind)
    limit = _int(request, "limit", DEFAULT_LIMIT, MAX_LIMIT)
    offset = _int(request, "offset", 0, 10**9)
    page = None if kind == Kind.OFFICER else (offset, limit)
    result = builders.build(access, params, page=page)
    rows = [
        {c.key: _value(c, row.get(c.key)) for c in result.columns} | {"officer_id": row.get("officer_id")}
        for row in result.rows
    ]
    data = {
        "kind": kind,
        "title": str(result.title),
        "start": params.start,
        "end": params.end,
        "org_unit": params.org_unit.pk if params.org_unit else None,
        "officer": params.officer.pk if params.officer else None,
        "columns": [{"key": c.key, "label": str(c.label), "kind": c.kind} for c in result.columns],
        "rows": rows,
        "totals": {c.key: _value(c, result.totals.get(c.key)) for c in result.columns}
        if result.totals
        else None,
        "count": result.count if result.count is not None else len(rows),
        "limit": None if page is None else limit,
        "offset": 0 if page is None else offset,
    }
    if kind == Kind.OFFICER:
        data["summary"] = {**result.extra["figures"], "colour": result.extra["colour"]}
    return Response(data)


@extend_schema(
    parameters=[
        KIND,
        OpenApiParameter("fmt", str, OpenApiParameter.PATH, enum=["csv", "xlsx", "pdf"]),
        *FILTERS,
    ],
    responses={
        (200, "text/csv"): OpenApiResponse(OpenApiTypes.BINARY),
        (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"): OpenApiResponse(
            OpenApiTypes.BINARY
        ),
        (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
    },
)
@api_view(["GET"])
def download(request, kind: str, fmt: str):
    """A report as a file: CSV (streamed, UTF-8 with BOM), XLSX, or PDF (not for the agency report,
    nor above 2,000 rows: 400 `too_big_for_pdf`, use CSV or XLSX)."""
    if fmt not in exports.CONTENT_TYPES:
        raise NotFound()
    access, params = _params(request, kind)
    result = builders.build(access, params)
    try:
        return exports.respond(result, fmt)
    except exports.TooBigForPdf:
        raise TooBigForPdf() from None
