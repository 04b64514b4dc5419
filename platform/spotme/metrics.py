"""Prometheus metrics: requests and clock events per agency, Celery tasks by name and state.

Exposed at `/metrics` by `spotme.health.ProbeMiddleware`, to internal callers only (see
`metrics_allowed`). Under gunicorn (several worker processes) and the Celery prefork pool, set
PROMETHEUS_MULTIPROC_DIR to an empty, writable directory: every process writes its samples there
and the endpoint adds them up (prometheus_client's multiprocess mode). deploy/gunicorn.conf.py and
the Celery `worker_init` handler empty it at start; the image sets it to /tmp/prometheus.

Label values are bounded: the agency is a schema name (one per agency, a few hundred), the method
one of a fixed set, the status a code. Per-agency latency histograms would multiply the series by
the bucket count, so latency is recorded per method only.
"""

from __future__ import annotations

import hmac
import os
import shutil
import time
from pathlib import Path

MULTIPROC_DIR = os.environ.get("PROMETHEUS_MULTIPROC_DIR") or ""
if MULTIPROC_DIR:
    # Must exist before the first sample is written (prometheus_client opens a file per process).
    Path(MULTIPROC_DIR).mkdir(parents=True, exist_ok=True)

from prometheus_client import (  # noqa: E402  (after the directory exists)
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)

HTTP_REQUESTS = Counter(
    "spotme_http_requests",
    "HTTP requests served, per agency (schema name; 'public' is the apex, '-' an unknown host).",
    ["agency", "method", "status"],
)
HTTP_LATENCY = Histogram(
    "spotme_http_request_duration_seconds",
    "Time to serve an HTTP request, per method.",
    ["method"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
CLOCK_EVENTS = Counter(
    "spotme_clock_events",
    "Clock events recorded (Daftar Masuk / Keluar), per agency, source (web, api, device, ...) "
    "and direction.",
    ["agency", "source", "direction"],
)
CELERY_TASKS = Counter(
    "spotme_celery_tasks",
    "Celery tasks finished, per task name and final state (SUCCESS, FAILURE, RETRY, ...).",
    ["task", "state"],
)
CELERY_TASK_DURATION = Histogram(
    "spotme_celery_task_duration_seconds",
    "Time a Celery task ran, per task name.",
    ["task"],
    buckets=(0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900),
)

_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def reset_multiprocess_dir() -> None:
    """Empty the multiprocess directory: called once by the parent process at start (gunicorn's
    master, Celery's main process), before any child writes. Stale files would add old counts."""
    if not MULTIPROC_DIR:
        return
    path = Path(MULTIPROC_DIR)
    path.mkdir(parents=True, exist_ok=True)
    for child in path.iterdir():
        if child.is_dir():
            shutil.rmtree(child, ignore_errors=True)
        else:
            child.unlink(missing_ok=True)


def mark_process_dead(pid: int) -> None:
    if MULTIPROC_DIR:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid)


def registry():
    """The registry to expose: every process's samples in multiprocess mode, else this process's."""
    if not MULTIPROC_DIR:
        return REGISTRY
    from prometheus_client import multiprocess

    collected = CollectorRegistry()
    multiprocess.MultiProcessCollector(collected)
    return collected


def render() -> tuple[bytes, str]:
    return generate_latest(registry()), CONTENT_TYPE_LATEST


# --- who may read /metrics ---------------------------------------------------------------------


def local_port(request) -> int | None:
    """The port this request arrived on, from the accepted socket (gunicorn puts it in the WSGI
    environ). Not from the Host header or SERVER_PORT, which the client controls."""
    sock = request.META.get("gunicorn.socket")
    if sock is None:
        return None
    try:
        return sock.getsockname()[1]
    except (OSError, IndexError, TypeError):
        return None


def on_metrics_port(request) -> bool:
    from django.conf import settings

    port = settings.SPOTME_METRICS_PORT
    return bool(port) and local_port(request) == port


def metrics_allowed(request) -> bool:
    """Internal callers only: a request on the metrics port (a port the Service exposes inside the
    cluster and the Ingress never routes to), or one carrying the shared metrics token."""
    from django.conf import settings

    if on_metrics_port(request):
        return True
    token = settings.SPOTME_METRICS_TOKEN
    if not token:
        return False
    header = request.headers.get("Authorization", "")
    scheme, _, presented = header.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(presented.strip(), token)


# --- recording ---------------------------------------------------------------------------------


class RequestMetricsMiddleware:
    """Counts every response per agency. Placed before the host router, so hosts nobody owns
    (404) and refused hosts (400) are counted too, under agency '-'."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        method = request.method if request.method in _METHODS else "other"
        tenant = getattr(request, "tenant", None)
        agency = tenant.schema_name if tenant is not None else "-"
        HTTP_REQUESTS.labels(agency=agency, method=method, status=str(response.status_code)).inc()
        HTTP_LATENCY.labels(method=method).observe(time.perf_counter() - started)
        return response


def _clock_event_saved(sender, instance, created, **kwargs):
    if not created:
        return
    from django.db import connection, transaction

    agency = getattr(connection, "schema_name", None) or "-"
    labels = {"agency": agency, "source": instance.source or "-", "direction": instance.direction or "-"}
    # Counted when the event is committed: a rolled-back clock-in never happened.
    transaction.on_commit(lambda: CLOCK_EVENTS.labels(**labels).inc())


def connect_model_signals() -> None:
    """Called from spotme.web's AppConfig.ready()."""
    from django.db.models.signals import post_save

    post_save.connect(
        _clock_event_saved, sender="attendance.ClockEvent", dispatch_uid="spotme.metrics.clock_events"
    )


_task_started: dict[str, float] = {}


def task_started(task_id: str) -> None:
    _task_started[task_id] = time.perf_counter()


def task_finished(task_name: str, task_id: str, state: str) -> None:
    CELERY_TASKS.labels(task=task_name, state=state or "UNKNOWN").inc()
    started = _task_started.pop(task_id, None)
    if started is not None:
        CELERY_TASK_DURATION.labels(task=task_name).observe(time.perf_counter() - started)
