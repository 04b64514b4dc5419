from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .models import AgencyProfile, Role


@login_required
def home(request):
    roles = Role.of(request.user)
    return render(
        request,
        "organisation/home.html",
        {
            "profile": AgencyProfile.current(),
            "roles": [Role(r) for r in Role.values if r in roles],
        },
    )
