"""The supervisor's decisions on attendance issues: which issues a person may decide, what the
list to decide shows (the clock-in, minutes late or early, reason and attachment), and deciding one
or many with one comment.

`decide_issues` is all or nothing, in one transaction: every chosen issue must be in the person's
scope and answered, else nothing is decided and the refusal says which issue is wrong. Each issue
goes through `services.decide_issue` (status, recomputed day, the officer's notification in their
language, the webhook signal) and gets its own entry in the audit trail, exactly as a single
decision does (the page and the API decide one issue through here too)."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from spotme.audit.models import LogEntry

from . import services
from .labels import label
from .models import AttendanceDay, AttendanceIssue, IssueStatus

MAX_BATCH = 500
MIN_REJECT_COMMENT = 3


def decidable_issues(access):
    """Issues this person may decide: their supervisees' (org admins: anyone's), never their own."""
    qs = AttendanceIssue.objects.select_related("officer__user")
    if access.is_org_admin:
        return qs.exclude(officer=access.officer) if access.officer is not None else qs
    if not access.is_supervisor or access.officer is None:
        return qs.none()
    return qs.filter(officer__in=access.supervisee_ids())


@dataclass
class IssueRow:
    """One line of the list to decide: the issue and its day's clock-in and minutes."""

    issue: AttendanceIssue
    first_in: object = None
    last_out: object = None
    late_minutes: int = 0
    early_minutes: int = 0


def rows_to_decide(access, *, limit: int = MAX_BATCH) -> list[IssueRow]:
    """Answered issues waiting for this person's decision, oldest first, each with its day (two
    queries whatever the number)."""
    issues = list(decidable_issues(access).filter(status=IssueStatus.ANSWERED).order_by("date", "pk")[:limit])
    days = {
        (d.officer_id, d.date): d
        for d in AttendanceDay.objects.filter(
            officer_id__in={i.officer_id for i in issues}, date__in={i.date for i in issues}
        ).only("officer_id", "date", "first_in", "last_out", "late_minutes", "early_minutes")
    }
    rows = []
    for issue in issues:
        day = days.get((issue.officer_id, issue.date))
        row = IssueRow(issue)
        if day is not None:
            row.first_in, row.last_out = day.first_in, day.last_out
            row.late_minutes, row.early_minutes = day.late_minutes, day.early_minutes
        rows.append(row)
    return rows


def _describe(issue: AttendanceIssue) -> str:
    return f"{issue.officer.name}, {issue.date:%d/%m/%Y}, {label(issue.code)}"


def decide_issues(access, ids, *, accept: bool, comment: str = "") -> list[AttendanceIssue]:
    """Accept or reject the answered issues `ids` with one comment. Refused as a whole (nothing
    decided) when an id is not this person's to decide, or an issue is not answered."""
    if access.officer is None and not access.is_org_admin:
        raise PermissionDenied
    if not (access.is_supervisor or access.is_org_admin):
        raise PermissionDenied
    wanted = sorted({int(i) for i in ids})
    if not wanted:
        raise ValidationError({"issues": ValidationError(_("Choose at least one issue."), code="required")})
    if len(wanted) > MAX_BATCH:
        raise ValidationError(
            {
                "issues": ValidationError(
                    _("Decide at most %(n)s issues at a time.") % {"n": MAX_BATCH}, code="too_many"
                )
            }
        )
    comment = (comment or "").strip()
    if not accept and len(comment) < MIN_REJECT_COMMENT:
        raise ValidationError(
            {"comment": ValidationError(_("Give the officer a reason for the rejection."), code="required")}
        )
    with transaction.atomic():
        issues = list(
            decidable_issues(access).filter(pk__in=wanted).select_for_update(of=("self",)).order_by("pk")
        )
        if len(issues) != len(wanted):
            # Another team's issue, another agency's id, or none at all: the same answer, so the
            # refusal tells nothing about issues out of reach.
            raise ValidationError(
                {
                    "issues": ValidationError(
                        _(
                            "Some of the chosen issues are not yours to decide or no longer exist; "
                            "nothing was decided."
                        ),
                        code="not_decidable",
                    )
                }
            )
        waiting = [i for i in issues if i.status != IssueStatus.ANSWERED]
        if waiting:
            raise ValidationError(
                {
                    "issues": ValidationError(
                        _("Only answered issues can be decided; nothing was decided: %(issues)s.")
                        % {"issues": "; ".join(_describe(i) for i in waiting)},
                        code="not_answered",
                    )
                }
            )
        for issue in issues:
            before = issue.status
            services.decide_issue(issue, supervisor=access.officer, accept=accept, comment=comment)
            _audit(issue, before)
    return issues


def _audit(issue: AttendanceIssue, before: str) -> None:
    """The decision in the agency's audit trail (actor, address and request id come from the
    request, as for tracked models): issues are written in bulk on the clock-in path and are not
    tracked model-wide, so the decision, the one change a person makes to them, is logged here."""
    LogEntry.objects.log_create(
        issue,
        action=LogEntry.Action.UPDATE,
        changes={
            "status": [before, issue.status],
            "decision_comment": ["", issue.decision_comment],
            "decided_by": ["", str(issue.decided_by.name) if issue.decided_by else ""],
        },
    )
