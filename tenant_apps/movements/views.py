"""Pergerakan pages: my movements, register / edit / cancel, my team's movements for a day, time out
of office to approve, the attachment, and the secret iCalendar feed."""

from __future__ import annotations

import mimetypes
from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from spotme.web.confirm import confirmation, confirmed
from spotme.web.forms import apply_errors
from tenant_apps.organisation.models import AgencyProfile
from tenant_apps.people.access import get_access, require

from . import ical, services
from .forms import CancelForm, DayForm, DecideForm, MovementForm
from .models import Movement

sees_team = require(lambda a: a.is_supervisor or a.sees_whole_agency)
decides = require(lambda a: a.is_supervisor or a.is_org_admin)
FEED_TOKEN_SESSION_KEY = "movements_feed_token"


def _officer(request):
    officer = get_access(request).officer
    if officer is None:
        raise PermissionDenied
    return officer


def _actor(request) -> services.Actor:
    return services.Actor(request.user, get_access(request).is_org_admin)


@login_required
def my_movements(request):
    officer = _officer(request)
    today = services.now_local().date()
    mine = Movement.objects.filter(officer=officer)
    token = request.session.pop(FEED_TOKEN_SESSION_KEY, None)
    return render(
        request,
        "movements/list.html",
        {
            "upcoming": mine.filter(date__gte=today).order_by("date", "start_time", "pk")[:200],
            "past": mine.filter(date__lt=today)[:100],
            "today": today,
            "has_feed": hasattr(officer, "calendar_feed"),
            "feed_url": request.build_absolute_uri(f"/movements/ical/{token}.ics") if token else None,
        },
    )


