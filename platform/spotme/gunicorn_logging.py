"""gunicorn's logs as JSON lines, like the application's (spotme.logging).

Access lines carry the agency (schema name) and the request id that spotme.middleware puts into the
WSGI environ, so one request can be followed from the access log into the application log and
Sentry. Successful probe and metrics requests are not logged: the kubelet and Prometheus would
otherwise write most of the lines. Used by deploy/gunicorn.conf.py (`logger_class`).
"""

from __future__ import annotations

import json
import logging
import re
import time

from gunicorn.glogging import Logger

from spotme.proxies import client_of

QUIET_PATHS = frozenset({"/healthz", "/health", "/health/", "/metrics"})
# One-time tokens in paths (password reset links) stay out of the logs.
_SECRET_PATHS = re.compile(r"^(/password/reset/)(?!sent/$|done/$)[^?]+")


def redact_path(path: str) -> str:
    return _SECRET_PATHS.sub(r"\1…/", path)


class JsonLineFormatter(logging.Formatter):
    """gunicorn's own messages (start-up, worker exits, errors) as JSON lines."""

    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "agency": "-",
            "request_id": "-",
        }
        if record.exc_info:
            payload["exc"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False)


class JsonLogger(Logger):
    def setup(self, cfg):
        super().setup(cfg)
        formatter = JsonLineFormatter()
        for handler in self.error_log.handlers:
            handler.setFormatter(formatter)
        for handler in self.access_log.handlers:
            handler.setFormatter(logging.Formatter("%(message)s"))

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        status = _status_code(resp)
        path = environ.get("PATH_INFO", "") or "/"
        if path in QUIET_PATHS and status < 400:
            return
        duration = request_time.seconds + request_time.microseconds / 1e6
        line = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "level": "INFO",
            "logger": "gunicorn.access",
            "message": f"{environ.get('REQUEST_METHOD', '-')} {redact_path(path)} {status}",
            "method": environ.get("REQUEST_METHOD", "-"),
            "path": redact_path(path),
            "status": status,
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(duration * 1000, 1),
            # X-Forwarded-For only from a trusted proxy (SPOTME_TRUSTED_PROXIES), as in the app.
            "remote_addr": client_of(environ) or environ.get("REMOTE_ADDR", "-"),
            "user_agent": environ.get("HTTP_USER_AGENT", "-")[:300],
            "agency": environ.get("spotme.agency", "-"),
            "request_id": environ.get("spotme.request_id") or environ.get("HTTP_X_REQUEST_ID") or "-",
        }
        try:
            self.access_log.info(json.dumps(line, ensure_ascii=False))
        except Exception:  # a log line must never break a response
            self.exception("access log line failed")


def _status_code(resp) -> int:
    status = getattr(resp, "status_code", None)
    if status is None:
        status = getattr(resp, "status", "0")
    try:
        return int(str(status).split()[0])
    except (ValueError, IndexError):
        return 0
