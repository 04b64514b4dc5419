from django.apps import AppConfig


class TasksConfig(AppConfig):
    """Tugasan: the daily task log (Catatan Tugasan Harian) with the supervisor's review, and the task
    board (Papan Tugasan) with statuses, comments and attachments (in each agency's schema)."""

    name = "tenant_apps.tasks"
    label = "tasks"
