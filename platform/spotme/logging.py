"""Log records carry the agency, the request id and the user id; JSON in production."""

from __future__ import annotations

import json
import logging as _logging

from .context import agency_var, request_id_var, user_id_var


class RequestContextFilter(_logging.Filter):
    def filter(self, record: _logging.LogRecord) -> bool:
        from django.db import connection

        request = getattr(record, "request", None)  # Django's request logger passes it
        if request is not None and hasattr(request, "request_id"):
            tenant = getattr(request, "tenant", None)
            # The user only if the request has loaded it already: loading it here (a lazy user: the
            # session and user queries) would make logging an error of a lost database connection
            # raise again, out of Django's error handling (a bare 500 from gunicorn).
            user = getattr(request, "_cached_user", None)
            record.agency = tenant.schema_name if tenant is not None else "-"
            record.request_id = request.request_id
            record.user_id = str(user.pk) if user is not None and user.is_authenticated else "-"
            return True
        agency = agency_var.get()
        if agency == "-":
            agency = getattr(connection, "schema_name", None) or "-"
        record.agency = agency
        record.request_id = request_id_var.get()
        record.user_id = user_id_var.get()
        return True


class JsonFormatter(_logging.Formatter):
    def format(self, record: _logging.LogRecord) -> str:
        payload = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "agency": getattr(record, "agency", "-"),
            "request_id": getattr(record, "request_id", "-"),
            "user_id": getattr(record, "user_id", "-"),
        }
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False)
