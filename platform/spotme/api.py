"""API conventions shared by every endpoint: one error shape, one JSON parser, one pagination, and the
parsing of the query parameters many views take (dates, months, years, ids).

Every error the API answers is `{"detail": str, "code": str, "fields": {name: [messages]}}`
(`fields` only when a field is to blame), in the user's language. Bad input is a 4xx, never a 500:
what can be checked once for every endpoint is checked here, before any view runs."""

from __future__ import annotations

import datetime
import json

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions
from rest_framework.metadata import SimpleMetadata
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.parsers import JSONParser

# rest_framework.views is imported where it is used: its APIView reads DEFAULT_PARSER_CLASSES when it
# is defined, which names this module, so importing it here made a cycle whenever this module was
# the first to be imported (Celery's start-up checks, in the worker and beat).

# Deep enough for every body the API takes (a few levels), far from Python's recursion limit.
MAX_JSON_DEPTH = 32
# PostgreSQL's bigint: ids, limits and offsets beyond it cannot name anything.
MAX_BIGINT = 2**63 - 1
# Years the attendance rules and the calendar can reason about.
MIN_YEAR, MAX_YEAR = 2000, 2100


# --- one error shape ------------------------------------------------------------------------------


def _first_error(data):
    """The first message and its code in a DRF error structure (dict / list / ErrorDetail)."""
    while isinstance(data, (dict, list)) and data:
        data = next(iter(data.values())) if isinstance(data, dict) else data[0]
    if isinstance(data, (dict, list)):
        return None, None
    return str(data), getattr(data, "code", None)


def exception_handler(exc, context):
    """DRF's handler, reshaped into `{detail, code, fields}` (a field's errors go under `fields`)."""
    from rest_framework.views import exception_handler as drf_exception_handler

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(data, dict) and "detail" in data:
        detail = data["detail"]
        code = data.get("code") or getattr(detail, "code", None)
        data["code"] = code or getattr(exc, "default_code", "error")
        return response
    fields = data if isinstance(data, dict) else None
    message, code = _first_error(data)
    if fields is not None and set(fields) != {"non_field_errors"}:
        message = _("Some fields are not valid: %(fields)s.") % {"fields": ", ".join(map(str, fields))}
        code = "invalid"
    response.data = {
        "detail": message or str(exceptions.ValidationError.default_detail),
        "code": code or getattr(exc, "default_code", "error"),
    }
    if fields is not None:
        response.data["fields"] = fields
    return response


# --- OPTIONS --------------------------------------------------------------------------------------


class Metadata(SimpleMetadata):
    """OPTIONS names the view and what it parses and renders. It does not describe the fields of
    each action: that introspection would call views outside their request flow (a singleton's
    `get_object`), and the OpenAPI schema is where the fields are documented."""

    def determine_metadata(self, request, view):
        metadata = super().determine_metadata(request, view)
        metadata.pop("actions", None)
        return metadata

    def determine_actions(self, request, view):
        return {}


# --- one JSON parser ------------------------------------------------------------------------------


class BodyParseError(exceptions.ParseError):
    pass


def _nul_in_body() -> BodyParseError:
    return BodyParseError(_("The JSON body contains a NUL character."), code="null_character")


