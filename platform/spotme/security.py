"""Response headers Django has no setting for (the Content-Security-Policy comes from django-csp)."""

from __future__ import annotations

from django.conf import settings
from django.utils.cache import add_never_cache_headers


class PermissionsPolicyMiddleware:
    """Permissions-Policy: the clock-in page may ask for the location (this origin only); no page
    may use the camera, microphone, payment and the like, nor may an embedding page."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(allow)})" for feature, allow in settings.SPOTME_PERMISSIONS_POLICY.items()
        )

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response


class PrivateResponseMiddleware:
    """`Cache-Control: no-store, private` (Django's never-cache set) on every response to a signed-in
    user and on every API response (an API token's caller stays anonymous to Django): what one
    officer saw must not be kept by a shared proxy, nor by the browser for the next person at a
    shared counter PC after logout (the back button). Static files are served before this runs."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.path.startswith("/api/") or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)
        return response
