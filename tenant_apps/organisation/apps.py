from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    """The agency's own profile, settings and roles (lives in each agency's schema)."""

    name = "tenant_apps.organisation"
    label = "organisation"

    def ready(self):
        from spotme import hooks

        from .models import Role

        hooks.provide(hooks.ROLE_LABELS, lambda: dict(Role.choices))
