"""Laporan pages: the list of reports one may open, and each report with its filters, as a paginated
table or downloaded (`?export=csv|xlsx|pdf`)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from tenant_apps.people.access import get_access

from . import builders, exports, jobs
from .builders import KIND_TITLES, Kind, allowed
from .forms import ReportForm

PAGE_SIZE = 100


class _Paginator(Paginator):
    """A paginator over a count known beforehand (the report's own), rows already sliced."""

    def __init__(self, count: int, per_page: int):
        super().__init__(range(count), per_page)


@login_required
@require_GET
def index(request):
    access = get_access(request)
    reports = [(kind, title) for kind, title in KIND_TITLES.items() if allowed(access, kind)]
    return render(request, "reports/index.html", {"reports": reports})


def _query(request, drop=("page", "export")) -> str:
    return urlencode([(k, v) for k, v in request.GET.items() if k not in drop])


@login_required
@require_GET
def report(request, kind: str):
    if kind not in KIND_TITLES:
        raise Http404
    access = get_access(request)
    if not allowed(access, kind):
        raise PermissionDenied
    fmt = request.GET.get("export", "html")
    form = ReportForm(request.GET or {}, kind=kind, access=access)
    context = {
        "kind": kind,
        "title": KIND_TITLES[kind],
        "form": form,
        "query": _query(request),
        "pdf_in_background": jobs.in_background(kind, "pdf"),
        "prepare_fields": [(k, v) for k, v in request.GET.items() if k not in ("page", "export")],
    }
    if jobs.in_background(kind, fmt):
        # Made in the background, asked for with the page's "Prepare the PDF" (a POST): an old
        # link shows the report with that button.
        fmt = "html"
        context["background_hint"] = True
    if fmt not in exports.CONTENT_TYPES and fmt != "html":
        form.is_valid()
        form.add_error(None, _("Unknown format: choose CSV, XLSX or PDF."))
        return render(request, "reports/report.html", context, status=400)
    if not form.is_valid():
        return render(request, "reports/report.html", context, status=400 if request.GET else 200)
    params = form.params()
    if fmt != "html":
        result = builders.build(access, params)
        try:
            return exports.respond(result, fmt)
        except exports.TooBigForPdf:
            context["pdf_refused"] = True
            return render(request, "reports/report.html", context, status=400)
    paged = kind != Kind.OFFICER
    page_number = _page_number(request)
    result = builders.build(
        access, params, page=((page_number - 1) * PAGE_SIZE, PAGE_SIZE) if paged else None
    )
    page = None
    if paged:
        paginator = _Paginator(result.count, PAGE_SIZE)
        page = Page([], min(page_number, paginator.num_pages), paginator)
    rows = [
        ([exports.text(c, row.get(c.key)) for c in result.columns], row.get("officer_id"))
        for row in result.rows
    ]
    totals = [exports.text(c, result.totals.get(c.key)) for c in result.columns] if result.totals else None
    context.update(
        report=result,
        header=[c.label for c in result.columns],
        rows=rows,
        totals=totals,
        page=page,
        pdf_allowed=True,  # up to exports.PDF_MAX_ROWS rows (an agency of 2,000 officers)
        colour_legend=any(c.kind == "colour" for c in result.columns) or bool(result.extra.get("colour")),
        month=params.month.strftime("%Y-%m"),
        colour=builders.COLOUR_LABELS.get(result.extra.get("colour")) if kind == Kind.OFFICER else None,
    )
    return render(request, "reports/report.html", context)


def _page_number(request) -> int:
    try:
        return max(1, int(request.GET.get("page", 1)))
    except ValueError:
        return 1


@login_required
@require_POST
def prepare(request, kind: str):
    """Ask for a report file made in the background (the agency's PDF): the job is written and the
    person goes to its page at once."""
    if kind not in KIND_TITLES:
        raise Http404
    access = get_access(request)
    if not allowed(access, kind):
        raise PermissionDenied
    fmt = request.POST.get("export", "pdf")
    form = ReportForm(request.POST, kind=kind, access=access)
    if not jobs.in_background(kind, fmt) or not form.is_valid():
        if not form.errors:
            form.add_error(None, _("Unknown format: choose CSV, XLSX or PDF."))
        context = {"kind": kind, "title": KIND_TITLES[kind], "form": form, "query": ""}
        return render(request, "reports/report.html", context, status=400)
    job = jobs.request_job(access, form.params(), fmt, language=get_language())
    return redirect("reports:job", job.pk)


@login_required
@require_GET
def job(request, pk: int):
    access = get_access(request)
    found = jobs.job_for(access, pk)
    return render(
        request,
        "reports/job.html",
        {"job": found, "title": KIND_TITLES[found.kind], "recent": jobs.recent_jobs(access)},
    )


@login_required
@require_GET
def job_status(request, pk: int):
    """For the job page's script: whether the file is ready yet."""
    found = jobs.job_for(get_access(request), pk)
    return JsonResponse({"status": found.status, "finished": found.finished})


@login_required
@require_GET
def job_download(request, pk: int):
    found = jobs.job_for(get_access(request), pk)
    if found.status != found.Status.DONE or not found.file:
        raise Http404
    response = FileResponse(
        found.file.open("rb"),
        as_attachment=True,
        filename=found.file_name,
        content_type=exports.CONTENT_TYPES[found.fmt],
    )
    response["Cache-Control"] = "private, no-store"
    return response
