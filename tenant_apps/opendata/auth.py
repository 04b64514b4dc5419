"""API tokens in DRF: `Authorization: Bearer <token>`, scope permissions, a rate per token, and one
audit row per request.

Why not DRF's TokenAuthentication: it is one token per user, stored in plain text, with no scopes or
expiry. These tokens belong to the agency (they outlive the admin who made them), carry scopes and
an expiry, and only their SHA-256 is stored."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission
from rest_framework.throttling import SimpleRateThrottle

from spotme.audit.events import client_ip

from .models import ApiToken, TokenUse
from .services import hash_token

log = logging.getLogger(__name__)

KEYWORDS = (b"bearer", b"token")


class TokenAuthenticationFailed(exceptions.AuthenticationFailed):
    pass


class ApiTokenAuthentication(BaseAuthentication):
    """The request's user stays anonymous: the token is the agency's, not a person's; views read
    `request.auth` (the ApiToken)."""

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() not in KEYWORDS:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Invalid Authorization header: give one token after 'Bearer'."), code="token_invalid"
            )
        try:
            presented = header[1].decode()
        except UnicodeError as exc:
            raise exceptions.AuthenticationFailed(_("Invalid API token."), code="token_invalid") from exc
        token = ApiToken.objects.filter(token_hash=hash_token(presented)).first()
        if token is None:
            log.info("open data: unknown token %s…", presented[:13])
            raise exceptions.AuthenticationFailed(_("Invalid API token."), code="token_invalid")
        request._request._opendata_token = token  # audited even when refused below
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("This API token has been revoked."), code="token_revoked")
        if token.expires_at <= timezone.now():
            raise exceptions.AuthenticationFailed(_("This API token has expired."), code="token_expired")
        return AnonymousUser(), token

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'


class HasScope(BasePermission):
    """The view's `required_scope` must be among the token's scopes."""

    def has_permission(self, request, view) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            raise exceptions.NotAuthenticated(
                _("Give an API token: Authorization: Bearer <token>."), code="token_missing"
            )
        if view.required_scope not in token.scopes:
            raise exceptions.PermissionDenied(
                _("This API token does not have the scope %(scope)s.") % {"scope": view.required_scope},
                code="scope_missing",
            )
        return True


class TokenRateThrottle(SimpleRateThrottle):
    """SPOTME_OPENDATA_RATE per token, counted in the (agency-keyed) cache shared by all workers."""

    scope = "opendata"

    def get_rate(self):
        return settings.SPOTME_OPENDATA_RATE

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            return f"throttle_opendata_{request.auth.pk}"
        return None


def record_use(request, response) -> None:
    """One INSERT; the request's token (valid or refused for expiry/revocation) and final status."""
    token = getattr(request._request, "_opendata_token", None)
    if token is None:
        return
    TokenUse.objects.create(
        token=token,
        method=request.method[:8],
        path=request.get_full_path()[:500],
        status=response.status_code,
        ip_address=client_ip(request._request) or None,
    )


try:  # the scheme in the OpenAPI document (drf-spectacular finds extensions by subclassing)
    from drf_spectacular.extensions import OpenApiAuthenticationExtension

    class ApiTokenScheme(OpenApiAuthenticationExtension):
        target_class = ApiTokenAuthentication
        name = "ApiToken"

        def get_security_definition(self, auto_schema):
            return {
                "type": "http",
                "scheme": "bearer",
                "description": "An agency API token (Data Terbuka page): Authorization: Bearer spotme_…",
            }
except ImportError:  # pragma: no cover
    pass
