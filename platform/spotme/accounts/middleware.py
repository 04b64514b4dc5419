"""Session security: idle timeout and the two-factor step. Both come after AuthenticationMiddleware
and OTPMiddleware, and before ForcePasswordChangeMiddleware (whose allowed pages include the
verification page: the second factor comes before anything else, the new password right after)."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import idle, two_factor


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


class IdleTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            minutes = idle.expired_after(request)
            if minutes is not None:
                logout(request)
                idle.note_logout(request, minutes)
                if _is_api(request):
                    detail = ngettext(
                        "You were logged out after %(minutes)s minute of inactivity.",
                        "You were logged out after %(minutes)s minutes of inactivity.",
                        minutes,
                    ) % {"minutes": minutes}
                    return JsonResponse({"detail": detail, "code": "session_expired"}, status=401)
                return redirect_to_login(request.get_full_path())
        return self.get_response(request)


class TwoFactorMiddleware:
    """Holds a session that still owes its second factor at the verification (or set-up) page."""

    ALLOWED_URL_NAMES = {
        two_factor.VERIFY: ("login_verify", "logout", "set_language"),
        two_factor.SETUP: ("two_factor", "password_change", "logout", "set_language"),
    }

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            state = two_factor.session_state(request)
            if state in self.ALLOWED_URL_NAMES and not self._allowed(request, state):
                return self._hold(request, state)
        return self.get_response(request)

    def _allowed(self, request, state: str) -> bool:
        if request.path.startswith("/static/"):
            return True
        return any(request.path == reverse(name) for name in self.ALLOWED_URL_NAMES[state])

    def _hold(self, request, state: str):
        if _is_api(request):
            if state == two_factor.VERIFY:
                detail, code = _("Enter the code from your authenticator app first."), "two_factor_required"
            else:
                detail, code = _("Set up two-factor authentication first."), "two_factor_setup_required"
            return JsonResponse({"detail": detail, "code": code}, status=403)
        if state == two_factor.VERIFY:
            return redirect(f"{reverse('login_verify')}?next={quote(request.get_full_path())}")
        return redirect("two_factor")
