"""Per-request context (agency, request id, user id) for logs, error reports and tasks."""

from __future__ import annotations

import contextvars

agency_var: contextvars.ContextVar[str] = contextvars.ContextVar("spotme_agency", default="-")
request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("spotme_request_id", default="-")
user_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("spotme_user_id", default="-")
