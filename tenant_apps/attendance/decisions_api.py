"""Supervisor's decisions over the API: the answered issues to decide with their day's clock-in and
minutes late or early, and deciding many at once with one comment (all or nothing; see
`decisions.decide_issues`). Errors in the one shape {detail, code, fields}."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.urls import reverse
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import api_view
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.fields import get_error_detail
from rest_framework.response import Response

from spotme.api import MAX_BIGINT
from tenant_apps.people.access import get_access

from . import decisions
from .models import AttendanceIssue


class IssueToDecideSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="issue.pk")
    officer = serializers.IntegerField(source="issue.officer_id")
    officer_name = serializers.CharField(source="issue.officer.name")
    date = serializers.DateField(source="issue.date")
    code = serializers.CharField(source="issue.code")
    reason = serializers.CharField(source="issue.reason")
    answered_at = serializers.DateTimeField(source="issue.answered_at", allow_null=True)
    first_in = serializers.DateTimeField(allow_null=True, help_text="the day's first clock-in")
    last_out = serializers.DateTimeField(allow_null=True, help_text="the day's last clock-out")
    late_minutes = serializers.IntegerField()
    early_minutes = serializers.IntegerField()
    attachment_url = serializers.SerializerMethodField()

    def get_attachment_url(self, row) -> str | None:
        if not row.issue.attachment:
            return None
        return reverse("attendance:issue_attachment", args=[row.issue.pk])


class IssueResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = AttendanceIssue
        fields = ["id", "officer", "date", "code", "status", "decided_by", "decided_at", "decision_comment"]


class BulkDecisionRequest(serializers.Serializer):
    issues = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_BIGINT),
        min_length=1,
        max_length=decisions.MAX_BATCH,
    )
    accept = serializers.BooleanField()
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


def _require_decider(request):
    access = get_access(request)
    if not (access.is_supervisor or access.is_org_admin):
        raise PermissionDenied()
    return access


@extend_schema(
    tags=["attendance"],
    summary="Answered issues waiting for your decision, with the day's clock-in, minutes late or "
    "early, the reason and the attachment (supervisors and org admins).",
    responses=IssueToDecideSerializer(many=True),
)
@api_view(["GET"])
def issues_to_decide(request):
    access = _require_decider(request)
    return Response(IssueToDecideSerializer(decisions.rows_to_decide(access), many=True).data)


@extend_schema(
    tags=["attendance"],
    operation_id="v1_attendance_issues_decide_many",
    summary="Accept or reject several answered issues with one comment: all or nothing. Every issue "
    "must be yours to decide and answered (400 `not_decidable` / `not_answered`, nothing decided). "
    "Each officer is notified and each decision is in the audit trail, as for a single decision.",
    request=BulkDecisionRequest,
    responses=inline_serializer(
        "BulkDecisionResult",
        {"decided": serializers.IntegerField(), "results": IssueResultSerializer(many=True)},
    ),
)
@api_view(["POST"])
def decide_many(request):
    access = _require_decider(request)
    body = BulkDecisionRequest(data=request.data)
    body.is_valid(raise_exception=True)
    data = body.validated_data
    try:
        decided = decisions.decide_issues(
            access, data["issues"], accept=data["accept"], comment=data["comment"]
        )
    except DjangoPermissionDenied as exc:
        raise PermissionDenied() from exc
    except DjangoValidationError as exc:
        raise ApiValidationError(get_error_detail(exc)) from exc
    return Response({"decided": len(decided), "results": IssueResultSerializer(decided, many=True).data})
