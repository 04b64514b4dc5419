"""The Celery app: tenant-aware, so a task enqueued inside an agency runs inside that agency."""

import os

from celery import schedules, signals
from celery.beat import PersistentScheduler
from tenant_schemas_celery.app import CeleryApp

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spotme.settings")

app = CeleryApp("spotme")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


class StartNowScheduler(PersistentScheduler):
    """Beat for development (`make run`): interval jobs (platform statistics, device pulls, webhook
    retries) run once at start instead of one whole interval later, so a newcomer sees their
    results at once; crontab jobs keep their times."""

    def setup_schedule(self):
        super().setup_schedule()
        now = self.app.now()
        for entry in self.schedule.values():
            if isinstance(entry.schedule, schedules.schedule):  # an interval (crontab is not one)
                entry.last_run_at = now - entry.schedule.run_every


# --- observability of workers and beat ---------------------------------------------------------
# Worker and beat log through settings.LOGGING (JSON lines with agency and task id in production),
# not Celery's own format. Every task runs with the agency (its schema) and its task id in the log
# and error-report context, and is counted in spotme.metrics by name and final state.

_task_context: dict[str, list] = {}


@signals.setup_logging.connect
def _configure_logging(**kwargs):
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


@signals.task_prerun.connect
def _enter_task(task_id=None, task=None, kwargs=None, **_):
    from django.db import connection
    from tenant_schemas_celery.app import get_schema_name_from_task

    from . import metrics
    from .context import agency_var, request_id_var

    schema = get_schema_name_from_task(task, kwargs or {}) or getattr(connection, "schema_name", "-")
    _task_context[task_id] = [agency_var.set(schema or "-"), request_id_var.set(task_id or "-")]
    metrics.task_started(task_id)


@signals.task_postrun.connect
def _leave_task(task_id=None, task=None, state=None, **_):
    from . import metrics
    from .context import agency_var, request_id_var

    metrics.task_finished(getattr(task, "name", "?"), task_id, state)
    tokens = _task_context.pop(task_id, None)
    if tokens:
        for var, token in zip((agency_var, request_id_var), tokens, strict=True):
            try:
                var.reset(token)
            except ValueError:  # set in another context (should not happen); leave it
                var.set("-")


@signals.worker_init.connect
def _worker_metrics(**_):
    """The worker's main process empties the multiprocess directory before forking its pool and
    serves /metrics on SPOTME_METRICS_PORT (every pool process's samples)."""
    from django.conf import settings

    from . import metrics

    metrics.reset_multiprocess_dir()
    if settings.SPOTME_METRICS_PORT:
        from prometheus_client import start_http_server

        start_http_server(settings.SPOTME_METRICS_PORT, registry=metrics.registry())


@signals.worker_process_shutdown.connect
def _pool_process_gone(pid=None, **_):
    from . import metrics

    metrics.mark_process_dead(pid or os.getpid())
