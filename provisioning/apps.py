from django.apps import AppConfig


class ProvisioningConfig(AppConfig):
    """Creating, migrating, suspending and closing agencies."""

    name = "provisioning"
