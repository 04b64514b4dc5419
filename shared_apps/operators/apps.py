from django.apps import AppConfig


class OperatorsConfig(AppConfig):
    """The JDN operator console (apex domain, public schema)."""

    name = "shared_apps.operators"
    label = "operators"
