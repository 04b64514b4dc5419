"""Pages of the officer import (org admins), its templates, and the link imported officers use to
choose their first password."""

from __future__ import annotations

from io import BytesIO

from django.contrib import messages
from django.contrib.auth.views import PasswordResetConfirmView
from django.core.files.uploadedfile import InMemoryUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopFutureHandlers
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from spotme.audit.events import record_auth_event
from spotme.audit.models import AuthEventKind

from . import import_template, importing
from .access import can_manage_people, get_access
from .forms import OfficerImportForm
from .models import ImportBatch


class BoundedMemoryUpload(FileUploadHandler):
    """Keeps the upload in memory, up to the import's size limit. The file holds personal data (MyKad
    numbers), so it never goes to a temporary file on disk; a bigger file is skipped and reported."""

    too_large = False

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.buffer = BytesIO()
        raise StopFutureHandlers()

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > importing.MAX_BYTES:
            self.too_large, self.buffer = True, BytesIO()
            raise SkipFile()
        self.buffer.write(raw_data)

    def file_complete(self, file_size):
        self.buffer.seek(0)
        return InMemoryUploadedFile(
            self.buffer,
            self.field_name,
            self.file_name,
            self.content_type,
            file_size,
            self.charset,
            self.content_type_extra,
        )


@csrf_exempt  # checked by csrf_protect below, once our upload handler is in place
@can_manage_people
def import_officers(request):
    # The upload handler must be set before anything reads the body, and CsrfViewMiddleware would
    # read it (Django's documented pattern: csrf_exempt outside, csrf_protect inside).
    upload = BoundedMemoryUpload(request)
    request.upload_handlers = [upload]
    return _import_page(request, upload)


@csrf_protect
def _import_page(request, upload: BoundedMemoryUpload):
    form = OfficerImportForm(request.POST if request.method == "POST" else None, request.FILES or None)
    report = None
    if request.method == "POST":
        if upload.too_large:
            report = importing.refuse_upload(
                file_name=upload.file_name,
                dry_run=bool(request.POST.get("dry_run")),
                actor=request.user,
                error=importing.ImportFileError(
                    importing.Problem.FILE_TOO_LARGE, importing.too_large_message()
                ),
            )
        elif form.is_valid():
            upload_file = form.cleaned_data["file"]
            report = importing.import_officers(
                file_name=upload_file.name,
                data=upload_file.read(),
                dry_run=form.cleaned_data["dry_run"],
                actor=request.user,
                request=request,
            )
            if report.ok and not report.dry_run:
                messages.success(request, _("%(n)d officers imported.") % {"n": report.created})
                return redirect("people:import_batch", pk=report.batch.pk)
    failed = bool(form.errors) or (report is not None and not report.ok)
    return render(
        request,
        "people/import.html",
        {
            "form": form,
            "report": report,
            "columns": importing.COLUMNS,
            "max_rows": f"{importing.MAX_ROWS:,}",
            "max_mb": importing.MAX_BYTES // (1024 * 1024),
            "recent": ImportBatch.objects.select_related("created_by")[:10],
            "access": get_access(request),
        },
        status=400 if failed else 200,
    )


@can_manage_people
def import_batch(request, pk: int):
    batch = get_object_or_404(ImportBatch, pk=pk)
    return render(request, "people/import_batch.html", {"batch": batch, "access": get_access(request)})


TEMPLATE_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@can_manage_people
def import_template_file(request, file_format: str):
    content = import_template.template_xlsx() if file_format == "xlsx" else import_template.template_csv()
    response = HttpResponse(content, content_type=TEMPLATE_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="spotme-officers.{file_format}"'
    return response


class ActivateAccountView(PasswordResetConfirmView):
    """The emailed link of an imported officer: choose a first password (Django's reset token, which
    works once and expires). Only for active accounts that have no password yet."""

    template_name = "people/activate.html"
    success_url = reverse_lazy("login")

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        if user is None or not user.is_active or user.has_usable_password():
            return None
        return user

    def form_valid(self, form):
        form.user.must_change_password = False  # they have just chosen it themself
        response = super().form_valid(form)
        record_auth_event(
            AuthEventKind.PASSWORD_CHANGED,
            request=self.request,
            user=form.user,
            actor=form.user,
            via="activation_link",
        )
        messages.success(
            self.request, _("Your password is set. Log in with your MyKad number and your new password.")
        )
        return response
