from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from spotme.accounts.lockout import is_locked
from spotme.web.forms import apply_errors
from tenant_apps.organisation.models import Role

from . import actions
from .access import can_manage_people, can_see_people, get_access
from .forms import OfficerFilterForm, OfficerForm, ProfileForm


@can_see_people
def officer_list(request):
    access = get_access(request)
    officers = access.officers().order_by("user__full_name")
    form = OfficerFilterForm(request.GET or None)
    if form.is_valid():
        d = form.cleaned_data
        if q := d["q"].strip():
            officers = officers.filter(
                Q(user__full_name__icontains=q)
                | Q(user__username__startswith=q)
                | Q(position__icontains=q)
                | Q(grade__iexact=q)
            )
        if d["org_unit"]:
            officers = officers.filter(org_unit__in=d["org_unit"].descendants())
        if d["role"]:
            officers = officers.filter(user__groups__name=d["role"])
        if d["active"] in ("0", "1"):
            officers = officers.filter(user__is_active=d["active"] == "1")
    page = Paginator(officers, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "people/officer_list.html",
        {"form": form, "page": page, "access": access, "import_url": resolve_url("people:import")},
    )


@can_see_people
def officer_detail(request, pk: int):
    access = get_access(request)
    officer = get_object_or_404(access.officers(), pk=pk)
    roles = [Role(r) for r in Role.values if r in set(officer.user.groups.values_list("name", flat=True))]
    locked = is_locked(officer.user.get_username(), request)
    return render(
        request,
        "people/officer_detail.html",
        {"officer": officer, "roles": roles, "access": access, "locked": locked},
    )


@can_manage_people
def officer_create(request):
    form = OfficerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = actions.create_officer(
                mykad=form.cleaned_data["mykad"],
                roles=form.cleaned_data["roles"],
                request=request,
                **form.profile_data(),
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("Officer created. Temporary password: %(password)s (also emailed).")
                % {"password": result.temporary_password},
            )
            return redirect("people:detail", pk=result.officer.pk)
    return render(
        request,
        "people/officer_form.html",
        {"form": form, "creating": True},
        status=400 if form.errors else 200,
    )


@can_manage_people
def officer_edit(request, pk: int):
    officer = get_object_or_404(get_access(request).managed_officers(), pk=pk)
    initial = {
        "mykad": officer.mykad,
        "full_name": officer.user.full_name,
        "email": officer.user.email,
        "phone": officer.user.phone,
        "grade": officer.grade,
        "position": officer.position,
        "org_unit": officer.org_unit,
        "supervisor": officer.supervisor,
        "join_date": officer.join_date,
        "leave_date": officer.leave_date,
        "roles": [g for g in officer.user.groups.values_list("name", flat=True) if g != Role.OFFICER],
    }
    form = OfficerForm(request.POST or None, initial=initial, officer=officer)
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_officer(
                officer, roles=form.cleaned_data["roles"], request=request, **form.profile_data()
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Changes saved."))
            return redirect("people:detail", pk=officer.pk)
    return render(
        request,
        "people/officer_form.html",
        {"form": form, "officer": officer},
        status=400 if form.errors else 200,
    )


@can_manage_people
@require_POST
def officer_set_active(request, pk: int):
    officer = get_object_or_404(get_access(request).managed_officers(), pk=pk)
    active = request.POST.get("active") == "1"
    try:
        actions.set_officer_active(officer, active, request=request)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Account reactivated.") if active else _("Account deactivated."))
    return redirect("people:detail", pk=pk)


@can_manage_people
@require_POST
def officer_temporary_password(request, pk: int):
    officer = get_object_or_404(get_access(request).managed_officers(), pk=pk)
    password = actions.issue_temporary_password(officer, request=request)
    messages.success(
        request,
        _(
            "New temporary password: %(password)s (also emailed). The officer must change "
            "it at the next login."
        )
        % {"password": password},
    )
    return redirect("people:detail", pk=pk)


@can_manage_people
@require_POST
def officer_unlock(request, pk: int):
    officer = get_object_or_404(get_access(request).managed_officers(), pk=pk)
    if actions.unlock_officer(officer, request=request):
        messages.success(request, _("Account unlocked. The officer can log in again."))
    else:
        messages.info(request, _("The account was not locked."))
    return redirect("people:detail", pk=pk)


@login_required
def profile(request):
    """Mengemaskini profil: the officer's own contact details and language."""
    user = request.user
    form = ProfileForm(
        request.POST or None,
        initial={
            "email": user.email,
            "phone": user.phone,
            "preferred_language": user.preferred_language or "ms",
        },
    )
    if request.method == "POST" and form.is_valid():
        officer = get_access(request).officer
        data = form.cleaned_data
        if officer is not None:
            actions.update_officer(officer, request=request, email=data["email"], phone=data["phone"])
        user.refresh_from_db()
        user.preferred_language = data["preferred_language"]
        user.save(update_fields=["preferred_language"])
        messages.success(request, _("Your profile has been updated."))
        response = redirect("people:profile")
        from django.conf import settings

        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            data["preferred_language"],
            samesite="Lax",
            secure=settings.LANGUAGE_COOKIE_SECURE,
        )
        return response
    officer = get_access(request).officer
    return render(
        request, "people/profile.html", {"form": form, "officer": officer}, status=400 if form.errors else 200
    )
