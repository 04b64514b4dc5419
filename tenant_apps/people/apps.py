from django.apps import AppConfig


class PeopleConfig(AppConfig):
    """The agency's officers: profiles, supervisors, roles, user management and import."""

    name = "tenant_apps.people"
    label = "people"

    def ready(self):
        from spotme import hooks

        from .access import get_access

        hooks.provide(hooks.AUDIT_READER_ON_AGENCY, lambda request: get_access(request).is_org_admin)
