from __future__ import annotations

from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.views.decorators.http import require_http_methods

from . import actions
from .forms import AgencyApplicationForm
from .models import AgencyApplication


def landing(request):
    """The apex home: what SPOT-Me is, finding your agency's sign-in page, applying for a new one."""
    from tenants.models import Agency, AgencyStatus

    from . import directory

    stats = {
        "agencies": Agency.objects.exclude(schema_name="public").filter(status=AgencyStatus.ACTIVE).count()
    }
    query = directory.normalise(request.GET.get("q"))
    context = {
        "stats": stats,
        "query": query,
        "found": directory.search(query, request.GET.get("page")),
        "too_short": 0 < len(query) < directory.MIN_QUERY,
        "min_query": directory.MIN_QUERY,
    }
    return render(request, "onboarding/landing.html", context)


@require_http_methods(["GET", "POST"])
def apply(request):
    form = AgencyApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        app = actions.submit_application(form=form, language=translation.get_language() or "ms")
        request.session["spotme_application"] = app.pk
        return redirect("onboarding:submitted")
    return render(request, "onboarding/apply.html", {"form": form}, status=400 if form.errors else 200)


def submitted(request):
    app_id = request.session.get("spotme_application")
    app = get_object_or_404(AgencyApplication, pk=app_id) if app_id else None
    if app is None:
        return redirect("onboarding:apply")
    return render(request, "onboarding/submitted.html", {"app": app})
