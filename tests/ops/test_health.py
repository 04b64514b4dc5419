"""Probes: /healthz and /health/ answer on a pod's IP address (the Host the kubelet sends), before
the tenant router and ALLOWED_HOSTS; nothing else opens to such hosts."""

from __future__ import annotations

import dataclasses

import pytest
from django.test import Client
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable

from spotme import health

POD_IP = "10.42.7.19:8000"


@pytest.fixture
def pod_client(platform_db):
    return Client(HTTP_HOST=POD_IP)


def test_liveness_answers_on_the_pod_ip(pod_client):
    response = pod_client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readiness_checks_database_cache_and_broker_on_the_pod_ip(pod_client, settings):
    assert settings.CELERY_BROKER_URL.startswith("redis://"), "the test run has Redis"
    response = pod_client.get("/health/", HTTP_ACCEPT="*/*")
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok", "broker": "ok"}}


def test_readiness_is_also_served_on_the_apex_and_agency_hosts(apex_client, agency_a, client_for):
    assert apex_client.get("/health/").status_code == 200
    assert client_for(agency_a).get("/health/").json()["status"] == "ok"


@dataclasses.dataclass
class Broken(HealthCheck):
    def run(self):
        raise ServiceUnavailable("connection to server at 10.0.0.5 refused")


def test_a_failing_check_makes_the_pod_unready_without_telling_the_public(pod_client, monkeypatch, settings):
    monkeypatch.setattr(health, "readiness_checks", lambda: [Broken()])
    response = pod_client.get("/health/")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "checks": {"broken": "error"}}, "no internal address"

    settings.SPOTME_METRICS_TOKEN = "t0ken-for-monitoring"
    detailed = pod_client.get("/health/", HTTP_AUTHORIZATION="Bearer t0ken-for-monitoring")
    assert detailed.status_code == 503
    assert "10.0.0.5" in detailed.json()["checks"]["broken"], "internal callers see why"


def test_worker_health_is_internal_and_reports_missing_workers(pod_client, settings):
    settings.SPOTME_METRICS_TOKEN = "t0ken-for-monitoring"
    assert pod_client.get("/health/workers/").status_code == 404, "it pings every worker: not public"
    response = pod_client.get("/health/workers/", HTTP_AUTHORIZATION="Bearer t0ken-for-monitoring")
    # No worker consumes the default queue during the tests.
    assert response.status_code == 503
    assert list(response.json()["checks"]) == ["celery_workers"]


def test_other_paths_on_a_pod_ip_are_still_refused(pod_client):
    """Only the probe paths skip host routing: on an address no agency owns, everything else is the
    router's "no agency here" (and /metrics is not offered without the token or the metrics port)."""
    for path in ("/login/", "/metrics", "/healthz/extra", "/health/x", "/api/v1/me/"):
        assert pod_client.get(path).status_code in (400, 404), path


def test_without_redis_the_pod_stays_ready_and_says_degraded(pod_client, settings):
    """Clock-ins work without the cache and the broker (spotme/cache.py, spotme/outbox): the web
    pods stay in service, and the probe names what is missing."""
    import socket

    from spotme import cache as shared_cache

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"redis://127.0.0.1:{s.getsockname()[1]}/0"
    settings.CACHES = {"default": {"BACKEND": "spotme.cache.ResilientRedisCache", "LOCATION": dead}}
    settings.CELERY_BROKER_URL = dead
    try:
        response = pod_client.get("/health/")
    finally:
        shared_cache._failed_at = None
    assert response.status_code == 200, response.content
    assert response.json() == {
        "status": "degraded",
        "checks": {"database": "ok", "cache": "error", "broker": "error"},
        "degraded": ["broker", "cache"],
    }
