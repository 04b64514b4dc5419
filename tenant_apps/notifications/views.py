from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from . import services
from .models import Kind, Notification, Preference


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
    if request.method == "POST":
        for kind in Kind.values:
            Preference.objects.update_or_create(
                user=request.user,
                kind=kind,
                defaults={
                    "in_app": request.POST.get(f"{kind}-in_app") == "on",
                    "email": request.POST.get(f"{kind}-email") == "on",
                },
            )
        return redirect("notifications:preferences")
    rows = [(kind, current.get(kind.value)) for kind in Kind]
    return render(request, "notifications/preferences.html", {"rows": rows})
