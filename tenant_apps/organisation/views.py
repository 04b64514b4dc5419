from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from tenant_apps.people.access import can_manage_people, can_see_people, get_access
from tenant_apps.people.actions import save_org_unit
from tenant_apps.people.forms import OrgUnitForm

from .forms import AgencySettingsForm
from .models import AgencyProfile, OrgUnit, Role


@login_required
def home(request):
    roles = Role.of(request.user)
    return render(
        request,
        "organisation/home.html",
        {
            "profile": AgencyProfile.current(),
            "roles": [Role(r) for r in Role.values if r in roles],
            "access": get_access(request),
        },
    )


@can_see_people
def org_unit_list(request):
    units = OrgUnit.objects.select_related("head__user").order_by("path")
    from django.db.models import Count

    units = units.annotate(officer_count=Count("officers"))
    return render(request, "organisation/org_units.html", {"units": units, "access": get_access(request)})


@can_manage_people
def org_unit_edit(request, pk: int | None = None):
    unit = get_object_or_404(OrgUnit, pk=pk) if pk else OrgUnit()
    form = OrgUnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        try:
            save_org_unit(form.save(commit=False))
        except ValidationError as exc:
            form.add_error("parent", exc.message_dict.get("parent", exc.messages))
        else:
            messages.success(request, _("Organisation unit saved."))
            return redirect("organisation:units")
    return render(
        request,
        "organisation/org_unit_form.html",
        {"form": form, "unit": unit},
        status=400 if form.errors else 200,
    )


@can_manage_people
def agency_settings(request):
    profile = AgencyProfile.current()
    form = AgencySettingsForm(request.POST or None, request.FILES or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
        messages.success(request, _("Settings saved."))
        return redirect("organisation:settings")
    return render(request, "organisation/settings.html", {"form": form}, status=400 if form.errors else 200)


def logo(request):
    """The agency's logo (public, like any letterhead). Files live in the agency's own media folder."""
    from django.http import FileResponse, Http404

    profile = AgencyProfile.current()
    if profile is None or not profile.logo:
        raise Http404
    response = FileResponse(profile.logo.open("rb"))
    response["Cache-Control"] = "public, max-age=3600"
    return response
