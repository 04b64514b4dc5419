"""gunicorn's access log is JSON with the agency and request id the application put in the WSGI
environ; one-time tokens in paths stay out of it; probe traffic is not logged."""

from __future__ import annotations

import datetime
import json
import logging
from types import SimpleNamespace

from gunicorn.config import Config

from spotme.gunicorn_logging import JsonLogger, redact_path


class Keep(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(self.format(record))


def logger_with_capture() -> tuple[JsonLogger, Keep]:
    cfg = Config()
    cfg.set("accesslog", "-")
    logger = JsonLogger(cfg)
    keep = Keep()
    keep.setFormatter(logging.Formatter("%(message)s"))
    logger.access_log.addHandler(keep)
    return logger, keep


def access(logger, path: str, status: str = "200 OK", **environ) -> None:
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": path, "REMOTE_ADDR": "10.0.0.9", **environ}
    response = SimpleNamespace(status=status, sent=123, headers=[])
    request = SimpleNamespace(headers=[], method="GET", path=path, query="", version=(1, 1))
    logger.access(response, request, environ, datetime.timedelta(milliseconds=42))


def test_access_lines_are_json_with_agency_and_request_id(settings):
    settings.SPOTME_TRUSTED_PROXIES = "10.0.0.0/8"  # the peer 10.0.0.9 is our ingress
    logger, keep = logger_with_capture()
    access(
        logger,
        "/api/v1/attendance/clock/",
        "201 Created",
        **{
            "spotme.agency": "agency_selangor",
            "spotme.request_id": "req-77",
            "HTTP_X_FORWARDED_FOR": "203.0.113.5, 10.0.0.1",
        },
    )
    line = json.loads(keep.lines[-1])
    assert line["agency"] == "agency_selangor" and line["request_id"] == "req-77"
    assert line["status"] == 201 and line["method"] == "GET" and line["path"] == "/api/v1/attendance/clock/"
    assert line["duration_ms"] == 42.0 and line["remote_addr"] == "203.0.113.5"
    assert line["logger"] == "gunicorn.access"


def test_a_forwarded_for_from_anyone_else_is_not_believed(settings):
    settings.SPOTME_TRUSTED_PROXIES = "10.0.0.0/8"
    logger, keep = logger_with_capture()
    access(logger, "/login/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert json.loads(keep.lines[-1])["remote_addr"] == "198.51.100.7"
    # After TrustedProxyMiddleware has resolved the environ, the line repeats its answer.
    access(logger, "/login/", REMOTE_ADDR="203.0.113.5", **{"spotme.client_resolved": True})
    assert json.loads(keep.lines[-1])["remote_addr"] == "203.0.113.5"


def test_probes_are_not_logged_unless_they_fail():
    logger, keep = logger_with_capture()
    access(logger, "/healthz")
    access(logger, "/health/")
    access(logger, "/metrics")
    assert keep.lines == []
    access(logger, "/health/", "503 Service Unavailable")
    assert json.loads(keep.lines[-1])["status"] == 503


def test_password_reset_tokens_are_redacted():
    assert redact_path("/password/reset/MQ/c4k1-abcdef0123/") == "/password/reset/…/"
    assert redact_path("/password/reset/sent/") == "/password/reset/sent/"
    assert redact_path("/password/reset/done/") == "/password/reset/done/"
    assert redact_path("/login/") == "/login/"
