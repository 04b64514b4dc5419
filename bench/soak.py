"""Soak: clock-ins for minutes through gunicorn while Redis stops, PostgreSQL restarts and the Celery
worker is killed — every acknowledged punch stored exactly once, none lost.

    make soak                                   # 5 minutes, 2,000 officers (defaults below)
    make soak ARGS="--duration 120 --officers 500"

Everything runs on a private stack (tests/faults/stack.py): a new PostgreSQL cluster with production
durability (fsync, synchronous_commit and full_page_writes on), a new redis-server, the project's
migrations, the agency `benchclock` with N officers and one session each (bench/clockin_django.py
setup + sessions), gunicorn with the production configuration (2 workers x 4 threads, production
settings, Redis as cache and broker), one real Celery worker, and Celery beat (its outbox relay
publishes what a broker outage left pending). Nothing of the development database or Redis is
touched.

The clients (bench/loadgen.py's requests: officer k mod N, direction by pass, a unique
Idempotency-Key per punch) behave like the page's clock button: a punch that got no answer, a 5xx
or a 503 is sent again with the same key after Retry-After (or 1 s), until it is acknowledged (2xx)
or definitively refused (another 4xx). Fault schedule (from the start of the load):
    t = 60 s   Redis stopped (cache and broker), started again 30 s later
    t = 150 s  PostgreSQL restarted (`pg_ctl restart -m fast`)
    t = 210 s  the Celery worker killed (SIGKILL), a new one started 5 s later
After the load: the outbox drained, then the check: punches sent, acknowledged, stored, duplicates
(keys stored more than once), lost (acknowledged but not stored); p50/p99 latency of requests that
started outside and during a fault window; time to recover (the end of a fault to the first
acknowledged punch sent after it). Figures to bench/results/latest-soak.json and BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]

import clockin  # noqa: E402  (bench/clockin.py: django_step, server_env)
import loadgen  # noqa: E402  (bench/loadgen.py: Plan, read_response, percentile)

from tests.faults import stack  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "latest-soak.json"


def log(message: str) -> None:
    print(f"[soak {time.strftime('%H:%M:%S')}] {message}", flush=True)


class Worker:
    """One real Celery worker (solo pool) on the stack's Redis; killed and replaced at will."""

    def __init__(self, env: dict, logfile: Path):
        self.env, self.logfile, self.proc = env, logfile, None

    def start(self) -> None:
        out = open(self.logfile, "a")  # noqa: SIM115 - the worker writes to it while it runs
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "spotme", "worker", "-c", "1", "--pool", "solo",
             "-l", "warning", "--without-heartbeat", "--without-gossip"],
            cwd=ROOT, env={**self.env, "PYTHONPATH": f"{ROOT}:{ROOT / 'platform'}"},
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()


class Soak:
    def __init__(self, args, plan: loadgen.Plan):
        self.args, self.plan = args, plan
        self.next_k = 0
        self.sent = 0  # HTTP requests, retries included
        self.acked: dict[int, float] = {}  # punch -> time acknowledged
        self.refused: dict[int, int] = {}  # punch -> 4xx status
        self.unanswered: set[int] = set()  # punches still without an answer at the end
        self.latencies: list[tuple[float, float]] = []  # (start, seconds) of every answered request
        self.answers: dict[str, int] = {}
        self.faults: list[dict] = []
        self.t0 = 0.0

    async def send(self, k: int) -> tuple[int | str, float]:
        """One attempt: (status or error name, Retry-After seconds)."""
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", self.args.port)
        except OSError as exc:
            return type(exc).__name__, 1.0
        try:
            writer.write(self.plan.request(k))
            status, _body, _closes = await asyncio.wait_for(loadgen.read_response(reader), self.args.timeout)
            return status, 1.0
        except (TimeoutError, OSError, asyncio.IncompleteReadError) as exc:
            return type(exc).__name__, 1.0
        finally:
            writer.close()

    async def client(self, stop_at: float, give_up_at: float) -> None:
        while time.monotonic() < stop_at:
            k = self.next_k
            self.next_k += 1
            self.unanswered.add(k)
            while time.monotonic() < give_up_at:
                started = time.monotonic()
                self.sent += 1
                status, retry_after = await self.send(k)
                took = time.monotonic() - started
                self.answers[str(status)] = self.answers.get(str(status), 0) + 1
                if isinstance(status, int):
                    self.latencies.append((started - self.t0, took))
                if isinstance(status, int) and 200 <= status < 300:
                    self.acked[k] = time.monotonic() - self.t0
                    self.unanswered.discard(k)
                    break
                if isinstance(status, int) and 400 <= status < 500 and status not in (408, 429):
                    self.refused[k] = status
                    self.unanswered.discard(k)
                    break
                await asyncio.sleep(retry_after)  # no answer, 5xx, 503 Retry-After: same key again

    async def run(self) -> None:
        self.t0 = time.monotonic()
        stop_at = self.t0 + self.args.duration
        give_up_at = stop_at + self.args.grace
        await asyncio.gather(*(self.client(stop_at, give_up_at) for _ in range(self.args.concurrency)))


