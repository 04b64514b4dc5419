from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "tenant_apps.insights"
    label = "insights"
    verbose_name = "Dashboards and statistics"
