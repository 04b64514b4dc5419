"""Measurement 4 of bench/run.py: clock-ins through the real HTTP API under load, against a ceiling.

    make bench ARGS="--only clockin"

1. Set-up (bench/clockin_django.py setup): one agency, 10,000 officers through the product's bulk
   import, one known password hashed once and copied, one office site, the ceiling's table.
2. In-process look at one request (bench/clockin_django.py profile): the SQL of a clock-in and of
   the ceiling (CaptureQueriesContext), mean wall and SQL time per request, and a cProfile.
3. Rounds (default 2) of two runs each, in ABBA order (ceiling, ours, ours, ceiling): every run
   gives every officer a fresh session, starts gunicorn with the production configuration
   (deploy/gunicorn.conf.py) on 127.0.0.1:<free port> and production settings (DEBUG off,
   SECRET_KEY set, SPOTME_HTTPS=0 so cookies travel over plain HTTP, the DB pool on), and drives it
   with bench/loadgen.py (its own process: --concurrency connections, a warm-up, then a measured
   window). Same gunicorn command, same workers and threads, same settings and middleware for both;
   only DJANGO_SETTINGS_MODULE differs (bench.ceiling_settings = the product's settings + one URL).
      ours     POST /api/v1/attendance/clock/ {direction, latitude, longitude, accuracy} with the
               officer's session cookie, CSRF token and a unique Idempotency-Key: 201 expected
      ceiling  POST /bench/insert/ (bench/ceiling_urls.py): the same request to a bare Django view
               that checks the user is signed in and does one INSERT: 201 expected
4. Check (bench/clockin_django.py check): every 201 of ours is exactly one clock event; every 201 of
   the ceiling one row.

CPU time of the gunicorn process tree, of the PostgreSQL backends serving the bench database, of the
load generator and of everything else is read from /proc over each measured window, so the report
shows where the cores went; the ratio of CPU time per request does not depend on other load.
"""

from __future__ import annotations

import http.client
import json
import math
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
CLOCK_PATH = "/api/v1/attendance/clock/"
CEILING_PATH = "/bench/insert/"
BARE_PATH = "/bench/bare/"
TARGET_RATIO = 0.5
# Issue 21, by CPU per request against the bare view: the middleware ceiling >= 0.5x, ours >= 0.3x.
TARGETS_VS_BARE = {"ceiling": 0.5, "ours": 0.3}
ENDPOINTS = {
    # name: (DJANGO_SETTINGS_MODULE, path, label)
    "ours": ("spotme.settings", CLOCK_PATH, "ours: POST /api/v1/attendance/clock/"),
    "ceiling": ("bench.ceiling_settings", CEILING_PATH, "ceiling: one INSERT behind our middleware"),
    "bare": ("bench.bare_settings", BARE_PATH, "bare: Django view, no middleware, one INSERT"),
}


_log = print  # bench/run.py passes its own (with its clock) to measure()


def log(msg: str) -> None:
    _log(msg)


# --- environment ------------------------------------------------------------------------------


def server_env(env: dict) -> dict:
    """Production-like settings for gunicorn and every Django step of this measurement (sessions are
    signed with SECRET_KEY, so all of them share it)."""
    out = dict(env)
    for name in ("SPOTME_TESTING", "DEBUG", "REDIS_URL", "DJANGO_SETTINGS_MODULE"):
        out.pop(name, None)
    out.update(
        SECRET_KEY=secrets.token_urlsafe(48),
        SPOTME_HTTPS="0",  # plain HTTP on loopback: cookies must not be Secure
        SPOTME_APEX_DOMAIN="localhost",
        SPOTME_DB_POOL="1",
        SPOTME_STATIC_ROOT=str(ROOT / ".devdata" / "static"),  # an existing folder (WhiteNoise warns)
        SPOTME_METRICS_PORT="0",  # no second listener (the pods' /metrics port): loopback only
        # Tasks (e.g. the e-mail of a notification) are published after commit, as a deploy publishes
        # them to Redis, not run inside the request: without REDIS_URL the broker is kombu's
        # in-memory transport (nothing consumes it during the run, as bench/import_officers.py).
        SPOTME_CELERY_EAGER="0",
        LOG_LEVEL="INFO",
        PYTHONUNBUFFERED="1",
    )
    return out


