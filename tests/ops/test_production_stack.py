"""The production processes together: real gunicorn (deploy/gunicorn.conf.py), a real Celery
worker and a real beat, against the test PostgreSQL and Redis. Checks the probes on a pod-IP host,
a clock-in through the API, the scheduled nightly close reaching two agencies, the metrics of web
and worker (multiprocess mode), and the JSON access log. Bounded: about 20 s."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection
from django_tenants.utils import schema_context

from provisioning.services import provision_agency
from tests.fixtures.agencies import ADMIN_A, ADMIN_B, PASSWORD, make_request

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.worker
DEADLINE = 45  # seconds, for each wait below


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(what: str, check, logs: list[Path], timeout: float = DEADLINE):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.3)
    tails = "\n".join(f"--- {p.name}\n{p.read_text()[-3000:]}" for p in logs if p.exists())
    pytest.fail(f"timed out waiting for {what}\n{tails}")


class Http:
    """HTTP/1.1 to 127.0.0.1:port with a chosen Host header and this host's cookies."""

    def __init__(self, port: int, host: str):
        self.port, self.host, self.cookies = port, host, {}

    def request(self, method: str, path: str, body: str | None = None, headers: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        all_headers = {"Host": self.host, "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        all_headers.update(headers or {})
        conn.request(method, path, body=body, headers=all_headers)
        response = conn.getresponse()
        for raw in response.headers.get_all("Set-Cookie") or []:
            name, value = raw.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        data = response.read().decode()
        conn.close()
        return response.status, response.headers, data

    def login(self, username: str, password: str) -> None:
        _, _, page = self.request("GET", "/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = f"csrfmiddlewaretoken={token}&username={username}&password={password}"
        status, _, _ = self.request(
            "POST", "/login/", form, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        assert status == 302, f"login on {self.host} failed ({status})"

    def clock_in(self) -> dict:
        body = json.dumps({"direction": "in", "latitude": 2.9264, "longitude": 101.6964, "accuracy": 10})
        status, headers, data = self.request(
            "POST",
            "/api/v1/attendance/clock/",
            body,
            {
                "Content-Type": "application/json",
                "X-CSRFToken": self.cookies["csrftoken"],
                "X-Request-ID": "e2e-1",
            },
        )
        assert status == 201, data
        assert headers["X-Request-ID"] == "e2e-1"
        return json.loads(data)


def scrape(port: int) -> str:
    status, _, text = Http(port, "10.42.0.9:9100").request("GET", "/metrics")
    assert status == 200, text
    return text


def set_production_password(agency, mykad: str) -> None:
    """The servers run the production settings, whose hashers do not include the tests' fast MD5:
    store a PBKDF2 hash (few iterations, so the login stays quick)."""
    from django.contrib.auth.hashers import PBKDF2PasswordHasher

    from spotme.accounts.models import User

    hasher = PBKDF2PasswordHasher()
    with schema_context(agency.schema_name):
        User.objects.filter(username=mykad).update(
            password=hasher.encode(PASSWORD, hasher.salt(), iterations=1000), must_change_password=False
        )


@pytest.fixture
def agencies(live_platform):
    a = provision_agency(make_request("tumpuan-a", admin_mykad=ADMIN_A), notify=False).agency
    b = provision_agency(make_request("tumpuan-b", admin_mykad=ADMIN_B), notify=False).agency
    set_production_password(a, ADMIN_A)
    set_production_password(b, ADMIN_B)
    return a, b


@pytest.fixture
def stack(agencies, tmp_path, settings):
    s = connection.settings_dict
    ports = {"web": free_port(), "web_metrics": free_port(), "worker_metrics": free_port()}
    queue = f"e2e-{uuid.uuid4().hex[:8]}"
    base = {
        k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "PROMETHEUS_MULTIPROC_DIR"}
    }
    base.update(
        DJANGO_SETTINGS_MODULE="spotme.settings",
        SPOTME_TESTING="1",
        SPOTME_CELERY_EAGER="0",
        SPOTME_CELERY_QUEUE=queue,
        SPOTME_JSON_LOGS="1",
        DATABASE_URL=f"postgres://{s['USER']}@{s['HOST']}:{s['PORT']}/{s['NAME']}",
        REDIS_URL=settings.REDIS_URL,
        PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "platform")]),
    )
    commands = {
        "web": (
            [sys.executable, "-m", "gunicorn", "--config", "deploy/gunicorn.conf.py"],
            {
                "PORT": str(ports["web"]),
                "SPOTME_METRICS_PORT": str(ports["web_metrics"]),
                "GUNICORN_WORKERS": "2",
                "GUNICORN_THREADS": "2",
                "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prom-web"),
            },
        ),
        "worker": (
            [
                sys.executable,
                "-m",
                "celery",
                "--app=spotme",
                "worker",
                "-Q",
                queue,
                "--concurrency=2",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            {
                "SPOTME_METRICS_PORT": str(ports["worker_metrics"]),
                "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "prom-worker"),
            },
        ),
        "beat": (
            [
                sys.executable,
                "-m",
                "celery",
                "--app=spotme",
                "beat",
                f"--schedule={tmp_path / 'beat-schedule'}",
                f"--pidfile={tmp_path / 'beat.pid'}",
            ],
            # The nightly close every 2 seconds instead of at 06:00.
            {"SPOTME_BEAT_CLOSE_DAY_SECONDS": "2"},
        ),
    }
    procs, logs = {}, {}
    try:
        for name, (cmd, extra) in commands.items():
            logs[name] = tmp_path / f"{name}.log"
            procs[name] = subprocess.Popen(
                cmd,
                cwd=ROOT,
                env={**base, **extra},
                stdout=logs[name].open("w"),
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        yield {"ports": ports, "logs": logs, "procs": procs}
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def json_lines(path: Path) -> list[dict]:
    lines = []
    for raw in path.read_text().splitlines():
        if raw.startswith("{"):
            with contextlib.suppress(json.JSONDecodeError):
                lines.append(json.loads(raw))
    return lines


def test_web_worker_and_beat_together(agencies, stack):
    a, b = agencies
    ports, logs = stack["ports"], list(stack["logs"].values())
    web = stack["ports"]["web"]

    def ready():
        try:
            return Http(web, "10.42.0.9:8000").request("GET", "/healthz")[0] == 200
        except OSError:
            return False

    wait_for("gunicorn", ready, logs)

    # Readiness on the pod's IP address: database, cache and broker.
    status, _, body = Http(web, "10.42.0.9:8000").request("GET", "/health/", headers={"Accept": "*/*"})
    assert status == 200, body
    assert json.loads(body)["checks"] == {"database": "ok", "cache": "ok", "broker": "ok"}
    # Anything else on that host is still refused, and /metrics is not on the public port.
    assert Http(web, "10.42.0.9:8000").request("GET", "/login/")[0] == 404
    assert Http(web, "localhost").request("GET", "/metrics")[0] == 404

    # A clock-in through the API in each agency.
    for agency, admin in ((a, ADMIN_A), (b, ADMIN_B)):
        client = Http(web, f"{agency.host}:{web}")
        client.login(admin, PASSWORD)
        event = client.clock_in()
        assert event["direction"] == "in" and event["source"] == "api"

    # Beat fans the nightly close out to both agencies; the worker runs it in each one's schema.
    def closed_in_both():
        done = {
            line.get("agency")
            for line in json_lines(stack["logs"]["worker"])
            if "attendance.close_day" in line.get("message", "") and "succeeded" in line.get("message", "")
        }
        return {a.schema_name, b.schema_name} <= done

    wait_for("the scheduled close in both agencies", closed_in_both, logs)

    # Metrics of both gunicorn workers, added up, on the internal port.
    text = scrape(ports["web_metrics"])
    for agency in (a, b):
        assert (
            f'spotme_clock_events_total{{agency="{agency.schema_name}",direction="in",source="api"}} 1.0'
            in text
        )
        assert re.search(
            rf'spotme_http_requests_total{{agency="{agency.schema_name}",method="POST",status="201"}}', text
        )
    worker_text = wait_for(
        "worker metrics",
        lambda: (t := scrape(ports["worker_metrics"])) and "attendance.close_day" in t and t,
        logs,
    )
    done = re.search(
        r'spotme_celery_tasks_total{state="SUCCESS",task="attendance.close_day"} (\d+)', worker_text
    )
    assert done and float(done.group(1)) >= 2

    # The access log: JSON, with the agency and the request id.
    clock_lines = [
        line for line in json_lines(stack["logs"]["web"]) if line.get("path") == "/api/v1/attendance/clock/"
    ]
    assert {line["agency"] for line in clock_lines} == {a.schema_name, b.schema_name}
    assert {line["request_id"] for line in clock_lines} == {"e2e-1"}
    assert all(line["status"] == 201 for line in clock_lines)
