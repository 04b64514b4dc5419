"""A private stack for one fault drill: a throwaway PostgreSQL cluster and redis-server on free
ports (as deploy/devservices.py starts the development ones; PostgreSQL as the `postgres` user when
run by root), migrated and provisioned by the project's own commands (setup_agency.py), and a real
gunicorn with the production configuration (deploy/gunicorn.conf.py) in front of them. Nothing of
the shared test PostgreSQL or Redis is touched, so a drill can stop its services at will."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "deploy"))
import devservices  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, limit: float, what: str, step: float = 0.2) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(step)
    raise AssertionError(f"{what}: not after {limit:.0f}s")


class Postgres:
    def __init__(self, base: Path, durable: bool = False):
        """`durable`: fsync and full_page_writes on too, as in production (the soak benchmark)."""
        self.port = free_port()
        self.bindir = devservices.pg_bindir()
        self.data, self.run = base / "pg", base / "pg-run"
        self.run.mkdir()
        self.data.mkdir(mode=0o700)
        if devservices.is_root():
            subprocess.run(["chown", "-R", "postgres:postgres", str(base)], check=True)
        self._pg(
            [
                "initdb",
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ]
        )
        with open(self.data / "postgresql.conf", "a") as conf:
            # synchronous_commit stays on, as in production: an acknowledged commit survives a crash
            # (`-m immediate`); with it off the server may acknowledge commits it then loses.
            # fsync off only matters when the machine itself crashes.
            conf.write(
                "\nmax_connections = 100\n"
                + ("fsync = on\nfull_page_writes = on\n" if durable else "fsync = off\n")
            )
        self.ctl("start")
        subprocess.run(
            [
                str(self.bindir / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "spotme",
            ],
            check=True,
            capture_output=True,
        )
        self.url = f"postgres://postgres@127.0.0.1:{self.port}/spotme"

    def _pg(self, cmd: list[str], timeout: float = 120) -> None:
        full = devservices._as_pg_user([str(self.bindir / cmd[0]), *cmd[1:]])
        subprocess.run(
            full, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=timeout
        )

    def ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -k {self.run} -c listen_addresses=127.0.0.1"
        self._pg(
            ["pg_ctl", "-D", str(self.data), "-l", str(self.run / "log"), "-w", "-t", "60", "-o", options,
             action, *extra]
        )  # fmt: skip

    def query(self, sql: str, params=()) -> list:
        import psycopg

        with psycopg.connect(self.url, autocommit=True, connect_timeout=10) as conn:
            return conn.execute(sql, params).fetchall()

    def stop(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError):
            self.ctl("stop", "-m", "immediate")


class Redis:
    def __init__(self, base: Path):
        self.port = free_port()
        self.server = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.dir = base
        self.proc: subprocess.Popen | None = None
        self.start()
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [self.server, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(self.dir)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for(lambda: devservices.port_open(self.port), 30, "redis-server start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)


class Gunicorn:
    def __init__(self, env: dict, log: Path, workers: int = 1):
        self.port = free_port()
        self.log = log
        self.output = open(log, "w")  # noqa: SIM115 - open while gunicorn runs
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--config", "deploy/gunicorn.conf.py", "--bind",
             f"127.0.0.1:{self.port}", "--workers", str(workers), "--threads", "4", "--max-requests", "0"],
            cwd=ROOT, env={**env, "PORT": str(self.port)}, stdout=self.output, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip

    def wait_ready(self) -> None:
        def ready():
            assert self.proc.poll() is None, "gunicorn exited:\n" + self.log.read_text()[-3000:]
            try:
                return request(self.port, "localhost", "GET", "/healthz")[0] == 200
            except OSError:
                return False

        wait_for(ready, 90, "gunicorn ready")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.output.close()


def request(port: int, host: str, method: str, path: str, body=None, headers=None, timeout: float = 30):
    """(status, headers, text); raises OSError / http.client errors when the connection fails."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers={"Host": f"{host}:{port}", **(headers or {})})
        response = conn.getresponse()
        return response.status, response.headers, response.read().decode(errors="replace")
    finally:
        conn.close()


