"""What every page of an agency shows around its content: the signed-in officer's access (menus),
the agency's logo and the unread notifications badge (a context processor, listed in settings)."""

from __future__ import annotations

from tenant_apps.notifications.services import unread_count
from tenant_apps.organisation.models import AgencyProfile

from .access import get_access


def agency(request) -> dict:
    tenant = getattr(request, "tenant", None)
    if tenant is None or tenant.is_public:
        return {"access": None, "agency_logo": None, "unread_notifications": None}
    profile = AgencyProfile.objects.only("logo").order_by("pk").first()
    signed_in = request.user.is_authenticated
    return {
        "access": get_access(request) if signed_in else None,
        "agency_logo": "/logo/" if profile is not None and profile.logo else None,
        "unread_notifications": unread_count(request.user) if signed_in else None,
    }
