"""The Celery app: tenant-aware, so a task enqueued inside an agency runs inside that agency."""

import os

from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spotme.settings")

app = CeleryApp("spotme")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
