"""Integrasi Peranti pages (org admins only): settings with "test connection" and "pull now", file
upload with a dry run, the batches, and the device user IDs waiting for a mapping."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from spotme.web.forms import apply_errors
from tenant_apps.people.access import get_access, require

from . import services
from .forms import IntegrationForm, MapForm, UploadForm
from .models import DeviceBatch, DeviceIntegration
from .parsing import MAX_BYTES

org_admin_only = require(lambda access: access.is_org_admin)


@org_admin_only
def settings_page(request):
    integration = DeviceIntegration.current()
    form = IntegrationForm(request.POST or None, instance=integration)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_settings(
                form.instance,
                secret=form.cleaned_data.get("secret") or None,
                clear_secret=form.cleaned_data.get("clear_secret", False),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Device integration settings saved."))
            return redirect("devices:settings")
    return render(
        request,
        "devices/settings.html",
        {
            "form": form,
            "integration": DeviceIntegration.objects.get(pk=integration.pk),
            "recent": DeviceBatch.objects.all()[:5],
            "waiting": len(services.unmatched_ids()),
            "access": get_access(request),
        },
        status=400 if form.errors else 200,
    )


@org_admin_only
@require_POST
def test_connection(request):
    result = services.test_connection()
    (messages.success if result["ok"] else messages.error)(request, result["message"])
    if result.get("unmatched_ids"):
        messages.warning(
            request,
            _("Device user IDs that match no officer: %(ids)s")
            % {"ids": ", ".join(result["unmatched_ids"][:20])},
        )
    return redirect("devices:settings")


@org_admin_only
@require_POST
def pull_now(request):
    from .tasks import pull_agency, running_pull

    running = running_pull()
    if running is not None:
        messages.warning(request, services.busy_message(running))
        return redirect("devices:batches")
    pull_agency.delay(source=DeviceBatch.Source.PULL_NOW, user_id=request.user.pk)
    messages.success(request, _("The pull has started; its result appears in the list of batches."))
    return redirect("devices:batches")


@org_admin_only
def upload(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    batch = None
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        if upload_file.size > MAX_BYTES:
            form.add_error("file", _("The file is too large."))
        else:
            batch = services.import_file(
                file_name=upload_file.name,
                data=upload_file.read(),
                dry_run=form.cleaned_data["dry_run"],
                by=request.user,
            )
            if batch.status == DeviceBatch.Status.IMPORTED:
                messages.success(request, _("%(n)d new punches imported.") % {"n": batch.new})
                return redirect("devices:batch", pk=batch.pk)
    failed = bool(form.errors) or (batch is not None and batch.status == DeviceBatch.Status.REJECTED)
    return render(
        request,
        "devices/upload.html",
        {"form": form, "batch": batch, "access": get_access(request)},
        status=400 if failed else 200,
    )


@org_admin_only
def batches(request):
    return render(
        request,
        "devices/batches.html",
        {"batches": DeviceBatch.objects.select_related("created_by")[:100], "access": get_access(request)},
    )


@org_admin_only
def batch_detail(request, pk: int):
    batch = get_object_or_404(DeviceBatch, pk=pk)
    return render(request, "devices/batch.html", {"batch": batch, "access": get_access(request)})


@org_admin_only
def unmatched(request):
    access = get_access(request)
    form = MapForm(request.POST or None, officers=access.managed_officers())
    if request.method == "POST" and form.is_valid():
        try:
            batch = services.map_user_id(
                form.cleaned_data["device_user_id"], form.cleaned_data["officer"], by=request.user
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            n = batch.new if batch else 0
            messages.success(request, _("Device user ID mapped; %(n)d waiting punches imported.") % {"n": n})
            return redirect("devices:unmatched")
    return render(
        request,
        "devices/unmatched.html",
        {"form": form, "ids": services.unmatched_ids(), "access": access},
        status=400 if form.errors else 200,
    )
