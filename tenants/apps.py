from django.apps import AppConfig


class TenantsConfig(AppConfig):
    """Agencies (tenants) and their domains: the control plane in the public schema."""

    name = "tenants"
    verbose_name = "Agencies"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from . import routing
        from .models import Agency, Domain

        def forget(**kwargs):
            # This process at once; the others on their next request (the routing version).
            routing.forget()

        for model in (Agency, Domain):
            post_save.connect(forget, sender=model, dispatch_uid=f"tenants.routing.{model.__name__}.save")
            post_delete.connect(forget, sender=model, dispatch_uid=f"tenants.routing.{model.__name__}.delete")
