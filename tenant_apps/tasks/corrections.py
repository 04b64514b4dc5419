"""The supervisor's review loop on the task log, beyond "mark as reviewed": return one entry for
correction with a comment (the officer is told, in their language, in the notification centre and by
email), the officer corrects it (their supervisor is told), and a review's comment reaches the
officer too.

Rules:
- Only the officer's supervisor (through `reach.supervisees`) returns an entry; a comment of at least
  3 characters says what to correct.
- Returning reopens the entry's day if it had been marked reviewed (the review row is removed, which
  the audit trail keeps), and the entry stays editable until corrected, even past the agency's
  editing window: the supervisor asked for it.
- A day with an entry still waiting for its correction cannot be marked reviewed (that would close
  it before the officer could correct it).
- The officer's next save of a returned entry marks it corrected; the supervisor may return it again.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tenant_apps.notifications.models import Kind
from tenant_apps.notifications.services import notify
from tenant_apps.people.access import Access

from . import reach
from .models import Correction, TaskLogEntry, TaskLogReview

MIN_COMMENT = 3


def _log_url(day: date) -> str:
    return f"/tasks/log/?date={day:%Y-%m-%d}"


def return_for_correction(access: Access, entry: TaskLogEntry, *, comment: str) -> TaskLogEntry:
    """Send `entry` back to its officer with `comment`; tells the officer."""
    me = access.officer
    if me is None or not reach.supervisees(access).filter(pk=entry.officer_id).exists():
        raise PermissionDenied
    comment = (comment or "").strip()
    if len(comment) < MIN_COMMENT:
        raise ValidationError(
            {
                "comment": ValidationError(
                    _("Say what is to be corrected (at least 3 characters)."), code="required"
                )
            }
        )
    with transaction.atomic():
        entry = TaskLogEntry.objects.select_for_update().select_related("officer__user").get(pk=entry.pk)
        entry.correction = Correction.RETURNED
        entry.correction_comment = comment
        entry.returned_by = me
        entry.returned_at = timezone.now()
        entry.save(
            update_fields=["correction", "correction_comment", "returned_by", "returned_at", "updated_at"]
        )
        for review in TaskLogReview.objects.filter(officer=entry.officer, date=entry.date):
            review.delete()  # the day is open again for the correction (one by one: audited)
        notify(
            entry.officer.user,
            Kind.TASK_LOG_RETURNED,
            gettext_lazy("%(name)s returned your task-log entry of %(date)s for correction: %(comment)s"),
            url=_log_url(entry.date),
            name=me.user.get_full_name(),
            date=f"{entry.date:%d/%m/%Y}",
            comment=comment[:200],
        )
    return entry


def is_returned(entry: TaskLogEntry) -> bool:
    return entry.pk is not None and entry.correction == Correction.RETURNED


def mark_corrected(entry: TaskLogEntry) -> None:
    """Called by `services.save_log_entry` inside its transaction when the officer saves a returned
    entry: the entry is corrected and the supervisor who returned it is told."""
    entry.correction = Correction.CORRECTED
    returned_by = entry.returned_by
    if returned_by is None:
        return
    officer = entry.officer
    notify(
        returned_by.user,
        Kind.TASK_LOG_CORRECTED,
        gettext_lazy("%(name)s corrected the task-log entry of %(date)s"),
        url=f"/tasks/log/team/?date={entry.date:%Y-%m-%d}&officer={officer.pk}",
        name=officer.user.get_full_name(),
        date=f"{entry.date:%d/%m/%Y}",
    )


def check_nothing_waiting(officer, days) -> None:
    """Refuse to mark reviewed a day with an entry still waiting for its correction."""
    waiting = sorted(
        set(
            TaskLogEntry.objects.filter(
                officer=officer, date__in=list(days), correction=Correction.RETURNED
            ).values_list("date", flat=True)
        )
    )
    if waiting:
        raise ValidationError(
            _(
                "An entry of %(dates)s is waiting for the officer's correction: review the day once "
                "it is corrected."
            )
            % {"dates": ", ".join(f"{d:%d/%m/%Y}" for d in waiting)},
            code="correction_pending",
        )


def tell_of_review(reviewer, officer, days, comment: str) -> None:
    """A review with a comment reaches the officer (a review without one says nothing new)."""
    comment = (comment or "").strip()
    if not comment or not days:
        return
    first, last = min(days), max(days)
    when = f"{first:%d/%m/%Y}" if first == last else f"{first:%d/%m/%Y}–{last:%d/%m/%Y}"
    notify(
        officer.user,
        Kind.TASK_LOG_REVIEWED,
        gettext_lazy("%(name)s reviewed your task log of %(dates)s: %(comment)s"),
        url=_log_url(first),
        name=reviewer.user.get_full_name(),
        dates=when,
        comment=comment[:200],
    )
