"""Fault drills: clock-ins flow through a real gunicorn while Redis is stopped and started, and
while PostgreSQL is restarted (fast and immediate), on a private stack (stack.py). Each asserts:
every punch answered 2xx is stored exactly once; every failed attempt got a retryable answer (503
with Retry-After, or a connection error the phone retries with the same key); after the retries
every punch is stored exactly once; the web process recovers without being restarted."""

from __future__ import annotations

import threading
import time

import pytest

from tests.fixtures.attendance import FAR_AWAY, OFFICE

from .stack import Stack, wait_for

pytestmark = [pytest.mark.faults]

RETRY_SECONDS = 0.5  # a phone retries sooner than Retry-After says, to keep the drill short
KEY_DEADLINE = 90.0  # bound on the retries of one punch


@pytest.fixture(scope="module")
def stack():
    s = Stack()
    try:
        yield s
    finally:
        s.close()


def ok(status) -> bool:
    return isinstance(status, int) and 200 <= status < 300


class Flow:
    """Each officer punches continuously in its own thread; a punch is retried with the same
    idempotency key until it is acknowledged (bounded). Officer 0 punches from outside the office
    (a notification for the supervisor each time: the outbox), the others from inside."""

    def __init__(self, stack: Stack, name: str):
        self.officers = stack.officers()
        self.name = name
        self.attempts: list[tuple[str, object, object]] = []
        self.keys: list[str] = []
        self.acked: set[str] = set()
        self.stop = threading.Event()
        self.lock = threading.Lock()
        self.threads = [threading.Thread(target=self._punch, args=(n,)) for n in range(len(self.officers))]

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for t in self.threads:
            t.join(timeout=KEY_DEADLINE + 30)
        assert not any(t.is_alive() for t in self.threads), "a punch still retrying"

    def _punch(self, n: int) -> None:
        officer = self.officers[n]
        position = FAR_AWAY if n == 0 else (OFFICE[0] + 0.0005, OFFICE[1])
        i = 0
        while not self.stop.is_set():
            key = f"{self.name}-{n}-{i}"
            with self.lock:
                self.keys.append(key)
            deadline = time.monotonic() + KEY_DEADLINE
            while time.monotonic() < deadline:
                status, retry_after = officer.clock(key, "in" if i % 2 == 0 else "out", position)
                with self.lock:
                    self.attempts.append((key, status, retry_after))
                if ok(status):
                    with self.lock:
                        self.acked.add(key)
                    break
                time.sleep(RETRY_SECONDS)
            i += 1
            time.sleep(0.05)

    def wait_acked(self, n: int, limit: float = 60) -> None:
        start = len(self.acked)
        wait_for(lambda: len(self.acked) >= start + n, limit, f"{n} more acknowledged punches")

    def check(self, stack: Stack, log) -> dict:
        """The drill's assertions; returns what happened, for the report."""
        lines = log.read_text().splitlines()
        errors = [line for line in lines if '"status": 500' in line]
        traces = [line[-2500:] for line in lines if "gunicorn.error" in line or "Internal Server" in line]
        assert errors == [], "\n".join(errors[:3] + traces[:2])
        not_retryable = [a for a in self.attempts if not (ok(a[1]) or a[1] == 503 and a[2] or a[1] == "conn")]
        assert not_retryable == [], f"answers a phone cannot safely retry: {not_retryable[:10]}"
        assert set(self.keys) == self.acked, f"never acknowledged: {sorted(set(self.keys) - self.acked)}"
        stored = stack.stored()
        mine = {k: v for k, v in stored.items() if k.startswith(f"{self.name}-")}
        assert mine == dict.fromkeys(self.keys, 1), "each punch stored exactly once"
        failed = [a for a in self.attempts if not ok(a[1])]
        return {"punches": len(self.keys), "attempts": len(self.attempts), "retryable_failures": len(failed)}


def recovered(stack: Stack, pid: int) -> None:
    assert stack.web.proc.poll() is None and stack.web.proc.pid == pid, "the web process was not restarted"
    wait_for(lambda: stack.health() == (200, {"status": "ok", "checks": {"database": "ok", "cache": "ok",
             "broker": "ok"}}), 60, "/health/ ok again")  # fmt: skip


def test_redis_stopped_and_started_while_clock_ins_flow(stack):
    pid = stack.web.proc.pid
    with Flow(stack, "redis") as flow:
        flow.wait_acked(8)
        stack.redis.stop()
        flow.wait_acked(8)  # clock-ins go on without Redis
        status, body = stack.health()
        assert status == 200 and body["status"] == "degraded" and "cache" in body["degraded"], body
        stack.redis.start()
        flow.wait_acked(8)
    report = flow.check(stack, log=stack.web.log)
    assert report["retryable_failures"] == 0, "without Redis nothing fails at all"
    recovered(stack, pid)
    table = f'"{stack.agency["schema"]}".outbox_outboxmessage'
    # The notifications of the outside punches: all published once the broker is back.
    assert stack.pg.query(f"SELECT count(*) FROM {table}")[0][0] > 0
    with Flow(stack, "redis-after") as after:  # the first publication after the outage drains the rest
        after.wait_acked(4)
    wait_for(
        lambda: stack.pg.query(f"SELECT count(*) FROM {table} WHERE published_at IS NULL")[0][0] == 0,
        60,
        "outbox drained",
    )
    print("redis drill:", report)


@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_postgresql_restarted_while_clock_ins_flow(stack, mode):
    pid = stack.web.proc.pid
    with Flow(stack, f"pg-{mode}") as flow:
        flow.wait_acked(8)
        stack.pg.ctl("restart", "-m", mode)
        flow.wait_acked(8, limit=90)  # and the same process serves clock-ins again
    report = flow.check(stack, log=stack.web.log)
    recovered(stack, pid)
    print(f"postgresql {mode} drill:", report)
