"""Routing each request to its agency, and keeping closed agencies closed."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import HttpResponseRedirect, JsonResponse
from django.http.request import split_domain_port
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_tenants.middleware.main import TenantMainMiddleware
from django_tenants.utils import remove_www

from tenants.models import AgencyStatus

LOOPBACK_ADDRESSES = {"127.0.0.1", "::1", "[::1]"}


def is_api_request(request) -> bool:
    return request.path.startswith("/api/")


class AgencyRoutingMiddleware(TenantMainMiddleware):
    """django-tenants' host → schema routing, with a friendly page for hosts nobody owns."""

    @staticmethod
    def hostname_from_request(request):
        # DNS names are case-insensitive and "kelantan.localhost." (fully qualified) is the same
        # host: lower case, no trailing dot, no port, as the Domain rows are stored. get_host()
        # has already checked it against ALLOWED_HOSTS (and raises DisallowedHost otherwise).
        domain, _port = split_domain_port(request.get_host())
        return remove_www(domain)

    def no_tenant_found(self, request, hostname):
        connection.set_schema_to_public()
        if settings.DEBUG and hostname in LOOPBACK_ADDRESSES:
            # `manage.py runserver` prints http://127.0.0.1:8000/, which names no agency and not the
            # apex either: in development, send the newcomer who follows that line to the apex.
            port = split_domain_port(request.get_host())[1] or request.get_port()
            return HttpResponseRedirect(f"http://{settings.APEX_DOMAIN}:{port}{request.get_full_path()}")
        if is_api_request(request):
            return JsonResponse(
                {"detail": _("No agency is served at this address."), "code": "unknown_agency"}, status=404
            )
        return render(request, "errors/unknown_agency.html", {"hostname": hostname}, status=404)


class AgencyStatusMiddleware:
    """A suspended or archived agency serves only an explanation: HTML for people, 403 JSON for the API."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        tenant = getattr(request, "tenant", None)
        if tenant is not None and not tenant.is_public and tenant.status != AgencyStatus.ACTIVE:
            if tenant.status == AgencyStatus.SUSPENDED:
                message = _("This agency's access to SPOT-Me has been suspended.")
            else:
                message = _("This agency no longer uses SPOT-Me.")
            if is_api_request(request):
                return JsonResponse({"detail": message, "code": f"agency_{tenant.status}"}, status=403)
            return render(
                request, "errors/agency_closed.html", {"agency": tenant, "message": message}, status=403
            )
        return self.get_response(request)
