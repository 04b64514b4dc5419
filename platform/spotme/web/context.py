from django.conf import settings


def platform(request):
    """What every page shows whatever the host (the agency's own part: tenant_apps.people.context)."""
    tenant = getattr(request, "tenant", None)
    return {
        "apex_domain": settings.APEX_DOMAIN,
        "agency": tenant if tenant is not None and not tenant.is_public else None,
        "on_apex": tenant is None or tenant.is_public,
        "map_tiles": {"url": settings.SPOTME_MAP_TILE_URL, "attribution": settings.SPOTME_MAP_ATTRIBUTION},
    }
