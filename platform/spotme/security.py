"""Response headers Django has no setting for (the Content-Security-Policy comes from django-csp)."""

from __future__ import annotations

from django.conf import settings


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
