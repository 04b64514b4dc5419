from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from . import push, services
from .models import Kind, Notification, Preference, PushSubscription


@login_required
def centre(request):
    notes = Notification.objects.filter(recipient=request.user).order_by("-created_at", "-pk")
    page = Paginator(notes, 30).get_page(request.GET.get("page"))
    return render(request, "notifications/centre.html", {"page": page})


@login_required
@require_POST
def read(request):
    ids = [int(x) for x in request.POST.getlist("id") if x.isdigit()] or None
    services.mark_read(request.user, ids)
    return redirect("notifications:centre")


@login_required
def preferences(request):
    current = {p.kind: p for p in Preference.objects.filter(user=request.user)}
    push_on = push.enabled()
    if request.method == "POST":
        for kind in Kind.values:
            choices = {
                "in_app": request.POST.get(f"{kind}-in_app") == "on",
                "email": request.POST.get(f"{kind}-email") == "on",
            }
            if push_on:  # without push on this server its column is not shown: keep what was chosen
                choices["push"] = request.POST.get(f"{kind}-push") == "on"
            Preference.objects.update_or_create(user=request.user, kind=kind, defaults=choices)
        return redirect("notifications:preferences")
    rows = [(kind, current.get(kind.value)) for kind in Kind]
    return render(
        request,
        "notifications/preferences.html",
        {
            "rows": rows,
            "push_enabled": push_on,
            "vapid_public_key": push.public_key(),
            "devices": push.subscriptions_of(request.user) if push_on else [],
        },
    )


@login_required
@require_POST
def remove_device(request, pk: int):
    """One of your browsers stops receiving push (the list on the settings page); not yours: 404."""
    get_object_or_404(PushSubscription, pk=pk, user=request.user).delete()
    return redirect("notifications:preferences")
