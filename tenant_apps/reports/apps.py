from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """Laporan: monthly attendance (per officer, per organisation unit, per agency), lateness, issue
    and task reports, as a page, CSV, XLSX, PDF and JSON; monthly reports emailed by Celery beat."""

    name = "tenant_apps.reports"
    label = "reports"
