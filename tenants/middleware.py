"""Routing each request to its agency, and keeping closed agencies closed."""

from __future__ import annotations

from django.db import connection
from django.http import JsonResponse
from django.http.request import split_domain_port
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_tenants.middleware.main import TenantMainMiddleware
from django_tenants.utils import remove_www

from tenants.models import AgencyStatus


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
