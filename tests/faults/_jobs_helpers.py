"""Helpers for the worker-killed drills: a private Redis per drill (its broker queue is nobody
else's), real Celery workers on one fixed queue that a drill can SIGKILL and replace, and waiting
for a condition. No component of the project is mocked: the drills slow things down from outside
(a PostgreSQL trigger, an HTTP server that stalls)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

from tests.faults.stack import Redis
from tests.fixtures.platform import ROOT, worker_command, worker_database_url

# Short leases and a short broker visibility timeout: a killed worker's job is free again, and its
# unacknowledged task redelivered, within seconds.
LEASE_SECONDS = 5
VISIBILITY_TIMEOUT = 4


@contextlib.contextmanager
def private_redis():
    """A redis-server of the drill's own (tests/faults/stack.py), removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="spotme-drill-redis-"))
    redis = Redis(folder)
    try:
        yield redis.url
    finally:
        redis.stop()
        shutil.rmtree(folder, ignore_errors=True)


@contextlib.contextmanager
def publishing_to(redis_url: str, queue: str):
    """The test's own process publishes tasks to the private broker, on the drill's queue."""
    from spotme.celery import app

    conf = app.conf
    old = (conf.task_always_eager, conf.task_default_queue, conf.broker_url)
    conf.task_always_eager, conf.task_default_queue, conf.broker_url = False, queue, redis_url
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        conf.task_always_eager, conf.task_default_queue, conf.broker_url = old
        app._pool = None
        app.amqp._producer_pool = None


class Workers:
    """Real Celery workers (solo pool: one process, so SIGKILL takes the whole worker down, as when
    a pod is OOM-killed) consuming one queue on a private Redis."""

    def __init__(self, redis_url: str, **env):
        self.redis_url = redis_url
        self.queue = f"drill-{uuid.uuid4().hex[:8]}"
        self.env = env
        self.procs: list[subprocess.Popen] = []
        self.logs: list[str] = []

    def start(self) -> subprocess.Popen:
        log = tempfile.NamedTemporaryFile("w+", prefix="spotme-drill-worker-", suffix=".log", delete=False)  # noqa: SIM115
        proc = subprocess.Popen(
            worker_command(self.queue, "--without-mingle", "-n", f"drill{len(self.procs)}@%h"),
            cwd=ROOT,
            env={
                **os.environ,
                "SPOTME_CELERY_EAGER": "0",
                "SPOTME_TESTING": "1",
                "SPOTME_CELERY_QUEUE": self.queue,
                "DATABASE_URL": worker_database_url(),
                "REDIS_URL": self.redis_url,
                "DJANGO_SETTINGS_MODULE": "spotme.settings",
                "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "platform")]),
                "SPOTME_LEASE_SECONDS": str(LEASE_SECONDS),
                "SPOTME_CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
                **self.env,
            },
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.procs.append(proc)
        self.logs.append(log.name)
        return proc

    @staticmethod
    def kill(proc: subprocess.Popen) -> None:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)

    def stop_all(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
        for name in self.logs:
            with open(name) as f:
                print(f"--- {name}\n" + f.read()[-3000:])
            os.unlink(name)


@contextlib.contextmanager
def workers(redis_url: str, **env):
    group = Workers(redis_url, **env)
    with publishing_to(redis_url, group.queue):
        try:
            yield group
        finally:
            group.stop_all()


def wait_for(condition, *, timeout: float, what: str, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def backends_sleeping() -> int:
    """Connections of this test database stuck in pg_sleep (the drill's slowdown)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event = 'PgSleep'"
        )
        return cursor.fetchone()[0]
