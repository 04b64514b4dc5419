from django.apps import AppConfig


class OperatorsConfig(AppConfig):
    """The JDN operator console (apex domain, public schema)."""

    name = "shared_apps.operators"
    label = "operators"

    def ready(self):
        from spotme import hooks

        from .permissions import is_operator

        hooks.provide(hooks.AUDIT_READER_ON_APEX, lambda request: is_operator(request.user))