class Officer:
    """One officer's phone: a session of its own (setup_agency.py signed it in)."""

    def __init__(self, port: int, host: str, session_key: str):
        self.port, self.host = port, host
        self.cookies = {"spotme_session": session_key, "csrftoken": secrets.token_hex(16)}

    def _send(self, method: str, path: str, form=None, headers=None, json_body=None, timeout: float = 30):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), **(headers or {})}
        body = None
        if form is not None:
            body = urlencode(form)
            headers.update({"Content-Type": "application/x-www-form-urlencoded",
                            "Referer": f"http://{self.host}:{self.port}{path}"})  # fmt: skip
        elif json_body is not None:
            body = json.dumps(json_body)
            headers["Content-Type"] = "application/json"
        status, response_headers, text = request(self.port, self.host, method, path, body, headers, timeout)
        for raw in response_headers.get_all("Set-Cookie") or []:
            name, value = raw.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        return status, response_headers, text

    def clock(self, key: str, direction: str, position: tuple[float, float] | None):
        """POST /api/v1/attendance/clock/ once: (status, Retry-After) or ("conn", error)."""
        body = {"direction": direction}
        if position:
            body.update(latitude=position[0], longitude=position[1], accuracy=10)
        try:
            status, headers, _ = self._send(
                "POST", "/api/v1/attendance/clock/", json_body=body,
                headers={"Idempotency-Key": key, "X-CSRFToken": self.cookies.get("csrftoken", ""),
                         "Referer": f"http://{self.host}:{self.port}/"},
            )  # fmt: skip
        except (OSError, http.client.HTTPException) as exc:
            return "conn", type(exc).__name__
        return status, headers.get("Retry-After")


class Stack:
    """PostgreSQL + Redis + a migrated, provisioned agency + gunicorn, all private to one drill."""

    def __init__(self):
        self.base = Path(tempfile.mkdtemp(prefix="spotme-drill-"))
        self.pg = Postgres(self.base)
        self.redis = Redis(self.base)
        unset = ("SPOTME_TESTING", "DEBUG", "DJANGO_SETTINGS_MODULE", "SPOTME_TEST_DATABASE")
        env = {k: v for k, v in os.environ.items() if k not in unset}
        env.update(
            DATABASE_URL=self.pg.url, REDIS_URL=self.redis.url, SECRET_KEY=secrets.token_urlsafe(48),
            SPOTME_HTTPS="0", SPOTME_APEX_DOMAIN="localhost", SPOTME_DB_POOL="1", SPOTME_METRICS_PORT="0",
            SPOTME_CELERY_EAGER="0", PYTHONUNBUFFERED="1", LOG_LEVEL="WARNING",
            SPOTME_STATIC_ROOT=str(ROOT / ".devdata" / "static"),
            PROMETHEUS_MULTIPROC_DIR=str(self.base / "metrics"),
        )  # fmt: skip
        (self.base / "metrics").mkdir()
        self.env = env
        setup = subprocess.run(
            [sys.executable, "tests/faults/setup_agency.py"], cwd=ROOT, env={**env, "REDIS_URL": "",
             "SPOTME_CELERY_EAGER": "1"}, capture_output=True, text=True, timeout=600,
        )  # fmt: skip
        assert setup.returncode == 0, setup.stdout[-3000:] + setup.stderr[-3000:]
        self.agency = json.loads(setup.stdout.strip().splitlines()[-1])
        self.web = Gunicorn(env, self.base / "gunicorn.log")
        self.web.wait_ready()

    def officers(self) -> list[Officer]:
        return [Officer(self.web.port, self.agency["host"], key) for key in self.agency["sessions"]]

    def stored(self) -> dict[str, int]:
        """idempotency key -> number of clock events with it."""
        table = f'"{self.agency["schema"]}".attendance_clockevent'
        return dict(self.pg.query(f"SELECT idempotency_key, count(*) FROM {table} GROUP BY 1"))

    def health(self) -> tuple[int, dict]:
        status, _, text = request(self.web.port, "localhost", "GET", "/health/")
        return status, json.loads(text)

    def close(self) -> None:
        self.web.stop()
        self.redis.stop()
        self.pg.stop()
        shutil.rmtree(self.base, ignore_errors=True)