def _check_tree(value) -> None:
    """Depth and NUL characters of a parsed body, without recursion."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (dict, list)):
            if depth > MAX_JSON_DEPTH:
                raise BodyParseError(
                    _("The JSON body is nested more than %(depth)d levels deep.") % {"depth": MAX_JSON_DEPTH},
                    code="too_deep",
                )
            if isinstance(node, dict):
                for key, item in node.items():
                    if "\x00" in key:
                        raise _nul_in_body()
                    stack.append((item, depth + 1))
            else:
                stack.extend((item, depth + 1) for item in node)
        elif isinstance(node, str) and "\x00" in node:
            raise _nul_in_body()


class StrictJSONParser(JSONParser):
    """JSON bodies as the API takes them: one object, at most MAX_JSON_DEPTH deep, no NUL characters
    (PostgreSQL text cannot hold them), numbers within what Python reads quickly."""

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = stream.read().decode(encoding) if stream is not None else ""
        except UnicodeDecodeError:
            message = _("The body is not valid %(encoding)s.") % {"encoding": encoding}
            raise BodyParseError(message, code="parse_error") from None
        if not text.strip():
            return {}
        try:
            data = json.loads(text, parse_constant=self._reject_constant)
        except RecursionError:
            raise BodyParseError(
                _("The JSON body is nested more than %(depth)d levels deep.") % {"depth": MAX_JSON_DEPTH},
                code="too_deep",
            ) from None
        except ValueError as exc:
            message = _("The body is not valid JSON: %(error)s") % {"error": exc}
            raise BodyParseError(message, code="parse_error") from None
        if not isinstance(data, dict):
            raise BodyParseError(_("The JSON body must be an object."), code="not_an_object")
        _check_tree(data)
        return data

    @staticmethod
    def _reject_constant(name):
        raise ValueError(f"{name} is not a JSON number")


# --- one pagination -------------------------------------------------------------------------------


def _bounded_int(request, name: str, *, minimum: int, maximum: int = MAX_BIGINT):
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not minimum <= value <= maximum:
        raise exceptions.ValidationError(
            {name: [_("Give a whole number from %(min)d to %(max)d.") % {"min": minimum, "max": maximum}]}
        )
    return value


class Pagination(LimitOffsetPagination):
    """limit/offset with a ceiling (`limit=10**9` does not return everything) and a 400 for a limit or
    offset that is not a whole number in range (DRF would silently ignore it)."""

    max_limit = 500

    def get_limit(self, request):
        value = _bounded_int(request, self.limit_query_param, minimum=1, maximum=self.max_limit)
        return self.default_limit if value is None else value

    def get_offset(self, request):
        value = _bounded_int(request, self.offset_query_param, minimum=0)
        return 0 if value is None else value


# --- query parameters -----------------------------------------------------------------------------


def _invalid(name: str, message) -> exceptions.ValidationError:
    return exceptions.ValidationError({name: [str(message)]})


def query_text(request, name: str, default: str = "") -> str:
    value = request.query_params.get(name, default)
    if "\x00" in value:
        raise _invalid(name, gettext_lazy("NUL characters are not allowed."))
    return value


def query_id(request, name: str):
    """An optional id (positive bigint) from the query string; None when absent."""
    raw = query_text(request, name)
    if raw == "":
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_BIGINT:
        raise _invalid(name, gettext_lazy("Give the id as a positive whole number."))
    return int(raw)


def query_int(request, name: str, minimum: int = 0, maximum: int = MAX_BIGINT):
    """An optional whole number in range from the query string; None when absent."""
    query_text(request, name)
    return _bounded_int(request, name, minimum=minimum, maximum=maximum)


def query_year(request, name: str = "year", default: int | None = None):
    raw = query_text(request, name)
    if raw == "":
        return default
    if not raw.isdigit() or not MIN_YEAR <= int(raw) <= MAX_YEAR:
        raise _invalid(name, _("Give a year from %(min)d to %(max)d.") % {"min": MIN_YEAR, "max": MAX_YEAR})
    return int(raw)


def check_date(name: str, value: datetime.date) -> datetime.date:
    if not MIN_YEAR <= value.year <= MAX_YEAR:
        raise _invalid(name, _("Give a date from %(min)d to %(max)d.") % {"min": MIN_YEAR, "max": MAX_YEAR})
    return value


def query_date(request, name: str, default: datetime.date | None = None):
    raw = query_text(request, name)
    if raw == "":
        return default
    try:
        value = datetime.date.fromisoformat(raw)
    except ValueError:
        raise _invalid(name, gettext_lazy("Give the date as YYYY-MM-DD.")) from None
    return check_date(name, value)


def query_month(request, name: str = "month", default: datetime.date | None = None):
    """A month as YYYY-MM (or a date in it): its first day."""
    raw = query_text(request, name)
    if raw == "":
        return default
    try:
        value = datetime.date.fromisoformat(raw if len(raw) > 7 else f"{raw}-01")
    except ValueError:
        raise _invalid(name, gettext_lazy("Give the month as YYYY-MM.")) from None
    return check_date(name, value).replace(day=1)


def query_choice(request, name: str, choices, default: str = "") -> str:
    value = query_text(request, name, default)
    if value and value not in choices:
        raise _invalid(name, _("Choose one of: %(choices)s.") % {"choices": ", ".join(choices)})
    return value


# --- text is text ---------------------------------------------------------------------------------


def strict_text_fields() -> None:
    """A field the schema declares `type: string` takes a JSON string only. DRF's CharField (and
    its EmailField, SlugField, URLField, RegexField...) turns a JSON number into text ("5"), so
    `{"endpoint": 5}` was accepted although the schema says it is not (found by the long
    schemathesis run). Form and multipart values are strings already, so pages are unchanged.
    Applied once, at start-up (spotme.web's AppConfig.ready()), to every serializer of the API."""
    from rest_framework import serializers

    original = serializers.CharField.to_internal_value
    if getattr(original, "strict_text", False):
        return

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return original(self, data)

    to_internal_value.strict_text = True
    serializers.CharField.to_internal_value = to_internal_value
