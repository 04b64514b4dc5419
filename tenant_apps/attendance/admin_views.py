"""Pengurusan Waktu Kerja pages: the org admin's attendance settings (office locations, working
patterns, policy versions, holidays, each officer's leave, arrangements and monthly patterns), the
officer's own working pattern with requests for a change, and the supervisor's requests to decide.

Views only parse, call `config`, and render; `config` validates, writes and recomputes."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tenant_apps.organisation.models import AgencyProfile, OrgUnit
from tenant_apps.people.access import get_access, require
from tenant_apps.people.models import Officer

from . import calendar, config
from .admin_forms import (
    ArrangementForm,
    HolidayOverrideForm,
    LeaveForm,
    OfficerPatternForm,
    OfficeSiteForm,
    PatternDecisionForm,
    PatternRequestForm,
    PolicyForm,
    WorkingPatternForm,
    YearForm,
    apply_errors,
)
from .models import (
    Arrangement,
    HolidayOverride,
    Leave,
    OfficeSite,
    PatternRequest,
    Policy,
    WorkingPattern,
)

org_admin_only = require(lambda access: access.is_org_admin)
supervisor_or_admin = require(lambda access: access.is_supervisor or access.is_org_admin)


def _status(form) -> int:
    return 400 if form is not None and form.errors else 200


def _year(request) -> int:
    form = YearForm(request.GET or None)
    if form.is_valid() and form.cleaned_data.get("year"):
        return form.cleaned_data["year"]
    return config.agency_today().year


# --- the settings hub ------------------------------------------------------------------------------


@org_admin_only
def index(request):
    today = config.agency_today()
    return render(
        request,
        "attendance/admin/index.html",
        {
            "sites": OfficeSite.objects.filter(is_active=True).count(),
            "patterns": WorkingPattern.objects.filter(is_active=True).count(),
            "policy": calendar.policy_for(today),
            "future_policies": Policy.objects.filter(effective_from__gt=today).count(),
            "overrides": HolidayOverride.objects.filter(date__year=today.year).count(),
            "year": today.year,
        },
    )


# --- office locations ------------------------------------------------------------------------------


@org_admin_only
def site_list(request):
    sites = OfficeSite.objects.prefetch_related(
        Prefetch("org_units", queryset=OrgUnit.objects.order_by("path"))
    ).order_by("-is_active", "name")
    # The active locations drawn with their radius above the table (maps.js, data-map="places").
    sites_map = {
        "sites": [
            {
                "name": s.name,
                "latitude": float(s.latitude),
                "longitude": float(s.longitude),
                "radius_m": s.radius_m,
            }
            for s in sites
            if s.is_active
        ]
    }
    return render(request, "attendance/admin/sites.html", {"sites": sites, "sites_map": sites_map})


@org_admin_only
def site_edit(request, pk: int | None = None):
    site = get_object_or_404(OfficeSite, pk=pk) if pk else OfficeSite()
    form = OfficeSiteForm(request.POST or None, instance=site)
    if request.method == "POST" and form.is_valid():
        try:
            config.save_site(form.instance, form.cleaned_data["org_units"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Office location saved."))
            return redirect("attendance:admin_sites")
    return render(
        request, "attendance/admin/site_form.html", {"form": form, "site": site}, status=_status(form)
    )


@org_admin_only
@require_POST
def site_set_active(request, pk: int):
    site = get_object_or_404(OfficeSite, pk=pk)
    active = request.POST.get("active") == "1"
    try:
        config.set_site_active(site, active)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request, _("Office location reactivated.") if active else _("Office location deactivated.")
        )
    return redirect("attendance:admin_sites")


# --- working patterns ------------------------------------------------------------------------------


@org_admin_only
def pattern_list(request):
    patterns = WorkingPattern.objects.order_by("-is_active", "code")
    return render(
        request,
        "attendance/admin/patterns.html",
        {"patterns": patterns, "standard": config.STANDARD_CODES},
    )


@org_admin_only
def pattern_edit(request, pk: int | None = None):
    pattern = get_object_or_404(WorkingPattern, pk=pk) if pk else WorkingPattern(kind="fixed")
    if pattern.pk and pattern.code in config.STANDARD_CODES:
        messages.info(request, _("The standard patterns follow the federal rules and cannot be changed."))
        return redirect("attendance:admin_patterns")
    form = WorkingPatternForm(request.POST or None, instance=pattern)
    if request.method == "POST" and form.is_valid():
        try:
            config.save_pattern(form.instance)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Working pattern saved."))
            return redirect("attendance:admin_patterns")
    in_use = config.pattern_in_use(pattern)
    return render(
        request,
        "attendance/admin/pattern_form.html",
        {"form": form, "pattern": pattern, "in_use": in_use},
        status=_status(form),
    )


# --- policy versions -------------------------------------------------------------------------------


@org_admin_only
def policy_list(request):
    today = config.agency_today()
    policies = Policy.objects.select_related("default_pattern").order_by("-effective_from")
    current = calendar.policy_for(today)
    return render(
        request,
        "attendance/admin/policies.html",
        {
            "policies": policies,
            "today": today,
            "current": current,
            "state": AgencyProfile.current().get_state_display(),
        },
    )


@org_admin_only
def policy_edit(request, pk: int | None = None):
    if pk:
        policy = get_object_or_404(Policy, pk=pk)
        if not config.policy_editable(policy):
            messages.error(request, _("This version has already taken effect and is read-only."))
            return redirect("attendance:admin_policies")
        initial = {}
    else:
        # A new version starts from the one in force (what most changes keep).
        policy = Policy()
        today = config.agency_today()
        base = calendar.policy_for(today)
        initial = {"effective_from": today + timedelta(days=1)}
        if base is not None:
            initial |= {
                f: getattr(base, f)
                for f in PolicyForm.Meta.fields
                if f not in ("effective_from", "ramadan_start", "ramadan_end")
            }
            initial["default_pattern"] = base.default_pattern_id
    form = PolicyForm(request.POST or None, instance=policy, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            config.save_policy(form.instance)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Policy version saved."))
            return redirect("attendance:admin_policies")
    return render(
        request, "attendance/admin/policy_form.html", {"form": form, "policy": policy}, status=_status(form)
    )


@org_admin_only
@require_POST
def policy_delete(request, pk: int):
    policy = get_object_or_404(Policy, pk=pk)
    try:
        config.delete_policy(policy)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Policy version deleted."))
    return redirect("attendance:admin_policies")


# --- holidays --------------------------------------------------------------------------------------


@org_admin_only
def holidays(request):
    """The year's state holidays merged with the agency's overrides; POST adds an override."""
    profile = AgencyProfile.current()
    year = _year(request)
    form = HolidayOverrideForm(request.POST or None, instance=HolidayOverride())
    if request.method == "POST" and form.is_valid():
        try:
            override = config.add_holiday_override(form.instance)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Holiday calendar updated; attendance of that day recomputed."))
            return redirect(f"{reverse('attendance:admin_holidays')}?year={override.date.year}")
    return render(
        request,
        "attendance/admin/holidays.html",
        {
            "rows": config.holiday_rows(profile.state, year),
            "year": year,
            "form": form,
            "state": profile.get_state_display(),
        },
        status=_status(form),
    )


@org_admin_only
@require_POST
def holiday_delete(request, pk: int):
    override = get_object_or_404(HolidayOverride, pk=pk)
    year = override.date.year
    config.delete_holiday_override(override)
    messages.success(request, _("Override deleted; attendance of that day recomputed."))
    return redirect(f"{reverse('attendance:admin_holidays')}?year={year}")


# --- one officer's attendance settings -------------------------------------------------------------


def _managed_officer(request, pk: int) -> Officer:
    return get_object_or_404(get_access(request).managed_officers(), pk=pk)


def _officer_page(request, officer, *, leave_form=None, arrangement_form=None, pattern_form=None):
    year = _year(request)
    bound = next((f for f in (leave_form, arrangement_form, pattern_form) if f is not None), None)
    return render(
        request,
        "attendance/admin/officer.html",
        {
            "officer": officer,
            "year": year,
            "months": config.year_patterns([officer], year)[officer.pk],
            "this_month": config.agency_today().replace(day=1),
            "leaves": Leave.objects.filter(officer=officer).order_by("-start_date")[:200],
            "arrangements": Arrangement.objects.filter(officer=officer).order_by("-start_date")[:200],
            "leave_form": leave_form or LeaveForm(instance=Leave(officer=officer), prefix="leave"),
            "arrangement_form": arrangement_form
            or ArrangementForm(instance=Arrangement(officer=officer), prefix="arrangement"),
            "pattern_form": pattern_form or OfficerPatternForm(prefix="pattern"),
        },
        status=_status(bound),
    )


@org_admin_only
def officer_settings(request, pk: int):
    return _officer_page(request, _managed_officer(request, pk))


@org_admin_only
@require_POST
def officer_pattern(request, pk: int):
    officer = _managed_officer(request, pk)
    form = OfficerPatternForm(request.POST, prefix="pattern")
    if form.is_valid():
        try:
            config.set_officer_pattern(officer, form.cleaned_data["month"], form.cleaned_data["pattern"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Working pattern for the month saved."))
            return redirect("attendance:admin_officer", pk=officer.pk)
    return _officer_page(request, officer, pattern_form=form)


@org_admin_only
@require_POST
def leave_add(request, pk: int):
    officer = _managed_officer(request, pk)
    form = LeaveForm(request.POST, instance=Leave(officer=officer, source="admin"), prefix="leave")
    if form.is_valid():
        try:
            config.save_leave(form.instance)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Leave recorded."))
            return redirect("attendance:admin_officer", pk=officer.pk)
    return _officer_page(request, officer, leave_form=form)


@org_admin_only
@require_POST
def leave_delete(request, pk: int):
    leave = get_object_or_404(Leave.objects.filter(officer__in=get_access(request).managed_officers()), pk=pk)
    officer_id = leave.officer_id
    config.delete_leave(leave)
    messages.success(request, _("Leave deleted."))
    return redirect("attendance:admin_officer", pk=officer_id)


@org_admin_only
@require_POST
def arrangement_add(request, pk: int):
    officer = _managed_officer(request, pk)
    form = ArrangementForm(request.POST, instance=Arrangement(officer=officer), prefix="arrangement")
    if form.is_valid():
        try:
            config.save_arrangement(form.instance)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Arrangement recorded."))
            return redirect("attendance:admin_officer", pk=officer.pk)
    return _officer_page(request, officer, arrangement_form=form)


@org_admin_only
@require_POST
def arrangement_delete(request, pk: int):
    arrangement = get_object_or_404(
        Arrangement.objects.filter(officer__in=get_access(request).managed_officers()), pk=pk
    )
    officer_id = arrangement.officer_id
    config.delete_arrangement(arrangement)
    messages.success(request, _("Arrangement deleted."))
    return redirect("attendance:admin_officer", pk=officer_id)


# --- the officer's own pattern, and the supervisor's decisions -------------------------------------


def _own_officer(request) -> Officer:
    officer = get_access(request).officer
    if officer is None:
        raise PermissionDenied
    return officer


@login_required
def my_pattern(request):
    """Each month's pattern of the year, the requests made, and a form to ask for a change."""
    officer = _own_officer(request)
    form = PatternRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            config.request_pattern(
                officer, month=data["month"], pattern=data["pattern"], reason=data["reason"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Your request has been sent to your supervisor."))
            return redirect("attendance:my_pattern")
    year = _year(request)
    return render(
        request,
        "attendance/my_pattern.html",
        {
            "officer": officer,
            "year": year,
            "months": config.year_patterns([officer], year)[officer.pk],
            "this_month": config.agency_today().replace(day=1),
            "requests": PatternRequest.objects.filter(officer=officer).select_related(
                "pattern", "decided_by__user"
            )[:50],
            "form": form,
        },
        status=_status(form) if request.method == "POST" else 200,
    )


@supervisor_or_admin
def pattern_requests(request):
    """Working-pattern requests to approve, and the team's patterns for the year."""
    access = get_access(request)
    year = _year(request)
    pending = config.decidable_pattern_requests(access).filter(status=PatternRequest.Status.PENDING)
    team = list(
        Officer.objects.filter(pk__in=access.supervisee_ids(), user__is_active=True)
        .select_related("user")
        .order_by("user__full_name")
    )
    grid = config.year_patterns(team, year)
    return render(
        request,
        "attendance/pattern_requests.html",
        {
            "pending": pending.order_by("month", "created_at")[:500],
            "decided": config.decidable_pattern_requests(access)
            .exclude(status=PatternRequest.Status.PENDING)
            .order_by("-decided_at")[:20],
            "team": [(o, grid[o.pk]) for o in team],
            "year": year,
            "form": PatternDecisionForm(),
        },
    )


@supervisor_or_admin
@require_POST
def pattern_request_decide(request, pk: int):
    access = get_access(request)
    req = get_object_or_404(config.decidable_pattern_requests(access), pk=pk)
    form = PatternDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or reject."))
        return redirect("attendance:pattern_requests")
    approve = form.cleaned_data["decision"] == "approve"
    try:
        config.decide_pattern_request(
            req, by=access.officer, approve=approve, comment=form.cleaned_data["comment"]
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Request approved.") if approve else _("Request rejected."))
    return redirect("attendance:pattern_requests")
