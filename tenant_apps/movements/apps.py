from django.apps import AppConfig


class MovementsConfig(AppConfig):
    """Pergerakan: officers' movements (duty, meetings, courses, time out of office), the supervisor's
    view and approvals, and each officer's iCalendar feed (agency schema)."""

    name = "tenant_apps.movements"
    label = "movements"
