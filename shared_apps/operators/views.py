from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from provisioning import services as provisioning
from shared_apps.onboarding import actions
from shared_apps.onboarding.forms import ApplicationFilterForm, RejectForm
from shared_apps.onboarding.models import AgencyApplication, ApplicationStatus
from spotme.web.confirm import confirmation, confirmed
from tenants.models import Agency, AgencyStatus

from .permissions import operator_required


@operator_required
def dashboard(request):
    form = ApplicationFilterForm(request.GET or None)
    apps = AgencyApplication.objects.select_related("reviewed_by")
    if form.is_valid():
        if form.cleaned_data["status"]:
            apps = apps.filter(status=form.cleaned_data["status"])
        if form.cleaned_data["state"]:
            apps = apps.filter(state=form.cleaned_data["state"])
        if q := form.cleaned_data["q"].strip():
            apps = apps.filter(
                Q(agency_name__icontains=q)
                | Q(subdomain__icontains=q)
                | Q(ministry__icontains=q)
                | Q(admin_email__icontains=q)
            )
    page = Paginator(apps, 25).get_page(request.GET.get("page"))
    tally = {s: 0 for s in ApplicationStatus.values}
    for row in AgencyApplication.objects.values_list("status", flat=True):
        tally[row] += 1
    counts = [(status, label, tally[status]) for status, label in ApplicationStatus.choices]
    return render(request, "operators/dashboard.html", {"form": form, "page": page, "counts": counts})


@operator_required
def application_detail(request, pk: int):
    app = get_object_or_404(AgencyApplication.objects.select_related("reviewed_by"), pk=pk)
    agency = Agency.objects.filter(application=app).first()
    return render(
        request,
        "operators/application_detail.html",
        {
            "app": app,
            "events": app.events.select_related("actor"),
            "reject_form": RejectForm(),
            "provisioned_agency": agency,
            "agency_url": provisioning.agency_url(agency) if agency else None,
        },
    )


def _run(request, action, success_message: str):
    try:
        action()
    except actions.ApplicationStateError as exc:
        messages.error(request, str(exc))
        return False
    messages.success(request, success_message)
    return True


@operator_required
@require_POST
def approve(request, pk: int):
    app = get_object_or_404(AgencyApplication, pk=pk)
    if app.can_be_reviewed and not confirmed(request):
        return confirmation(
            request,
            title=_("Approve the application"),
            question=_("Approve %(reference)s and provision “%(agency)s” now?")
            % {"reference": app.reference, "agency": app.agency_name},
            confirm_label=_("Yes, approve and provision"),
            back_url=reverse("operators:application", args=[pk]),
            details=[
                (_("Agency"), app.agency_name),
                (_("Requested subdomain"), app.subdomain),
                (_("Organisation administrator"), f"{app.admin_name} ({app.admin_email})"),
            ],
            warning=_(
                "The agency's schema and address are created and its administrator is emailed a "
                "temporary password. An approval cannot be withdrawn."
            ),
        )
    _run(
        request,
        lambda: actions.approve_application(pk, operator=request.user),
        _("Application approved; the agency is being provisioned."),
    )
    return redirect("operators:application", pk=pk)


@operator_required
@require_POST
def reject(request, pk: int):
    app = get_object_or_404(AgencyApplication, pk=pk)
    form = RejectForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "operators/application_detail.html",
            {"app": app, "events": app.events.all(), "reject_form": form},
            status=400,
        )
    _run(
        request,
        lambda: actions.reject_application(pk, operator=request.user, reason=form.cleaned_data["reason"]),
        _("Application rejected; the applicant has been informed."),
    )
    return redirect("operators:application", pk=pk)


@operator_required
@require_POST
def retry(request, pk: int):
    _run(request, lambda: actions.retry_provisioning(pk, operator=request.user), _("Provisioning retried."))
    return redirect("operators:application", pk=pk)


@operator_required
def agencies(request):
    rows = Agency.objects.exclude(schema_name="public").prefetch_related("domains").order_by("name")
    status = request.GET.get("status", "")
    if status in AgencyStatus.values:
        rows = rows.filter(status=status)
    return render(
        request,
        "operators/agencies.html",
        {"agencies": rows, "status": status, "statuses": AgencyStatus.choices},
    )


@operator_required
@require_POST
def agency_status(request, pk: int):
    agency = get_object_or_404(Agency.objects.exclude(schema_name="public"), pk=pk)
    target = request.POST.get("status", "")
    reason = request.POST.get("reason", "").strip()
    if target not in AgencyStatus.values:
        messages.error(request, _("Unknown status."))
    elif target != AgencyStatus.ACTIVE and len(reason) < 5:
        messages.error(request, _("Give a reason (at least 5 characters)."))
    elif target in CONFIRMED_STATUSES and not confirmed(request):
        return _confirm_status(request, agency, target, reason)
    else:
        try:
            provisioning.set_agency_status(agency.pk, target, reason=reason)
        except (provisioning.AgencyStateError, ValidationError) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _("“%(agency)s” is now %(status)s.")
                % {"agency": agency.name, "status": AgencyStatus(target).label.lower()},
            )
    return redirect("operators:agencies")


# Changes that shut an agency's officers out: asked to be confirmed first.
CONFIRMED_STATUSES = (AgencyStatus.SUSPENDED, AgencyStatus.ARCHIVED)


def _confirm_status(request, agency: Agency, target: str, reason: str):
    if target == AgencyStatus.ARCHIVED:
        title, label = _("Archive the agency"), _("Yes, archive")
        question = _("Archive “%(agency)s”?") % {"agency": agency.name}
        warning = _(
            "Nobody of the agency can sign in, clock in or use the API any more, and an archived "
            "agency cannot be reactivated; its data is kept for export and offboarding."
        )
    else:
        title, label = _("Suspend the agency"), _("Yes, suspend")
        question = _("Suspend “%(agency)s”?") % {"agency": agency.name}
        warning = _("Nobody of the agency can sign in, clock in or use the API until it is reactivated.")
    return confirmation(
        request,
        title=title,
        question=question,
        confirm_label=label,
        back_url=reverse("operators:agencies"),
        details=[(_("Agency"), agency.name), (_("Address"), agency.host), (_("Reason"), reason)],
        warning=warning,
    )


@operator_required
def platform_stats(request):
    """Platform statistics (agencies, active users, clock-ins, provisioning history): counts only,
    from the public table the periodic task fills; no officer's personal data."""
    from django.utils import timezone

    from .stats import platform_overview

    overview = platform_overview(timezone.localdate())
    chart = {
        "type": "bar",
        "labels": [date_format(date.fromisoformat(d["date"]), "d/m/Y") for d in overview["per_day"]],
        "datasets": [
            {"label": _("Clock-ins"), "data": [d["clock_ins"] for d in overview["per_day"]]},
            {
                "label": _("Active users"),
                "data": [d["active_users"] for d in overview["per_day"]],
                "kind": "line",
            },
        ],
    }
    return render(request, "operators/stats.html", {"overview": overview, "chart": chart})
