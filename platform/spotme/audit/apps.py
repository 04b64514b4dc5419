from django.apps import AppConfig


class AuditConfig(AppConfig):
    """Audit trail: authentication events here; data changes through django-auditlog.
    Installed in the public schema (JDN operators' actions) and in every agency's schema."""

    name = "spotme.audit"
    label = "audit"

    def ready(self):
        from . import receivers  # noqa: F401  (connects the auth signal receivers)
        from .tracking import register_tracked_models

        register_tracked_models()
