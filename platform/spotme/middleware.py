from __future__ import annotations

import logging
import uuid

from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthenticationMiddleware
from django.contrib.sessions.exceptions import SessionInterrupted
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessionMiddleware
from django.db import DatabaseError
from django.http import HttpResponseBadRequest, JsonResponse
from django.middleware.gzip import GZipMiddleware
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from . import sessions
from .context import agency_var, request_id_var, user_id_var

log = logging.getLogger(__name__)


class RequestContextMiddleware:
    """Request id (from the ingress or new), agency and user for logs and error reports."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request.headers.get("X-Request-ID") or uuid.uuid4().hex
        request.request_id = request_id
        tenant = getattr(request, "tenant", None)
        # For gunicorn's access log (spotme.gunicorn_logging): request.META is the WSGI environ.
        request.META["spotme.agency"] = tenant.schema_name if tenant is not None else "-"
        request.META["spotme.request_id"] = request_id
        tokens = [
            request_id_var.set(request_id),
            agency_var.set(tenant.schema_name if tenant is not None else "-"),
            user_id_var.set("-"),
        ]
        try:
            response = self.get_response(request)
        finally:
            for var, token in zip((request_id_var, agency_var, user_id_var), tokens, strict=True):
                var.reset(token)
        response["X-Request-ID"] = request_id
        return response


class ForcePasswordChangeMiddleware:
    """A user holding a temporary password may do nothing but replace it (or log out)."""

    # The second factor (login_verify) comes before the new password.
    ALLOWED_URL_NAMES = ("password_change", "logout", "set_language", "login_verify")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            user_id_var.set(str(user.pk))
            if user.must_change_password and not self._allowed(request):
                if request.path.startswith("/api/"):
                    return JsonResponse(
                        {
                            "detail": _("You must change your temporary password first."),
                            "code": "password_change_required",
                        },
                        status=403,
                    )
                return redirect(f"{reverse('password_change')}")
        return self.get_response(request)

    def _allowed(self, request) -> bool:
        if request.path.startswith("/static/"):
            return True
        return any(request.path == reverse(name) for name in self.ALLOWED_URL_NAMES)


class RejectNulQueryMiddleware:
    """A NUL character in the query string is a 400 for every page and endpoint: PostgreSQL text cannot
    hold one, so a filter that reaches the database with it would be a 500 (DataError)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any("\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()):
            detail = _("NUL characters are not allowed in the address.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": detail, "code": "null_character"}, status=400)
            return HttpResponseBadRequest(detail)
        return self.get_response(request)


class SessionMiddleware(DjangoSessionMiddleware):
    """Django's, except that a session which cannot be saved after the view has *succeeded* leaves
    the answer as it is.

    The session is saved after the view, on every request (the idle-timeout clock moves). When the
    database goes away between the view's commit and that save — a PostgreSQL restart during a
    clock-in — Django answers 400 "session interrupted": the officer is told the punch failed
    although it is stored, and may stop trying. The work is done, so the success stands; the
    session's bookkeeping is simply saved on the next request. A failed view's answer is unchanged."""

    def process_request(self, request):
        super().process_request(request)
        # The session row read with the request's routing (spotme/sessions.py): no query of its own.
        sessions.prime_session(request, request.session)

    def process_response(self, request, response):
        try:
            return super().process_response(request, response)
        except (SessionInterrupted, DatabaseError):
            if response.status_code >= 400:
                raise
            log.warning("session not saved after a successful response", exc_info=True)
            return response


class TextGZipMiddleware(GZipMiddleware):
    """Django's gzip for text only: a page is ~4× smaller on the wire, which on a slow phone connection
    is most of its time (BENCHMARKS.md, "The officer's phone"). PDFs, spreadsheets, images and
    attachments are compressed already and pass untouched; static files are WhiteNoise's (precompressed,
    before this). Django's GZipMiddleware pads each response at random against BREACH, and CSRF tokens
    are masked per response."""

    TEXT_TYPES = ("text/", "application/json", "application/javascript", "application/manifest+json")

    def process_response(self, request, response):
        content_type = response.get("Content-Type", "")
        if not content_type.startswith(self.TEXT_TYPES):
            return response
        return super().process_response(request, response)


def _get_user(request):
    if not hasattr(request, "_cached_user"):
        request._cached_user = sessions.get_user(request)
    return request._cached_user


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    """Django's, with the user's row from the routing statement when it is the session's user
    (spotme/sessions.py): no query of its own on most requests, always fresh."""

    def process_request(self, request):
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: _get_user(request))
