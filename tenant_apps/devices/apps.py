from django.apps import AppConfig


class DevicesConfig(AppConfig):
    """Integrasi Peranti: biometric device data in (scheduled pulls from the agency's API, file
    imports), in each agency's schema."""

    name = "tenant_apps.devices"
    label = "devices"
    default_auto_field = "django.db.models.BigAutoField"
