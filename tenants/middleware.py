"""Routing each request to its agency, and keeping closed agencies closed."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError, connection
from django.http import HttpResponseNotFound, HttpResponseRedirect, JsonResponse
from django.http.request import split_domain_port
from django.shortcuts import render
from django.utils.translation import gettext as _
from django_tenants.middleware.main import TenantMainMiddleware
from django_tenants.utils import remove_www

from spotme.sessions import PREFETCH_ATTRIBUTE, usable_key
from tenants import routing
from tenants.models import AgencyStatus, Domain

LOOPBACK_ADDRESSES = {"127.0.0.1", "::1", "[::1]"}


def is_api_request(request) -> bool:
    return request.path.startswith("/api/")


class AgencyRoutingMiddleware(TenantMainMiddleware):
    """django-tenants' host → schema routing, with a friendly page for hosts nobody owns.

    A host this process has routed to before costs one statement, which sets the search_path,
    checks the routing version and reads the session and its user (tenants/routing.py). A new
    host, or one whose agencies or domains have changed since, is read as django-tenants reads it."""

    def process_request(self, request):
        try:
            hostname = self.hostname_from_request(request)
        except DisallowedHost:
            connection.set_schema_to_public()
            return HttpResponseNotFound()
        session_key = usable_key(request.COOKIES.get(settings.SESSION_COOKIE_NAME))
        entry = routing.cached(hostname)
        if entry is not None:
            try:
                version, prefetched = routing.enter(entry.agency, session_key)
            except DatabaseError:
                # The schema may have just been dropped (offboarding): read the host again below.
                # Inside a transaction (tests) the error has aborted it: nothing to retry with.
                if connection.in_atomic_block:
                    raise
                version = None
            if version is not None and version == entry.version:
                return self._routed(request, entry.agency, prefetched)
            routing.forget(hostname)

        connection.set_schema_to_public()
        version = routing.current_version()  # before the read: a change after it is seen next time
        try:
            tenant = self.get_tenant(Domain, hostname)
        except Domain.DoesNotExist:
            return self.no_tenant_found(request, hostname)
        tenant.domain_url = hostname
        routing.remember(hostname, tenant, version)
        _version, prefetched = routing.enter(tenant, session_key)
        return self._routed(request, tenant, prefetched)

    def _routed(self, request, tenant, prefetched):
        request.tenant = tenant
        setattr(request, PREFETCH_ATTRIBUTE, prefetched)
        self.setup_url_routing(request)

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