def fault_schedule(soak: Soak, st, worker: Worker, args) -> list[tuple[float, str, object]]:
    def redis_down():
        st.redis.stop()

    def redis_up():
        st.redis.start()

    def pg_restart():
        st.pg.ctl("restart", "-m", "fast")

    def worker_kill():
        worker.kill()

    def worker_start():
        worker.start()

    return [
        (args.redis_at, "redis stopped", redis_down),
        (args.redis_at + args.redis_for, "redis started", redis_up),
        (args.pg_at, "postgresql restarted (-m fast)", pg_restart),
        (args.worker_at, "worker killed (SIGKILL)", worker_kill),
        (args.worker_at + 5, "worker started", worker_start),
    ]


async def inject(soak: Soak, schedule) -> None:
    for at, what, action in schedule:
        delay = soak.t0 + at - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        began = time.monotonic() - soak.t0
        await asyncio.to_thread(action)
        ended = time.monotonic() - soak.t0
        soak.faults.append({"what": what, "began_s": round(began, 2), "ended_s": round(ended, 2)})
        log(f"t={began:6.1f}s {what} (took {ended - began:.1f}s)")


def windows(soak: Soak, args) -> list[tuple[str, float, float]]:
    """Each fault's window: from its start to its end (Redis) or to the action's end (+5 s)."""
    ends = {f["what"]: f for f in soak.faults}
    redis = (ends["redis stopped"]["began_s"], ends["redis started"]["ended_s"])
    pg = (
        ends["postgresql restarted (-m fast)"]["began_s"],
        ends["postgresql restarted (-m fast)"]["ended_s"],
    )
    work = (ends["worker killed (SIGKILL)"]["began_s"], ends["worker started"]["ended_s"])
    return [("redis", *redis), ("postgresql", *pg), ("worker", *work)]


def summarise(soak: Soak, stored: dict[str, int], args, fault_windows) -> dict:
    tag = args.run_tag
    stored_keys = {int(key.rsplit("-", 1)[1]): n for key, n in stored.items() if key.startswith(f"{tag}-")}
    acked = set(soak.acked)
    lost = sorted(acked - set(stored_keys))
    duplicates = sorted(k for k, n in stored_keys.items() if n > 1)

    def during(start: float) -> bool:
        return any(begin <= start <= end + 5 for _name, begin, end in fault_windows)

    inside = sorted(t for s, t in soak.latencies if during(s))
    outside = sorted(t for s, t in soak.latencies if not during(s))
    recovery = {}
    for name, _begin, end in fault_windows:
        after = [t for k, t in soak.acked.items() if t >= end]
        recovery[name] = round(min(after) - end, 2) if after else None

    def ms(values, p):
        return round(loadgen.percentile(values, p) * 1000, 1) if values else None

    return {
        "punches": soak.next_k,
        "requests_sent": soak.sent,
        "acknowledged": len(acked),
        "refused_4xx": len(soak.refused),
        "unanswered_at_end": len(soak.unanswered),
        "stored": len(stored_keys),
        "stored_not_acknowledged": len(set(stored_keys) - acked),
        "duplicates": len(duplicates),
        "lost": len(lost),
        "lost_examples": lost[:10],
        "answers": soak.answers,
        "latency_ms": {
            "outside_faults": {"n": len(outside), "p50": ms(outside, 50), "p99": ms(outside, 99)},
            "during_faults": {"n": len(inside), "p50": ms(inside, 50), "p99": ms(inside, 99)},
        },
        "recovery_s": recovery,
        "faults": soak.faults,
    }


def parse_args():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--officers", type=int, default=2000)
    parser.add_argument("--duration", type=float, default=300.0, help="seconds of load (300)")
    parser.add_argument("--grace", type=float, default=90.0, help="seconds to finish retries after (90)")
    parser.add_argument("--concurrency", type=int, default=32, help="clients at once (32)")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for an answer (30)")
    parser.add_argument("--redis-at", type=float, default=60.0)
    parser.add_argument("--redis-for", type=float, default=30.0)
    parser.add_argument("--pg-at", type=float, default=150.0)
    parser.add_argument("--worker-at", type=float, default=210.0)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    return parser.parse_args()


