from django.apps import AppConfig


class OpenDataConfig(AppConfig):
    """Data Terbuka: the agency's data for other systems — API tokens with scopes and expiry (every
    use audited and rate limited), read-only open-data endpoints, and signed webhooks (agency schema).
    See docs/integrations.md."""

    name = "tenant_apps.opendata"
    label = "opendata"

    def ready(self) -> None:
        from . import events

        events.connect()
