from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    """Notifikasi: in-app notification centre and email, per-user preferences (agency schema)."""

    name = "tenant_apps.notifications"
    label = "notifications"
