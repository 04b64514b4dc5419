"""Health and metrics endpoints, answered before host routing.

Kubernetes probes and Prometheus call a pod by its IP address (`Host: 10.1.2.3:8000`): no agency
owns that host and ALLOWED_HOSTS does not list it, so the tenant router would answer 400 or 404.
`ProbeMiddleware` is first in MIDDLEWARE and answers these paths itself, on any host, without
reading the Host header (so no DisallowedHost) and without touching a schema:

    /healthz          liveness: the process answers. Touches nothing else, so a database outage
                      does not make Kubernetes restart every web pod at once.
    /health/          readiness: django-health-check runs the database, cache and (when Redis is
                      configured) broker checks. 200 "ok" when all pass; 200 "degraded" naming the
                      failed ones when only the cache and/or the broker fail (clock-ins and pages
                      work without Redis: spotme/cache.py, spotme/outbox; taking every web pod out
                      of service for it would turn a degraded platform into a down one); 503
                      "error" when the database fails.
    /health/workers/  monitoring, internal callers only (it broadcasts a ping to every worker): at
                      least one Celery worker answers and consumes the queue. Not for probes: web
                      pods stay ready while workers restart.
    /metrics          Prometheus, internal callers only (spotme.metrics.metrics_allowed); anyone
                      else gets what any unknown path gets.

Check details (error messages) are shown to internal callers only; the public sees ok/error.
"""

from __future__ import annotations

import asyncio

from asgiref.sync import async_to_sync
from django.conf import settings
from django.http import HttpResponse, HttpResponseNotFound, JsonResponse
from django.utils.cache import add_never_cache_headers
from health_check.checks import Cache, Database
from health_check.views import HealthCheckView

from . import metrics

_CHECK_NAMES = {"Database": "database", "Cache": "cache", "Redis": "broker", "Ping": "celery_workers"}
# Checks whose failure degrades the web tier without making it unready (see /health/ above).
OPTIONAL = frozenset({"cache", "broker"})


def _broker_client():
    from redis.asyncio import Redis as RedisClient

    return RedisClient.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=3, socket_timeout=3)


def readiness_checks() -> list:
    checks: list = [Database(alias="default"), Cache(alias="default")]
    if settings.CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
        from health_check.contrib.redis import Redis

        checks.append(Redis(client_factory=_broker_client))
    return checks


def worker_checks() -> list:
    from health_check.contrib.celery import Ping

    from .celery import app

    return [Ping(app=app)]


class HealthView(HealthCheckView):
    """django-health-check's view, answering JSON whatever the Accept header (a probe sends */*)."""

    checks: tuple = ()
    detailed = False

    def get_checks(self):
        return iter(self.checks)

    async def get(self, request, *args, **kwargs):
        with self.get_executor() as executor:
            self.results = await asyncio.gather(*(check.get_result(executor) for check in self.get_checks()))
        failed = {_CHECK_NAMES.get(type(r.check).__name__, "") for r in self.results if r.error}
        healthy = not failed
        ready = not (failed - OPTIONAL)
        body = {
            "status": "ok" if healthy else "degraded" if ready else "error",
            "checks": {
                _CHECK_NAMES.get(type(r.check).__name__, type(r.check).__name__.lower()): (
                    "ok" if not r.error else (str(r.error) if self.detailed else "error")
                )
                for r in self.results
            },
        }
        if healthy != ready:
            body["degraded"] = sorted(failed)
        return JsonResponse(body, status=200 if ready else 503)


def _run(view_checks: list, request, *, detailed: bool) -> HttpResponse:
    view = HealthView.as_view(checks=tuple(view_checks), detailed=detailed)
    return async_to_sync(view)(request)


class ProbeMiddleware:
    """First in MIDDLEWARE: health and metrics endpoints on any host, before the tenant router."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path == "/healthz":
            response = JsonResponse({"status": "ok"})
        elif path in ("/health", "/health/"):
            response = _run(readiness_checks(), request, detailed=metrics.metrics_allowed(request))
        elif path == "/health/workers/" and metrics.metrics_allowed(request):
            response = _run(worker_checks(), request, detailed=True)
        elif path == "/metrics" and metrics.metrics_allowed(request):
            body, content_type = metrics.render()
            response = HttpResponse(body, content_type=content_type)
        elif metrics.on_metrics_port(request):
            # The internal port serves the endpoints above and nothing else.
            response = HttpResponseNotFound(b"", content_type="text/plain")
        else:
            return self.get_response(request)
        add_never_cache_headers(response)
        return response
