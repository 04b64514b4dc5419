from django.apps import AppConfig


class WebConfig(AppConfig):
    """Shared templates, static assets, i18n and error pages for both sides of the platform."""

    name = "spotme.web"
    label = "web"

    def ready(self):
        from spotme import api, metrics

        api.strict_text_fields()  # a string field takes a JSON string, not a number

        metrics.connect_model_signals()  # clock events per agency (Prometheus)
