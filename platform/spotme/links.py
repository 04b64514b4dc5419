"""Absolute addresses for links that leave the platform (emails).

Built from configuration only, never from the request's Host header: a request sent with
`Host: selangor.localhost:6666` (or any other host the client likes) must not decide where a
password-reset link points. Scheme from SPOTME_HTTPS, host from the agency being served (its
configured subdomain of SPOTME_APEX_DOMAIN) or the apex, port from SPOTME_PUBLIC_PORT (development).
"""

from __future__ import annotations

from django.conf import settings
from django.db import connection


def current_host() -> str:
    """The configured host of the schema being served: the agency's, or the apex for public."""
    if connection.schema_name == settings.PUBLIC_SCHEMA_NAME:
        return settings.APEX_DOMAIN
    host = getattr(getattr(connection, "tenant", None), "host", None)
    if not host:  # a bare schema_context without the agency: refuse rather than guess
        raise RuntimeError(f"no configured host for schema {connection.schema_name!r}")
    return host


def absolute_url(path: str, *, host: str | None = None) -> str:
    scheme = "https" if settings.HTTPS else "http"
    port = settings.SPOTME_PUBLIC_PORT
    return f"{scheme}://{host or current_host()}{':' + str(port) if port else ''}{path}"