def django_step(env: dict, action: str, *args: str) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        cmd = [PY, "bench/clockin_django.py", action, *args, "--out", out.name]
        proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
        if proc.returncode != 0:
            sys.stderr.write(proc.stdout[-5000:] + proc.stderr[-5000:])
            raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}")
        return json.loads(Path(out.name).read_text())


def postmaster_pid(url: str) -> int | None:
    """The PostgreSQL server's main process, when it runs on this machine (its children are the
    backends serving gunicorn)."""
    try:
        with psycopg.connect(url) as conn:
            backend = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
        status = Path(f"/proc/{backend}/status").read_text()
    except (OSError, psycopg.Error):
        return None
    for line in status.splitlines():
        if line.startswith("PPid:"):
            return int(line.split()[1])
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- gunicorn ---------------------------------------------------------------------------------


PRODUCTION_CONFIG = ROOT / "deploy" / "gunicorn.conf.py"


def gunicorn_command(port: int, workers: int, threads: int) -> list[str]:
    """The production gunicorn configuration (deploy/gunicorn.conf.py: gthread, JSON access log,
    keep-alive, timeouts), bound to loopback, with the workers and threads of this measurement and
    without worker recycling (max_requests), which would restart the ceiling's workers more often
    than ours: it serves more requests. Without that file, the same settings as flags."""
    common = [
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread" if threads > 1 else "sync",
        "--threads",
        str(threads),
        "--max-requests",
        "0",
    ]
    if PRODUCTION_CONFIG.exists():
        return [PY, "-m", "gunicorn", "--config", str(PRODUCTION_CONFIG.relative_to(ROOT)), *common]
    return [
        PY,
        "-m",
        "gunicorn",
        "spotme.wsgi:application",
        "--chdir",
        str(ROOT),
        "--pythonpath",
        "platform,.",
        *common,
        "--timeout",
        "30",
        "--keep-alive",
        "75",
        "--access-logfile",
        "-",
    ]


