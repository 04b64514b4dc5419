"""Response headers Django has no setting for (the Content-Security-Policy comes from django-csp)."""

from __future__ import annotations

from csp.middleware import CheckableLazyObject as _CheckableLazyObject
from csp.middleware import CSPMiddleware as _DjangoCSPMiddleware
from csp.utils import build_policy as _build_policy
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
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


class CSPMiddleware(_DjangoCSPMiddleware):
    """django-csp's middleware, with the policy built once per process instead of once per response.

    The platform's policy is the same for every response that uses no nonce (API answers, files,
    redirects); django-csp rebuilds its text from the settings on each one. A page that inlines its
    CSS or scripts asks for the request's nonce (spotme_inline), and such a response, like one that
    changes the policy (the decorators' `_csp_*` attributes), goes through django-csp's own path,
    with its nonce."""

    _ATTRIBUTES = (
        "_csp_config",
        "_csp_update",
        "_csp_replace",
        "_csp_config_ro",
        "_csp_update_ro",
        "_csp_replace_ro",
        "_csp_exempt",
        "_csp_exempt_ro",
    )
    _built: dict[str, tuple[str, str]] = {}

    def process_response(self, request, response):
        if getattr(request, "_csp_nonce", None) is not None or any(
            hasattr(response, name) for name in self._ATTRIBUTES
        ):
            return super().process_response(request, response)
        if response.status_code in (500, 404) and settings.DEBUG:
            return response
        built = self._built.get("policy")
        if built is None:
            built = self._built["policy"] = (
                _build_policy(report_only=False),
                _build_policy(report_only=True),
            )
        policy, report_only = built
        if policy and "Content-Security-Policy" not in response and not self._excluded(request, False):
            response["Content-Security-Policy"] = policy
        if (
            report_only
            and "Content-Security-Policy-Report-Only" not in response
            and not self._excluded(request, True)
        ):
            response["Content-Security-Policy-Report-Only"] = report_only
        request.csp_nonce = _CheckableLazyObject(self._csp_nonce_post_response)
        return response

    @staticmethod
    def _excluded(request, report_only: bool) -> bool:
        name = "CONTENT_SECURITY_POLICY_REPORT_ONLY" if report_only else "CONTENT_SECURITY_POLICY"
        prefixes = (getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES") or ()
        return bool(prefixes) and request.path_info.startswith(tuple(prefixes))


@receiver(setting_changed)
def _policy_changed(setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        CSPMiddleware._built.clear()
