from django.conf import settings


def platform(request):
    tenant = getattr(request, "tenant", None)
    on_agency = tenant is not None and not tenant.is_public
    access = None
    if on_agency and request.user.is_authenticated:
        from tenant_apps.people.access import get_access

        access = get_access(request)
    agency_logo = None
    if on_agency:
        from tenant_apps.organisation.models import AgencyProfile

        profile = AgencyProfile.objects.only("logo").order_by("pk").first()
        agency_logo = "/logo/" if profile is not None and profile.logo else None
    unread = None
    if access is not None:
        from tenant_apps.notifications.services import unread_count

        unread = unread_count(request.user)
    return {
        "unread_notifications": unread,
        "agency_logo": agency_logo,
        "access": access,
        "apex_domain": settings.APEX_DOMAIN,
        "agency": tenant if tenant is not None and not tenant.is_public else None,
        "on_apex": tenant is None or tenant.is_public,
        "map_tiles": {"url": settings.SPOTME_MAP_TILE_URL, "attribution": settings.SPOTME_MAP_ATTRIBUTION},
    }
