from django.apps import AppConfig


class PeopleConfig(AppConfig):
    """The agency's officers: profiles, supervisors, roles, user management and import."""

    name = "tenant_apps.people"
    label = "people"
