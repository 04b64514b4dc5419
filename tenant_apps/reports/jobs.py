"""Report files made in the background. The agency's monthly PDF (up to 2,000 officers) takes tens
of seconds to render, longer than a request should wait: the request writes a ReportJob and its
outbox row in one transaction and answers at once with the job's page; the Celery task `render_job`
renders the file (WeasyPrint), stores it in the agency's media folder and tells the person in the
notification centre. Without REDIS_URL the task runs in-process after the commit (eager mode).

Only the person who asked sees a job and its file, and only while they may still open that report
(`builders.allowed`): a changed role closes it. The task is idempotent: a redelivered task finishes
a job left running by a killed worker, and never renders a finished one again."""

from __future__ import annotations

import logging
from datetime import date

from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tenant_apps.people.access import Access

from . import builders, exports
from .builders import Kind, Params
from .models import ReportJob

log = logging.getLogger(__name__)

# (kind, format) made in the background; every other export is answered in the request.
BACKGROUND = frozenset({(Kind.AGENCY, "pdf")})

READY = _("The PDF of “%(title)s” for %(period)s is ready to download.")


def in_background(kind: str, fmt: str) -> bool:
    return (kind, fmt) in BACKGROUND


def request_job(access: Access, params: Params, fmt: str, *, language: str) -> ReportJob:
    """Write the job and ask for its rendering (the outbox: published after the commit)."""
    from spotme.outbox import services as outbox

    with transaction.atomic():
        job = ReportJob.objects.create(
            requested_by=access.user,
            kind=params.kind,
            fmt=fmt,
            language=language,
            params={
                "start": params.start.isoformat(),
                "end": params.end.isoformat(),
                "org_unit": params.org_unit.pk if params.org_unit else None,
                "officer": params.officer.pk if params.officer else None,
            },
        )
        outbox.enqueue("reports.render_job", job.pk)
    return job


def job_for(access: Access, job_id: int) -> ReportJob:
    """The job if it is this person's and they may still open its report; else 404."""
    job = ReportJob.objects.filter(pk=job_id, requested_by_id=access.user.pk).first()
    if job is None or not builders.allowed(access, job.kind):
        raise Http404
    return job


def recent_jobs(access: Access, limit: int = 10):
    return ReportJob.objects.filter(requested_by_id=access.user.pk).order_by("-created_at")[:limit]


def _params(job: ReportJob) -> Params:
    from tenant_apps.organisation.models import OrgUnit
    from tenant_apps.people.models import Officer

    p = job.params
    return Params(
        job.kind,
        date.fromisoformat(p["start"]),
        date.fromisoformat(p["end"]),
        org_unit=OrgUnit.objects.filter(pk=p.get("org_unit")).first() if p.get("org_unit") else None,
        officer=Officer.objects.select_related("user").filter(pk=p.get("officer")).first()
        if p.get("officer")
        else None,
    )


def _finish(job_id: int, **fields) -> ReportJob | None:
    """Record the outcome unless another delivery of the task finished the job first."""
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.finished:
            return None
        data = fields.pop("data", None)
        for name, value in fields.items():
            setattr(job, name, value)
        if data is not None:
            job.file.save(job.file_name, ContentFile(data), save=False)
        job.finished_at = timezone.now()
        job.save()
        if job.status == ReportJob.Status.DONE:
            _notify_ready(job)
    return job


def _notify_ready(job: ReportJob) -> None:
    from tenant_apps.notifications.models import Kind as NotificationKind
    from tenant_apps.notifications.services import notify

    start = date.fromisoformat(job.params["start"])
    notify(
        job.requested_by,
        NotificationKind.REPORT_READY,
        READY,
        url=reverse("reports:job", args=[job.pk]),
        title=str(builders.KIND_TITLES[job.kind]),
        period=f"{start:%m/%Y}",
    )


def render(job_id: int) -> str:
    """Render the job's file (the Celery task's body)."""
    job = ReportJob.objects.select_related("requested_by").filter(pk=job_id).first()
    if job is None or job.finished:
        return "nothing to do"
    ReportJob.objects.filter(pk=job_id).update(status=ReportJob.Status.RUNNING, started_at=timezone.now())
    access = Access(job.requested_by)
    if not job.requested_by.is_active or not builders.allowed(access, job.kind):
        _finish(job_id, status=ReportJob.Status.FAILED, error=gettext("You may no longer open this report."))
        return "failed"
    try:
        with translation.override(job.language):
            report = builders.build(access, _params(job))
            data = exports.pdf_bytes(report)
            name = exports.filename(report, job.fmt)
    except exports.TooBigForPdf:
        _finish(
            job_id,
            status=ReportJob.Status.FAILED,
            error=gettext("This report is too large for a PDF. Download it as CSV or XLSX instead."),
        )
        return "failed"
    except Exception:  # shown on the job's page, which offers to ask again
        log.exception("report job %s failed", job_id)
        _finish(job_id, status=ReportJob.Status.FAILED, error=gettext("The report could not be prepared."))
        return "failed"
    done = _finish(job_id, status=ReportJob.Status.DONE, file_name=name, rows=report.count or 0, data=data)
    return "done" if done else "already finished"
