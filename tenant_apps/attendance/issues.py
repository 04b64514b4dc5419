"""The attendance-issue workflow: the officer answers an issue (the supervisor is told), the
supervisor decides it (the day is recomputed, the officer is told, the issue.decided webhook
signal), and reasons left undecided past the cut-off count as rejected. Bulk decisions and the
list to decide are in decisions.py; issues are raised and withdrawn by the day's recompute
(services.py, batch.py)."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import AttendanceIssue, IssueStatus


def answer_issue(issue: AttendanceIssue, *, reason: str, attachment=None) -> AttendanceIssue:
    if issue.status not in (IssueStatus.OPEN, IssueStatus.ANSWERED):
        raise ValidationError(_("This issue can no longer be answered."), code="closed")
    reason = (reason or "").strip()
    if len(reason) < 5:
        raise ValidationError({"reason": _("Explain in a few words (at least 5 characters).")})
    with transaction.atomic():
        issue.reason = reason
        if attachment is not None:
            issue.attachment = attachment
        issue.status = IssueStatus.ANSWERED
        issue.answered_at = timezone.now()
        issue.save()
        officer = issue.officer
        if officer.supervisor_id is not None:
            from django.utils.translation import gettext_lazy

            from tenant_apps.notifications.models import Kind
            from tenant_apps.notifications.services import notify

            from .labels import CODE_LABELS

            notify(
                officer.supervisor.user,
                Kind.ISSUE_ANSWERED,
                gettext_lazy("%(name)s has given a reason for %(issue)s on %(date)s"),
                url="/attendance/team/issues/",
                name=officer.user.get_full_name(),
                issue=CODE_LABELS.get(issue.code, issue.code),
                date=f"{issue.date:%d/%m/%Y}",
            )
    return issue


def decide_issue(issue: AttendanceIssue, *, supervisor, accept: bool, comment: str = "") -> AttendanceIssue:
    if issue.status != IssueStatus.ANSWERED:
        raise ValidationError(_("Only an answered issue can be decided."), code="not_answered")
    if not accept and len((comment or "").strip()) < 3:
        raise ValidationError({"comment": _("Give the officer a reason for the rejection.")})
    with transaction.atomic():
        issue.status = IssueStatus.ACCEPTED if accept else IssueStatus.REJECTED
        issue.decided_by = supervisor
        issue.decided_at = timezone.now()
        issue.decision_comment = comment.strip()
        issue.save()
        from .services import recompute_day

        recompute_day(issue.officer, issue.date)
        from .signals import issue_decided  # followers: opendata's issue.decided webhook

        issue_decided.send(sender=AttendanceIssue, issue=issue)
        from django.utils.translation import gettext_lazy

        from tenant_apps.notifications.models import Kind
        from tenant_apps.notifications.services import notify

        from .labels import CODE_LABELS

        message = (
            gettext_lazy("Your reason for %(issue)s on %(date)s was accepted")
            if accept
            else gettext_lazy("Your reason for %(issue)s on %(date)s was rejected")
        )
        notify(
            issue.officer.user,
            Kind.ISSUE_DECIDED,
            message,
            url="/attendance/issues/",
            issue=CODE_LABELS.get(issue.code, issue.code),
            date=f"{issue.date:%d/%m/%Y}",
        )
    return issue


def expire_undecided(month: date) -> int:
    """After the cut-off day, reasons not decided for `month` count as rejected (SPEC.md)."""
    first = month.replace(day=1)
    nxt = (first + timedelta(days=32)).replace(day=1)
    return AttendanceIssue.objects.filter(
        date__gte=first, date__lt=nxt, expired=False, status__in=[IssueStatus.OPEN, IssueStatus.ANSWERED]
    ).update(expired=True)
