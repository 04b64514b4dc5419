"""Sentry, initialised only when SENTRY_DSN is set; every event carries the agency."""

from __future__ import annotations


def _tag_agency(event, hint):
    from django.db import connection

    from .context import agency_var

    agency = agency_var.get()
    if agency == "-":
        agency = getattr(connection, "schema_name", None) or "public"
    event.setdefault("tags", {})["agency"] = agency
    return event


def init_sentry(dsn: str, *, environment: str, transport=None) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    options = {}
    if transport is not None:
        options["transport"] = transport
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        traces_sample_rate=0.0,
        before_send=_tag_agency,
        **options,
    )
