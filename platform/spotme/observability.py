"""Sentry, initialised only when SENTRY_DSN is set; every event carries the agency.

sentry-sdk 3 replaced `send_default_pii` with `data_collection`, one switch per kind of data. An
attendance system's requests carry MyKad numbers, positions and passwords, so Sentry gets none of
them: no user identity, no cookies, no request bodies, no local variables of stack frames, and
headers and query parameters only after the SDK's own deny list has scrubbed them."""

from __future__ import annotations

# What integrations may collect automatically (sentry_sdk.consts.ClientConstructor.data_collection).
DATA_COLLECTION = {
    "user_info": False,
    "cookies": {"mode": "off"},
    "http_bodies": [],
    "stack_frame_variables": False,
    "database_query_data": False,
}


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
        data_collection=DATA_COLLECTION,
        traces_sample_rate=0.0,
        before_send=_tag_agency,
        **options,
    )
