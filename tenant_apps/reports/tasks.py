"""Scheduled monthly reports: on the 1st (Celery beat, 08:00 Malaysia time, after the night's colour
cards) every active agency emails last month's attendance report — the agency's to each executive,
their own team's to each supervisor — as an XLSX attachment, in the recipient's language.

Idempotent per month: a SentReport row (month, recipient, kind) is written in the same transaction
as the sending, so a re-run (or a retried task) never emails the same report twice."""

from __future__ import annotations

import io
from datetime import date, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django_tenants.utils import schema_context

from spotme.celery import app

EXECUTIVE, SUPERVISOR = "agency", "unit"  # the report each role receives (builders.Kind)


def previous_month(today: date) -> date:
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


@app.task(name="reports.monthly_everywhere")
def monthly_everywhere() -> int:
    from tenant_apps.attendance.tasks import _active_agencies, _tz

    n = 0
    for agency in _active_agencies():
        month = previous_month(timezone.now().astimezone(_tz(agency)).date())
        with schema_context(agency.schema_name):
            send_monthly.delay(month.isoformat())
        n += 1
    return n


def recipients(month: date) -> list[tuple[int, str]]:
    """(user id, report kind) still to send for `month`: executives get the agency's report,
    supervisors their team's (both, if someone holds both roles)."""
    from spotme.accounts.models import User
    from tenant_apps.organisation.models import Role

    from .models import SentReport

    sent = set(SentReport.objects.filter(month=month).values_list("recipient_id", "kind"))
    users = User.objects.filter(is_active=True, officer__isnull=False).exclude(email="")
    out = []
    for kind, role in ((EXECUTIVE, Role.EXECUTIVE), (SUPERVISOR, Role.SUPERVISOR)):
        for user_id in users.filter(groups__name=role).values_list("pk", flat=True).order_by("pk"):
            if (user_id, kind) not in sent:
                out.append((user_id, kind))
    return out


@app.task(name="reports.send_monthly", acks_late=True)
def send_monthly(month: str) -> int:
    """Fan out one task per recipient (one slow or failing mailbox never holds up the others)."""
    todo = recipients(date.fromisoformat(month))
    for user_id, kind in todo:
        send_one.delay(month, user_id, kind)
    return len(todo)


@app.task(name="reports.send_one", acks_late=True, autoretry_for=(OSError,), retry_backoff=60, max_retries=5)
def send_one(month: str, user_id: int, kind: str) -> bool:
    """Email one monthly report; False when already sent or when the report is empty."""
    from provisioning.services import agency_url
    from spotme.accounts.models import User
    from tenant_apps.organisation.models import AgencyProfile
    from tenant_apps.people.access import Access
    from tenants.models import current_agency

    from . import builders, exports
    from .models import SentReport

    first = date.fromisoformat(month)
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return False
    access = Access(user)
    if not builders.allowed(access, kind):
        return False
    start, end = builders.month_range(first)
    if not builders.anything_recorded(access, builders.Params(kind, start, end)):
        return False  # nothing happened that month in this person's scope: no e-mail
    language = user.preferred_language or settings.LANGUAGE_CODE
    try:
        with transaction.atomic(), translation.override(language):
            record = SentReport.objects.create(month=first, recipient=user, kind=kind)
            report = builders.build(access, builders.Params(kind, start, end))
            buffer = io.BytesIO()
            rows = exports.write_xlsx(report, buffer)
            if rows == 0:
                transaction.set_rollback(True)
                return False
            record.rows = rows
            record.save(update_fields=["rows"])
            profile = AgencyProfile.current()
            period = formats.date_format(first, "F Y")
            context = {
                "name": user.get_full_name(),
                "title": str(report.title).lower() if language == "en" else str(report.title),
                "agency": profile.name if profile else "",
                "period": period,
                "rows": rows,
                "link": agency_url(current_agency()) + f"reports/{kind}/?month={first:%Y-%m}",
            }
            subject = " ".join(render_to_string("reports/email/monthly_subject.txt", context).split())
            body = render_to_string("reports/email/monthly.txt", context)
            message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
            message.attach(exports.filename(report, "xlsx"), buffer.getvalue(), exports.CONTENT_TYPES["xlsx"])
            message.send()
    except IntegrityError:  # sent meanwhile by another run
        return False
    return True


@app.task(name="reports.render_job", acks_late=True)
def render_job(job_id: int) -> str:
    """A report file in the background (jobs.py), enqueued through the outbox with its job."""
    from . import jobs

    return jobs.render(job_id)
