from django.conf import settings


def platform(request):
    tenant = getattr(request, "tenant", None)
    on_agency = tenant is not None and not tenant.is_public
    access = None
    if on_agency and request.user.is_authenticated:
        from tenant_apps.people.access import get_access

        access = get_access(request)
    return {
        "access": access,
        "apex_domain": settings.APEX_DOMAIN,
        "agency": tenant if tenant is not None and not tenant.is_public else None,
        "on_apex": tenant is None or tenant.is_public,
    }