def main() -> int:
    args = parse_args()
    args.run_tag = f"soak{int(time.time())}"
    base = Path(tempfile.mkdtemp(prefix="spotme-soak-"))
    log(f"private stack in {base}: PostgreSQL (fsync, synchronous_commit, full_page_writes on), Redis")
    pg = stack.Postgres(base, durable=True)
    redis = stack.Redis(base)
    env = clockin.server_env(dict(os.environ))
    env.update(
        DATABASE_URL=pg.url, REDIS_URL=redis.url, SPOTME_CELERY_EAGER="0", LOG_LEVEL="WARNING",
        PROMETHEUS_MULTIPROC_DIR=str(base / "metrics"),
    )  # fmt: skip
    (base / "metrics").mkdir()
    st = argparse.Namespace(pg=pg, redis=redis)
    worker = Worker(env, base / "worker.log")
    web = beat = None
    try:
        log("migrating, then the agency with its officers and sessions (bench/clockin_django.py)")
        subprocess.run([sys.executable, "manage.py", "migrate_agencies", "--verbosity=0"], cwd=ROOT, env=env,
                       check=True)  # fmt: skip
        setup = clockin.django_step(env, "setup", f"--officers={args.officers}")
        sessions = clockin.django_step(env, "sessions")
        web = stack.Gunicorn(env, base / "gunicorn.log", workers=args.workers)
        web.wait_ready()
        worker.start()
        # Beat, as in production: its outbox relay publishes what the broker outage left pending.
        beat = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "spotme", "beat", "-l", "warning",
             "--schedule", str(base / "beat-schedule")],
            cwd=ROOT, env={**env, "PYTHONPATH": f"{ROOT}:{ROOT / 'platform'}"},
            stdout=open(base / "beat.log", "w"), stderr=subprocess.STDOUT,  # noqa: SIM115
        )  # fmt: skip
        args.port, args.host, args.path = web.port, setup["host"], clockin.CLOCK_PATH
        plan = loadgen.Plan(args, sessions)
        soak = Soak(args, plan)
        log(f"load: {args.concurrency} clients, {args.duration:g}s, {args.officers} officers on {args.host}")

        async def go():
            runner = asyncio.create_task(soak.run())
            await asyncio.sleep(0)
            await inject(soak, fault_schedule(soak, st, worker, args))
            await runner

        asyncio.run(go())
        log("load done; waiting for the outbox to drain")
        schema = pg.query("SELECT schema_name FROM tenants_agency WHERE subdomain = 'benchclock'")[0][0]
        drained = wait_outbox(pg, schema, limit=120)
        stored = dict(
            pg.query(
                f'SELECT idempotency_key, count(*) FROM "{schema}".attendance_clockevent '
                "WHERE idempotency_key LIKE %s GROUP BY 1",
                (f"{args.run_tag}-%",),
            )
        )
        result = summarise(soak, stored, args, windows(soak, args))
        result["outbox_drained"] = drained
        result.update(
            date=datetime.now(UTC).isoformat(timespec="seconds"),
            command="make soak " + " ".join(sys.argv[1:]),
            officers=args.officers, duration_s=args.duration, concurrency=args.concurrency,
            gunicorn=f"{args.workers} workers x 4 threads", database="PostgreSQL, fsync/synchronous_commit/"
            "full_page_writes on (private cluster)", load_average_after=list(os.getloadavg()),
        )  # fmt: skip
    finally:
        if beat is not None:
            beat.terminate()
            beat.wait(timeout=30)
        worker.stop()
        if web is not None:
            web.stop()
        redis.stop()
        pg.stop()
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2))
    print(json.dumps({k: v for k, v in result.items() if k != "faults"}, indent=2))
    ok = result["lost"] == 0 and result["duplicates"] == 0
    log(("OK" if ok else "FAILED") + f": {result['lost']} lost, {result['duplicates']} duplicates")
    return 0 if ok else 1


def wait_outbox(pg, schema: str, limit: float) -> bool | None:
    """True when the schema's outbox has nothing left to publish (None: no outbox table)."""
    table = pg.query(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = %s AND table_name LIKE %s",
        (schema, "%outbox%"),
    )
    if not table:
        return None
    name = table[0][0]
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        columns = {r[0] for r in pg.query(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = %s AND table_name = %s",
            (schema, name))}  # fmt: skip
        where = "WHERE published_at IS NULL" if "published_at" in columns else ""
        if pg.query(f'SELECT count(*) FROM "{schema}"."{name}" {where}')[0][0] == 0:
            return True
        time.sleep(2)
    return False


if __name__ == "__main__":
    sys.exit(main())