def start_gunicorn(env: dict, settings_module: str, port: int, args, errors, metrics_dir) -> subprocess.Popen:
    return subprocess.Popen(
        gunicorn_command(port, args.clockin_workers, args.clockin_threads),
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": settings_module, "PROMETHEUS_MULTIPROC_DIR": metrics_dir},
        stdout=errors,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_ready(proc: subprocess.Popen, port: int, host: str, limit: float = 60.0) -> None:
    """Until GET /healthz on the agency's host answers 200 (bounded)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited with {proc.returncode} before it was ready")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz", headers={"Host": f"{host}:{port}"})
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"gunicorn on port {port} not ready after {limit:.0f}s")


def stop_gunicorn(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)  # graceful: the master stops its workers
        try:
            proc.wait(timeout=20)
            return
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def server_log_problems(text: str) -> list[str]:
    """Lines of gunicorn's and Django's logs that report a failure (access lines are INFO)."""
    keep = ("Traceback", '"level": "ERROR"', '"level": "CRITICAL"', "WORKER TIMEOUT", "[ERROR]", "[CRITICAL]")
    return [line[:300] for line in text.splitlines() if any(k in line for k in keep)]


# --- one run ----------------------------------------------------------------------------------


def run_load(env: dict, args, endpoint: str, host: str, start_index: int, tag: str, watch: dict) -> dict:
    settings_module, path, _label = ENDPOINTS[endpoint]
    sessions = django_step(env, "sessions")  # fresh: the idle-timeout clock starts now
    with (
        tempfile.NamedTemporaryFile("w", suffix=".json") as cookies,
        tempfile.NamedTemporaryFile(suffix=".json") as out,
        tempfile.TemporaryFile("w+") as server_log,
        tempfile.TemporaryDirectory() as metrics_dir,  # as the image's /tmp/prometheus
    ):
        json.dump(sessions, cookies)
        cookies.flush()
        port = free_port()
        proc = start_gunicorn(env, settings_module, port, args, server_log, metrics_dir)
        try:
            wait_ready(proc, port, host)
            cmd = [
                PY,
                "bench/loadgen.py",
                f"--port={port}",
                f"--host={host}",
                f"--path={path}",
                f"--sessions={cookies.name}",
                f"--concurrency={args.clockin_concurrency}",
                f"--warmup={args.clockin_warmup}",
                f"--duration={args.clockin_duration}",
                f"--max-requests={args.clockin_max_requests}",
                f"--requests-per-connection={args.clockin_requests_per_connection}",
                f"--start-index={start_index}",
                f"--run-tag={tag}",
                f"--watch=gunicorn={proc.pid}",
                f"--out={out.name}",
            ]
            if watch.get("postgres"):  # the backends of the bench database only: others share the server
                cmd.append(f"--watch=postgres={watch['postgres']}: {watch['database']} ")
            limit = args.clockin_warmup + args.clockin_duration + 30 + 60
            done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=limit)
            if done.returncode != 0:
                sys.stderr.write(done.stdout + done.stderr)
                raise SystemExit("bench/loadgen.py failed")
            result = json.loads(Path(out.name).read_text())
        finally:
            stop_gunicorn(proc)
            server_log.seek(0)
            problems = server_log_problems(server_log.read())
    result.update(
        endpoint=endpoint, port=port, server_log_problems=len(problems), first_server_problems=problems[:5]
    )
    lat = result["latency_ms"]
    log(
        f"  {endpoint:<7} {tag}: {result['throughput_rps']:7.1f} req/s, p50 {lat['p50']:.1f} ms, "
        f"p95 {lat['p95']:.1f} ms, p99 {lat['p99']:.1f} ms, {result['ok']} ok in {result['window_s']:.1f}s, "
        f"{result['errors']} errors" + cpu_note(result)
    )
    for error in result["first_errors"][:5] + problems[:5]:
        log(f"    ! {error}")
    return result


def cpu_note(result: dict) -> str:
    cpu = result.get("cpu") or {}
    if not cpu:
        return ""
    parts = [
        f"{name[:-2]} {cpu[name]:.1f}"
        for name in ("gunicorn_s", "postgres_s", "loadgen_s", "other_s")
        if name in cpu
    ]
    workers = f" (workers {' + '.join(f'{w:.1f}' for w in cpu['workers_s'])})" if cpu.get("workers_s") else ""
    return f"; CPU s: {', '.join(parts)}{workers} of {cpu['machine_capacity_s']:.0f}"


# --- aggregation ------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[max(1, math.ceil(p / 100 * len(ordered))) - 1]


def combine(runs: list[dict]) -> dict:
    """All rounds of one endpoint together: requests over the summed windows, pooled latencies."""
    latencies = [v for r in runs for v in r.pop("latencies", [])]
    ok = sum(r["ok"] for r in runs)
    window = sum(r["window_s"] for r in runs)
    cpu_keys = sorted({k for r in runs for k in (r.get("cpu") or {}) if k != "workers_s"})
    cpu = {k: sum((r.get("cpu") or {}).get(k, 0.0) for r in runs) for k in cpu_keys}
    per_request = {
        f"{k[:-2]}_ms_per_request": cpu[k] * 1000 / ok
        for k in ("gunicorn_s", "postgres_s", "loadgen_s")
        if k in cpu and ok
    }
    return {
        "runs": runs,
        "requests": sum(r["requests"] for r in runs),
        "ok": ok,
        "window_s": window,
        "throughput_rps": ok / window if window else 0.0,
        "throughput_per_run_rps": [r["throughput_rps"] for r in runs],
        "latency_ms": {
            "p50": percentile(latencies, 50),
            "p95": percentile(latencies, 95),
            "p99": percentile(latencies, 99),
            "max": max(latencies) if latencies else float("nan"),
            "mean": sum(latencies) / len(latencies) if latencies else float("nan"),
        },
        "errors": sum(r["errors"] for r in runs),
        "first_errors": [e for r in runs for e in r["first_errors"]][:10],
        "server_log_problems": sum(r["server_log_problems"] for r in runs),
        "cpu_s": cpu,
        "cpu_per_request": per_request,
    }


def cpu_ratio(ceiling: dict, ours: dict) -> float | None:
    """The ceiling's CPU time per request (app + PostgreSQL) over ours: the throughput ratio the two
    would have on the same dedicated cores, whatever else ran on the machine meanwhile."""

    def total(r: dict) -> float:
        cpu = r["cpu_per_request"]
        return cpu.get("gunicorn_ms_per_request", 0.0) + cpu.get("postgres_ms_per_request", 0.0)

    return total(ceiling) / total(ours) if total(ours) and total(ceiling) else None


def created(runs: list[dict]) -> int:
    """Every 201 received, warm-up and stragglers included: the rows the server wrote."""
    return sum(r["statuses_all"].get("201", 0) for r in runs)


# --- the measurement --------------------------------------------------------------------------


def measure(env: dict, args, url: str, logger=print) -> dict:
    global _log
    _log = logger
    log(
        f"measurement 4: clock-ins through the HTTP API, {args.clockin_officers} officers, gunicorn "
        f"{args.clockin_workers} workers x {args.clockin_threads} threads, {args.clockin_concurrency} "
        f"concurrent, {args.clockin_rounds} rounds x "
        f"({args.clockin_warmup:g}s warm-up + {args.clockin_duration:g}s)"
    )
    env = server_env(env)
    setup = django_step(env, "setup", f"--officers={args.clockin_officers}")
    host = setup["host"]
    log(
        f"  set-up: agency {host} in {setup['provision_s']:.1f}s, {setup['officers']} officers imported in "
        f"{setup['import_s']:.1f}s, one {setup['hasher']} hash in {setup['hash_once_s']:.2f}s copied to all"
    )
    watch = {"postgres": postmaster_pid(url), "database": urlparse(url).path.lstrip("/")}

    with tempfile.NamedTemporaryFile("w", suffix=".json") as cookies:
        json.dump(django_step(env, "sessions"), cookies)
        cookies.flush()
        profile = django_step(
            env, "profile", f"--requests={args.clockin_profile_requests}", f"--sessions={cookies.name}"
        )
    for name in ("clock", "ceiling"):
        p = profile[name]
        log(
            f"  in-process, one {name} request: {p['query_count']} queries (BEGIN/COMMIT included); "
            f"mean of {p['requests']}: {p['wall_ms']:.1f} ms wall, {p['sql_ms']:.1f} ms in SQL"
        )

    runs = {"ours": [], "ceiling": [], "bare": []}
    next_index = args.clockin_profile_requests  # the profiled officers have clocked in already
    for r in range(args.clockin_rounds):
        # ABBA over three: bare, ceiling, ours, then ours, ceiling, bare.
        order = ["bare", "ceiling", "ours"] if r % 2 == 0 else ["ours", "ceiling", "bare"]
        for endpoint in order:
            start = next_index if endpoint == "ours" else 0
            result = run_load(env, args, endpoint, host, start, f"r{r + 1}{endpoint}", watch)
            if endpoint == "ours":
                next_index = result["next_index"]
            runs[endpoint].append(result)

    check = django_step(env, "check")
    expected_events = args.clockin_profile_requests + created(runs["ours"])
    # The profile's ceiling requests: 10 + 1 + 100 timed, and the profiled ones.
    expected_rows = profile.get("ceiling_rows_written", 111) + created(runs["ceiling"])
    integrity = {
        "clock_events": check["clock_events"],
        "expected_clock_events": expected_events,
        "ceiling_rows": check["ceiling_rows"],
        "expected_ceiling_rows": expected_rows,
        "bare_rows": check.get("bare_rows"),
        "expected_bare_rows": created(runs["bare"]),
        "ok": check["clock_events"] == expected_events
        and check["ceiling_rows"] == expected_rows
        and check.get("bare_rows") == created(runs["bare"]),
    }
    if not integrity["ok"]:
        log(f"  !! rows written do not match the 201 responses: {integrity}")
    ours, ceiling, bare = combine(runs["ours"]), combine(runs["ceiling"]), combine(runs["bare"])
    ratio = ours["throughput_rps"] / ceiling["throughput_rps"] if ceiling["throughput_rps"] else 0.0
    versus_bare = {
        name: {
            "throughput": r["throughput_rps"] / bare["throughput_rps"] if bare["throughput_rps"] else None,
            "cpu": cpu_ratio(bare, r),
            "target": TARGETS_VS_BARE[name],
        }
        for name, r in (("ceiling", ceiling), ("ours", ours))
    }
    for name, v in versus_bare.items():
        log(
            f"  {name} / bare: {v['throughput'] or 0:.2f}x by throughput, {v['cpu'] or 0:.2f}x by CPU per "
            f"request (target >= {v['target']}x)"
        )
    log(
        f"  ours {ours['throughput_rps']:.1f} req/s, ceiling {ceiling['throughput_rps']:.1f} req/s: "
        f"{ratio:.0%} of the ceiling (target >= {TARGET_RATIO:.0%}); "
        f"errors {ours['errors']} / {ceiling['errors']}"
        + (f"; by CPU per request: {cpu_ratio(ceiling, ours):.0%}" if cpu_ratio(ceiling, ours) else "")
    )
    return {
        "officers": args.clockin_officers,
        "host": host,
        "setup": setup,
        "gunicorn": {
            "command": " ".join(gunicorn_command(0, args.clockin_workers, args.clockin_threads)[1:]).replace(
                "127.0.0.1:0", "127.0.0.1:<free port>"
            ),
            "production_config": PRODUCTION_CONFIG.exists(),
            "workers": args.clockin_workers,
            "threads": args.clockin_threads,
            "worker_class": "gthread" if args.clockin_threads > 1 else "sync",
        },
        "load": {
            "concurrency": args.clockin_concurrency,
            "warmup_s": args.clockin_warmup,
            "duration_s": args.clockin_duration,
            "rounds": args.clockin_rounds,
            "requests_per_connection": args.clockin_requests_per_connection,
        },
        "ours": ours,
        "ceiling": ceiling,
        "bare": bare,
        "versus_bare": versus_bare,
        "ratio": ratio,
        "cpu_ratio": cpu_ratio(ceiling, ours),
        "target_ratio": TARGET_RATIO,
        "profile": profile,
        "check": check,
        "integrity": integrity,
    }


def table_rows(c: dict) -> list[tuple[str, str, str]]:
    g, load = c["gunicorn"], c["load"]
    head = (
        f"clock-in load, {c['officers']} officers, "
        f"gunicorn {g['workers']}x{g['threads']} {g['worker_class']}, "
        f"{load['concurrency']} concurrent, {load['rounds']}x{load['duration_s']:g}s"
    )

    def row(name: str) -> tuple[str, str, str]:
        r = c[name]
        lat = r["latency_ms"]
        cpu = r["cpu_per_request"]
        note = f"p50/p95/p99 {lat['p50']:.0f}/{lat['p95']:.0f}/{lat['p99']:.0f} ms, {r['errors']} errors"
        if cpu:
            note += (
                f", CPU/request: app {cpu.get('gunicorn_ms_per_request', 0):.1f} ms, "
                f"PostgreSQL {cpu.get('postgres_ms_per_request', 0):.1f} ms"
            )
        return (f"  {ENDPOINTS[name][2]}", f"{r['throughput_rps']:.1f} req/s", note)

    p = c["profile"]
    rows_vs_bare = [
        (
            f"  {name} / bare",
            f"{v['throughput'] or 0:.2f}x",
            f"by CPU per request (app + PostgreSQL): {v['cpu'] or 0:.2f}x; target >= {v['target']}x",
        )
        for name, v in (c.get("versus_bare") or {}).items()
    ]
    return [
        (head, "", f"target >= {c['target_ratio']:.0%} of the ceiling"),
        row("ours"),
        row("ceiling"),
        *([row("bare")] if "bare" in c else []),
        *rows_vs_bare,
        (
            "  ours / ceiling",
            f"{c['ratio']:.0%}",
            "rows written = 201s: "
            + ("yes" if c["integrity"]["ok"] else "NO")
            + (f"; ceiling's CPU per request / ours: {c['cpu_ratio']:.0%}" if c.get("cpu_ratio") else ""),
        ),
        (
            "  SQL statements per request (in-process)",
            f"{p['clock']['query_count']} / {p['ceiling']['query_count']}",
            f"ours / ceiling (ours from outside the office: {p['clock_outside']['query_count']}); "
            f"mean wall {p['clock']['wall_ms']:.1f} / {p['ceiling']['wall_ms']:.1f} ms, "
            f"in SQL {p['clock']['sql_ms']:.1f} / {p['ceiling']['sql_ms']:.1f} ms",
        ),
    ]
