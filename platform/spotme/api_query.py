"""Every query parameter the OpenAPI schema declares is checked against its declaration before the
view runs: a value the schema does not allow is a 400 in the API's one error shape, so the schema and
what the API accepts cannot drift apart (an empty `limit`, `status=x` outside an enum, `active=1` where
a boolean is declared).

The declarations are drf-spectacular's own, for the view and method a request resolves to (its
`@extend_schema` parameters, pagination, filters), derived once per route and method in each process.
Views still parse their parameters themselves (spotme.api's helpers); this is the check that the value
is of the declared type at all. Requests without a query string cost one attribute read."""

from __future__ import annotations

import datetime
import logging
import re
from functools import cache

from django.http import JsonResponse
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

log = logging.getLogger(__name__)

_INTEGER = re.compile(r"-?\d+\Z")
_NUMBER = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?\Z")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}


def _template(route: str) -> str:
    """The resolved route (a Django route or a router's regex) as an OpenAPI path template."""
    from rest_framework.schemas.generators import EndpointEnumerator

    return "/" + EndpointEnumerator().get_path_from_regex(route or "").lstrip("/")


@cache
def declared(callback, method: str, route: str) -> dict[str, dict]:
    """The query parameters the schema declares for this view and method: name → parameter object."""
    from drf_spectacular.drainage import GENERATOR_STATS
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.plumbing import ComponentRegistry

    try:
        with GENERATOR_STATS.silence():
            generator = SchemaGenerator()  # holds the view's schema: keep it alive until done
            view = generator.create_view(callback, method)
            schema = view.schema
            schema.registry = ComponentRegistry()
            schema.path = schema.path_regex = _template(route)
            schema.method = method
            schema.view = view
            parameters = schema._get_parameters()
    except Exception:  # a view the generator cannot describe is not a reason to refuse requests
        log.warning("no query parameters derived for %s %s", method, route, exc_info=True)
        return {}
    return {p["name"]: p for p in parameters if p.get("in") == "query"}


def problem(value: str, schema: dict) -> str | None:
    """Why `value` is not what `schema` (an OpenAPI schema of one query parameter) allows, or None."""
    kind = schema.get("type")
    if "enum" in schema and value not in [str(choice) for choice in schema["enum"]]:
        return _("Choose one of: %(choices)s.") % {"choices": ", ".join(map(str, schema["enum"]))}
    if kind == "integer":
        if not _INTEGER.match(value):
            return _("Give a whole number.")
        number = int(value)
        if ("minimum" in schema and number < schema["minimum"]) or (
            "maximum" in schema and number > schema["maximum"]
        ):
            return _("Give a whole number from %(min)d to %(max)d.") % {
                "min": schema.get("minimum", number),
                "max": schema.get("maximum", number),
            }
    elif kind == "number" and not _NUMBER.match(value):
        return _("Give a number.")
    elif kind == "boolean" and value not in ("true", "false"):
        return _("Give true or false.")
    elif kind == "string":
        fmt = schema.get("format")
        if fmt == "date" and not _valid_date(value):
            return _("Give the date as YYYY-MM-DD.")
        if fmt == "date-time" and not _valid_datetime(value):
            return _("Give the date and time as YYYY-MM-DDTHH:MM:SS with its time zone.")
    return None


def _valid_date(value: str) -> bool:
    try:
        return bool(_DATE.match(value)) and datetime.date.fromisoformat(value) is not None
    except ValueError:
        return False


def _valid_datetime(value: str) -> bool:
    try:
        return parse_datetime(value) is not None
    except ValueError:
        return False


class DeclaredQueryMiddleware:
    """400 for an API request whose query string breaks the schema's declaration of a parameter.
    After the locale (the message is in the user's language)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.GET or request.method not in _METHODS or not hasattr(view_func, "cls"):
            return None
        match = request.resolver_match
        params = declared(view_func, request.method, match.route if match else "")
        fields = {}
        for name, parameter in params.items():
            for value in request.GET.getlist(name):
                message = problem(value, parameter.get("schema", {}))
                if message:
                    fields[name] = [message]
                    break
        if not fields:
            return None
        detail = _("Some fields are not valid: %(fields)s.") % {"fields": ", ".join(fields)}
        return JsonResponse({"detail": detail, "code": "invalid", "fields": fields}, status=400)
