from django.apps import AppConfig


class OutboxConfig(AppConfig):
    """Installed in the public schema and in every agency's schema (like the audit trail), so any
    write can queue its follow-up work in its own transaction."""

    name = "spotme.outbox"
    label = "outbox"
