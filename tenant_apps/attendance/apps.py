from django.apps import AppConfig


class AttendanceConfig(AppConfig):
    """Kehadiran: working-time policies, calendar, geofences, clock events, daily records, issues,
    colour cards (in each agency's schema)."""

    name = "tenant_apps.attendance"
    label = "attendance"

    def ready(self) -> None:
        from . import agency_config  # noqa: F401  (connects the cache's invalidation signals)
