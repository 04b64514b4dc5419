"""The audit trail pages: on an agency's host its org admin reads the agency's trail; on the apex JDN
operators read the platform's (public schema). Each reads only the schema it is served from."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django_tenants.utils import tenant_context

from spotme import hooks

from .display import AuthEventRow, DataChangeRow, auth_event_header, data_change_header
from .forms import AuthEventFilterForm, DataChangeFilterForm
from .models import AuthEvent, LogEntry

PAGE_SIZE = 50
EXPORT_CHUNK = 2000
# Spreadsheet programs run a cell that starts with one of these as a formula; names, reasons and
# user agents in the trail are typed by anyone, so such a cell is exported with a leading quote.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def audit_access(view):
    """Org admins of the agency (agency host) or JDN operators (apex); others get 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        public = request.tenant.is_public
        hook = hooks.AUDIT_READER_ON_APEX if public else hooks.AUDIT_READER_ON_AGENCY
        allowed = hooks.ask(hook, request)
        if not allowed:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def _page(request, template: str, form, queryset, row: Callable, tab: str):
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        template,
        {
            "form": form,
            "page": page,
            "rows": [row(item) for item in page],
            "tab": tab,
            "query": query.urlencode(),
        },
        status=400 if form.errors else 200,
    )


@audit_access
def data_changes(request):
    form = DataChangeFilterForm(request.GET or None, public=request.tenant.is_public)
    entries = form.apply(LogEntry.objects.select_related("actor", "content_type"))
    return _page(request, "audit/data_changes.html", form, entries, DataChangeRow.of, "changes")


@audit_access
def auth_events(request):
    form = AuthEventFilterForm(request.GET or None, public=request.tenant.is_public)
    events = form.apply(AuthEvent.objects.select_related("user", "actor"))
    return _page(request, "audit/auth_events.html", form, events, AuthEventRow.of, "auth")


class _Echo:
    """csv.writer writes into this and gets each line back, to stream it."""

    def write(self, value: str) -> str:
        return value


def _cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def _csv_response(request, name: str, header: list[str], queryset, row: Callable) -> StreamingHttpResponse:
    tenant, language = request.tenant, translation.get_language()
    writer = csv.writer(_Echo())

    def lines() -> Iterable[str]:
        # The body is produced after the view has returned: read from the request's schema, in the
        # request's language, explicitly.
        with tenant_context(tenant), translation.override(language):
            yield "\ufeff"  # UTF-8 byte order mark: spreadsheet programs then read Malay names correctly
            yield writer.writerow(header)
            for item in queryset.iterator(chunk_size=EXPORT_CHUNK):
                yield writer.writerow([_cell(v) for v in row(item).csv()])

    who = "jdn" if tenant.is_public else tenant.subdomain or tenant.schema_name
    filename = f"audit-{who}-{name}-{timezone.localdate():%Y%m%d}.csv"
    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@audit_access
def data_changes_csv(request):
    form = DataChangeFilterForm(request.GET or None, public=request.tenant.is_public)
    if form.is_bound and not form.is_valid():
        return HttpResponseBadRequest(form.errors.as_text(), content_type="text/plain; charset=utf-8")
    entries = form.apply(LogEntry.objects.select_related("actor", "content_type"))
    return _csv_response(request, "changes", data_change_header(), entries, DataChangeRow.of)


@audit_access
def auth_events_csv(request):
    form = AuthEventFilterForm(request.GET or None, public=request.tenant.is_public)
    if form.is_bound and not form.is_valid():
        return HttpResponseBadRequest(form.errors.as_text(), content_type="text/plain; charset=utf-8")
    events = form.apply(AuthEvent.objects.select_related("user", "actor"))
    return _csv_response(request, "auth-events", auth_event_header(), events, AuthEventRow.of)