@login_required
def create(request):
    officer = _officer(request)
    form = MovementForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            movement = services.create_movement(
                officer, form.values(), idempotency_key=form.cleaned_data.get("registration", "")
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Your movement has been registered."))
            return redirect("movements:detail", pk=movement.pk)
    return render(request, "movements/form.html", {"form": form, "movement": None})


@login_required
def detail(request, pk: int):
    access = get_access(request)
    movement = get_object_or_404(services.visible_movements(access), pk=pk)
    editable = services.editable_movements(access).filter(pk=pk).exists()
    return render(
        request,
        "movements/detail.html",
        {
            "movement": movement,
            "editable": editable and movement.status == Movement.Status.ACTIVE,
            "started": services.has_started(movement),
            "cancel_form": CancelForm(),
            "location_map": location_map(movement),
        },
    )


def location_map(movement: Movement) -> dict | None:
    """The movement's pin for the map on its page (maps.js, data-map="places"); None without one."""
    if movement.latitude is None or movement.longitude is None:
        return None
    point = {"latitude": float(movement.latitude), "longitude": float(movement.longitude)}
    return {"sites": [], "points": [{**point, "label": movement.place}]}


@login_required
def edit(request, pk: int):
    movement = get_object_or_404(services.editable_movements(get_access(request)), pk=pk)
    if movement.status != Movement.Status.ACTIVE:
        messages.error(request, _("A cancelled movement cannot be changed."))
        return redirect("movements:detail", pk=pk)
    initial = {f: getattr(movement, f) for f in services.EDITABLE_FIELDS if f != "attachment"}
    form = MovementForm(request.POST or None, request.FILES or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_movement(
                movement, form.values(), by=_actor(request), reason=form.cleaned_data.get("change_reason", "")
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("The movement has been updated."))
            return redirect("movements:detail", pk=pk)
    return render(
        request,
        "movements/form.html",
        {"form": form, "movement": movement, "started": services.has_started(movement)},
    )


@login_required
@require_POST
def cancel(request, pk: int):
    movement = get_object_or_404(services.editable_movements(get_access(request)), pk=pk)
    form = CancelForm(request.POST)
    form.is_valid()
    if movement.status == Movement.Status.ACTIVE and not confirmed(request):
        when = (
            _("whole day") if movement.whole_day else f"{movement.start_time:%H:%M}–{movement.end_time:%H:%M}"
        )
        return confirmation(
            request,
            title=_("Cancel the movement"),
            question=_("Cancel your movement to “%(place)s” on %(date)s?")
            % {"place": movement.place, "date": f"{movement.date:%d/%m/%Y}"},
            confirm_label=_("Yes, cancel the movement"),
            back_url=reverse("movements:detail", args=[pk]),
            details=[
                (_("Type"), movement.get_kind_display()),
                (_("Date"), f"{movement.date:%d/%m/%Y}"),
                (_("Time"), when),
                (_("Place"), movement.place),
            ],
            warning=_(
                "A cancelled movement cannot be changed or restored, and it no longer excuses a "
                "clock-in outside the office; register a new one if you need it again."
            ),
        )
    try:
        services.cancel_movement(
            movement, by=_actor(request), reason=form.cleaned_data.get("change_reason", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The movement has been cancelled."))
    return redirect("movements:detail", pk=pk)


@login_required
def attachment(request, pk: int):
    movement = get_object_or_404(services.visible_movements(get_access(request)), pk=pk)
    if not movement.attachment:
        raise Http404
    name = movement.attachment.name.rsplit("/", 1)[-1]
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(movement.attachment.open("rb"), content_type=content_type, filename=name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@sees_team
def team(request):
    """Movements of my team (supervisees; executives and org admins: the agency) on one day."""
    access = get_access(request)
    form = DayForm(request.GET or None)
    day = services.now_local().date()
    if form.is_valid() and form.cleaned_data.get("date"):
        day = form.cleaned_data["date"]
    movements = (
        Movement.objects.filter(officer__in=services.team_officers(access).values("pk"), date=day)
        .select_related("officer__user")
        .order_by("officer__user__full_name", "start_time", "pk")
    )
    return render(
        request,
        "movements/team.html",
        {
            "form": form,
            "day": day,
            "movements": movements[:1000],
            "previous": day - timedelta(days=1),
            "next": day + timedelta(days=1),
        },
    )


@decides
def approvals(request):
    access = get_access(request)
    pending = (
        services.decidable_movements(access)
        .filter(approval=Movement.Approval.PENDING, status=Movement.Status.ACTIVE)
        .order_by("date", "start_time", "pk")
    )
    return render(request, "movements/approvals.html", {"pending": pending[:500], "form": DecideForm()})


@decides
@require_POST
def decide(request, pk: int):
    access = get_access(request)
    movement = get_object_or_404(services.decidable_movements(access), pk=pk)
    form = DecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or reject."))
        return redirect("movements:approvals")
    try:
        services.decide_time_out(
            movement,
            by=access.officer,
            approve=form.cleaned_data["decision"] == "approve",
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Decision saved."))
    return redirect("movements:approvals")


# --- the calendar feed ----------------------------------------------------------------------------


@login_required
@require_POST
def feed_regenerate(request):
    token = services.regenerate_feed(_officer(request))
    request.session[FEED_TOKEN_SESSION_KEY] = token  # shown once, on the next page
    messages.success(request, _("Your new calendar address is below; the previous one no longer works."))
    return redirect("movements:list")


@login_required
@require_POST
def feed_revoke(request):
    if services.revoke_feed(_officer(request)):
        messages.success(request, _("Your calendar address no longer works."))
    return redirect("movements:list")


@require_GET
def feed(request, token: str):
    """The officer's movements as iCalendar. No session: the secret URL is the credential, so an
    unknown or revoked token is a 404, like any page that does not exist."""
    officer = services.feed_officer(token)
    if officer is None:
        raise Http404
    profile = AgencyProfile.current()
    tz = services.agency_tz(profile)
    today = services.now_local(profile).date()
    body = ical.calendar_for(
        officer,
        services.feed_movements(officer, today=today),
        tz=tz,
        domain=f"{connection.schema_name}.spotme",
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, max-age=300"
    response["Content-Disposition"] = 'inline; filename="spotme-movements.ics"'
    response["Referrer-Policy"] = "no-referrer"
    return response
