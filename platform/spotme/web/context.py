from django.conf import settings


def platform(request):
    tenant = getattr(request, "tenant", None)
    return {
        "apex_domain": settings.APEX_DOMAIN,
        "agency": tenant if tenant is not None and not tenant.is_public else None,
        "on_apex": tenant is None or tenant.is_public,
    }
