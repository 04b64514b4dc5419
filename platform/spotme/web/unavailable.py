"""The answer when the database is really unavailable (a restart, a failover): 503 with Retry-After,
"not recorded — try again", instead of a bare 500 (web/views.server_error hands such errors here).

It is built without the database: no session, no user, no agency profile — only the request's
own language (Malay unless the browser asks for English) and, for the clock buttons, the posted
form itself: the page offers the same punch again, with the same idempotency key, so retrying it
can never record it twice (spotme/web/static/spotme/clock-retry.js retries it after Retry-After)."""

from __future__ import annotations

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

RETRY_AFTER_SECONDS = 3
CLOCK_PATH = "/attendance/clock/"
NOT_RECORDED = gettext_noop("Not recorded: the service is briefly unavailable. Try again in a few seconds.")
_FORM_FIELDS = ("direction", "latitude", "longitude", "accuracy", "location_status", "idempotency_key")


def database_unavailable(exc: BaseException | None) -> bool:
    """A lost or refused database connection (psycopg's OperationalError / InterfaceError as Django
    wraps them), not a query's own error (those are other DatabaseError subclasses)."""
    return isinstance(exc, OperationalError | InterfaceError)


def response(request: HttpRequest) -> HttpResponse:
    language = getattr(request, "LANGUAGE_CODE", None) or translation.get_language_from_request(request)
    with translation.override(language):
        if request.path.startswith("/api/"):
            answer = JsonResponse(
                {
                    "detail": _(
                        "Not recorded: the service is briefly unavailable. Try again in a few seconds."
                    ),
                    "code": "unavailable",
                    "retry_after": RETRY_AFTER_SECONDS,
                },
                status=503,
            )
        else:
            clock = request.method == "POST" and request.path == CLOCK_PATH
            fields = {name: request.POST.get(name, "") for name in _FORM_FIELDS} if clock else {}
            answer = HttpResponse(
                render_to_string(
                    "errors/503.html",
                    {
                        "clock": clock,
                        "fields": fields,
                        "csrf": request.POST.get("csrfmiddlewaretoken", "") if clock else "",
                        "retry_after": RETRY_AFTER_SECONDS,
                        "language": language,
                    },
                ),
                status=503,
            )
    answer["Retry-After"] = str(RETRY_AFTER_SECONDS)
    answer["Cache-Control"] = "no-store"
    return answer
