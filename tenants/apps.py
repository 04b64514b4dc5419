from django.apps import AppConfig


class TenantsConfig(AppConfig):
    """Agencies (tenants) and their domains: the control plane in the public schema."""

    name = "tenants"
    verbose_name = "Agencies"
