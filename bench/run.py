"""Benchmarks behind `make bench`: SPOT-Me's migrate and provisioning paths at N agencies (default 200),
each against the plain django-tenants path, measured in the same run on the same database server.

1. Migrate with nothing pending, N agencies
   ours      `manage.py migrate_agencies` (wall time incl. Django start-up, and the command's own
             "done in" figure)                                                       target: < 30 s
   baseline  `manage.py migrate_schemas --tenant --executor=standard` and `--executor=multiprocessing`
             (Django's migrate run in every agency schema)
   in ABBA order, the same number of runs of each (--runs // 2 per block): ours, standard,
   multiprocessing, multiprocessing, standard, ours
2. Provision one agency at N existing agencies
   ours      `provision_agency()` in-process, 5 times (the service's own duration and wall time), and the
             CLI `manage.py provision_agency ...` once (incl. Django start-up)          target: < 2 s
   baseline  stock django-tenants tenant creation, 3 times: an Agency saved with auto_create_schema and
             TENANT_CREATION_FAKES_MIGRATIONS off (CREATE SCHEMA + every migration in it), then the same
             domain, agency settings and org admin as ours
   schema    the schema step alone, like for like: our clone_template() (3 times, rolled back) against
             the stock CREATE SCHEMA + migrate timed inside the baseline above
   Each measured agency is removed again right after, so every one is created at exactly N agencies.
3. Import 5,000 officers from a CSV file (bench/import_officers.py)
   ours      tenant_apps.people.importing.import_officers() in-process, 3 times, each in a fresh agency:
             dry run (check only; also the same officers as XLSX) and real run (check + write in one
             transaction + queue the activation emails); then the workers' share, sending the 5,000
             activation emails; then the same file through the real page (POST /people/import/,
             Django's test client)                                                      target: < 30 s
4. Clock-ins through the HTTP API under load (bench/clockin.py)
   ours      POST /api/v1/attendance/clock/ on gunicorn (127.0.0.1, production settings), one agency
             with 10,000 officers, each request a different officer's clock-in from their own
             session, N concurrent connections from bench/loadgen.py: throughput, p50/p95/p99
   ceiling   the same requests to a bare Django view doing one INSERT, same gunicorn, settings and
             middleware, measured in the same run (ABBA order)     target: ours >= 50% of the ceiling
5. Reports at 10,000 officers (bench/reports.py, seeding in bench/seed_month.py)
   ours      one agency, 10,000 officers x 1 month of daily records (COPY), as an executive through
             Django's test client: the agency's monthly report as streamed CSV (time to the last byte)
             target: < 3 s; as XLSX (openpyxl write-only)                      target: < 15 s
6. Dashboards at 10,000 officers (bench/dashboards.py, seeding in bench/seed_month.py)
   ours      the same kind of agency plus a clock-in event per attended day: the supervisor dashboard
             of a supervisor with 50 supervisees, the executive dashboard (whole agency, one month;
             by week for one division) and the org admin's monitoring, server time through Django's
             test client, with the SQL statements of each (constant in the number of officers)
7. Device data in (bench/device_ingest.py): 100,000 biometric punches (ZKTeco ATTLOG) of 10,000
   officers over 5 days imported through tenant_apps.devices.services.import_file — parse, map,
   insert, override, recompute every affected day and its issues — target: >= 5,000 punches/s
   (100,000 in < 20 s); then the same file again (all duplicates, nothing written)

Everything runs against its own database (default `spotme_bench`, dropped and recreated at the start,
dropped at the end unless --keep) on the server of DATABASE_URL; the development database is never
touched. Every Django step is a subprocess (`manage.py ...` or bench/worker.py) with DATABASE_URL
pointing at the bench database and SPOTME_TESTING=1. Figures are printed as a table and written to
bench/results/latest.json.

    make bench                      # = python bench/run.py, with DATABASE_URL and SPOTME_TESTING=1 set
    make bench ARGS="--agencies 50 --keep"
    make bench ARGS="--only import"   # one measurement (no 200 agencies): bench/results/latest-import.json
    make bench ARGS="--only clockin"  # the load benchmark alone: bench/results/latest-clockin.json
    make bench ARGS="--only reports"  # reports at 10,000 officers: bench/results/latest-reports.json
    make bench ARGS="--only dashboards"  # dashboards at 10,000 officers: latest-dashboards.json
    make bench ARGS="--only devices"  # 100,000 device punches: bench/results/latest-devices.json
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlparse

import clockin  # bench/clockin.py (bench/ is on sys.path: this file runs as a script from it)
import dashboards as dashboards_bench  # bench/dashboards.py
import psycopg
import reports as reports_bench  # bench/reports.py
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
RESULTS = ROOT / "bench" / "results" / "latest.json"
TARGET_MIGRATE_S = 30.0
TARGET_PROVISION_S = 2.0
TARGET_IMPORT_S = 30.0
TARGET_DEVICES_S = 60.0
TARGET_DEVICES_RATE = 5000  # punches/s, ingest + recompute (issue 21)
STARTED = time.perf_counter()


# --- output -----------------------------------------------------------------------------------


def log(msg: str) -> None:
    print(f"[bench {time.perf_counter() - STARTED:6.1f}s] {msg}", flush=True)


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


# --- the bench database -----------------------------------------------------------------------


def with_database(url: str, name: str) -> str:
    return urlparse(url)._replace(path="/" + name).geturl()


def database_name(url: str) -> str:
    return unquote(urlparse(url).path.lstrip("/"))


def admin_connection(url: str) -> psycopg.Connection:
    """A connection to the server's maintenance database, to create and drop the bench database."""
    return psycopg.connect(with_database(url, "postgres"), autocommit=True)


def drop_database(url: str, name: str) -> None:
    with admin_connection(url) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def recreate_database(url: str, name: str) -> None:
    drop_database(url, name)
    with admin_connection(url) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def server_version(url: str) -> str:
    with admin_connection(url) as conn:
        return conn.execute("SHOW server_version").fetchone()[0]


# --- running Django steps ---------------------------------------------------------------------


def durability(url: str) -> dict:
    """The server's durability settings, stated beside every figure (production: all on)."""
    with psycopg.connect(url, autocommit=True) as conn:
        return {
            name: conn.execute(f"SHOW {name}").fetchone()[0]
            for name in ("fsync", "synchronous_commit", "full_page_writes")
        }


def bench_env(url: str) -> dict:
    env = dict(os.environ, DATABASE_URL=url, SPOTME_TESTING="1", PYTHONUNBUFFERED="1")
    env.pop("DEBUG", None)  # DEBUG keeps every query in memory: not what a deploy runs with
    env.pop("REDIS_URL", None)
    return env


def run_timed(cmd: list[str], env: dict) -> tuple[float, str]:
    """Run a command from the repo root; wall seconds and its combined output. Fails loudly."""
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}")
    return seconds, proc.stdout + proc.stderr


def manage(*args: str) -> list[str]:
    return [PY, "manage.py", *args]


def worker(env: dict, *args: str) -> dict:
    """Run a bench/worker.py action and return the JSON it writes."""
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        run_timed([PY, "bench/worker.py", *args, "--out", out.name], env)
        return json.loads(Path(out.name).read_text())


# --- set-up -----------------------------------------------------------------------------------


def initial_migrate(env: dict) -> float:
    log("set-up: migrate_agencies on the empty database (public, template, clone function)")
    seconds, _ = run_timed(manage("migrate_agencies", "--verbosity=0"), env)
    log(f"  done in {seconds:.1f}s")
    return seconds


def split(total: int, parts: int, first: int = 1) -> list[tuple[int, int]]:
    """[(start, count)] covering first..first+total-1 in `parts` contiguous slices."""
    size, extra = divmod(total, parts)
    slices, start = [], first
    for i in range(parts):
        count = size + (1 if i < extra else 0)
        if count:
            slices.append((start, count))
        start += count
    return slices


def populate(env: dict, agencies: int, jobs: int, already: int = 0) -> float:
    """Create agencies already+1 .. agencies (set-up; a fast password hasher)."""
    log(f"set-up: creating agencies {already + 1}..{agencies} with provision_agency() in {jobs} processes")
    started = time.perf_counter()
    procs = [
        subprocess.Popen(
            [PY, "bench/worker.py", "populate", f"--start={start}", f"--count={count}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for start, count in split(agencies - already, jobs, already + 1)
    ]
    for proc in procs:
        _, err = proc.communicate()
        if proc.returncode != 0:
            sys.stderr.write(err)
            raise SystemExit("populate failed")
    seconds = time.perf_counter() - started
    counts = worker(env, "count")
    if counts["agencies"] != agencies or counts["with_domain"] != agencies:
        raise SystemExit(f"expected {agencies} agencies with domains, found {counts}")
    log(f"  {counts['agencies']} agencies ({counts['active']} active) in {seconds:.1f}s")
    return seconds


# --- measurement 1: migrate with nothing pending ----------------------------------------------


def migrate_ours(env: dict, runs: int, agencies: int) -> list[dict]:
    done = []
    for _ in range(runs):
        seconds, out = run_timed(manage("migrate_agencies"), env)
        found = re.search(r"agencies: (\d+), with pending migrations: (\d+)", out)
        if not found or int(found[1]) != agencies or int(found[2]) != 0:
            raise SystemExit(f"migrate_agencies did not see {agencies} up-to-date agencies:\n{out}")
        inner = float(re.search(r"done in ([\d.]+)s", out)[1])
        log(f"  migrate_agencies: {seconds:.2f}s wall ({inner:.2f}s in the command)")
        done.append({"seconds": seconds, "command_reported_s": inner})
    return done


def count_lines(text: str, needle: str) -> int:
    return sum(1 for line in text.splitlines() if needle in line)


def _wait_or_kill(proc: subprocess.Popen, limit: float) -> bool:
    """True when the process finished within `limit` seconds; otherwise its group is killed."""
    try:
        proc.wait(timeout=limit)
        return True
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        return False


def migrate_stock(env: dict, executor: str, agencies: int, limit: float) -> dict:
    """migrate_schemas --tenant: Django's migrate in every agency schema. Past `limit` seconds the run is
    stopped and the full time extrapolated from the schemas it had finished."""
    cmd = manage("migrate_schemas", "--tenant", f"--executor={executor}")
    with tempfile.TemporaryFile("w+") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(
            cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, text=True, start_new_session=True
        )
        finished = _wait_or_kill(proc, limit)
        seconds = time.perf_counter() - started
        out.seek(0)
        text = out.read()
    started_schemas = count_lines(text, "=== Starting migration")
    done = count_lines(text, "No migrations to apply")
    result = {
        "command": "python " + " ".join(cmd[1:]),
        "executor": executor,
        "schemas_started": started_schemas,
        "schemas_up_to_date": done,
        "migrations_applied": count_lines(text, "Applying "),
        "complete": finished,
    }
    if finished:
        if proc.returncode != 0 or done != agencies:
            raise SystemExit(f"{' '.join(cmd)} failed or did not visit {agencies} schemas:\n{text[-3000:]}")
        return {**result, "seconds": seconds, "extrapolated": False}
    estimate = seconds * agencies / max(done, 1)
    log(f"  stopped after {seconds:.0f}s with {done}/{agencies} schemas done: extrapolating")
    return {**result, "seconds": estimate, "measured_s": seconds, "extrapolated": True}


def measure_migrate(env: dict, args: argparse.Namespace) -> dict:
    """Ours and both stock executors in ABBA order (ours, standard, multiprocessing, multiprocessing,
    standard, ours), --runs // 2 runs per block (at least 1): the same number of runs of each, and a
    drift of the machine during the measurement hits all three alike."""
    half = max(1, args.runs // 2)
    order = ["ours", "standard", "multiprocessing", "multiprocessing", "standard", "ours"]
    log(f"measurement 1: migrate with nothing pending at {args.agencies} agencies ({' / '.join(order)})")
    runs: dict[str, list[dict]] = {kind: [] for kind in order}
    for kind in order:
        if kind == "ours":
            runs[kind] += migrate_ours(env, half, args.agencies)
            continue
        for _ in range(half):
            result = migrate_stock(env, kind, args.agencies, args.baseline_limit)
            log(
                f"  migrate_schemas --tenant --executor={kind}: {result['seconds']:.2f}s"
                + (" (extrapolated)" if result["extrapolated"] else "")
            )
            runs[kind].append(result)

    def summary(done: list[dict], **extra) -> dict:
        seconds = [r["seconds"] for r in done]
        return {**extra, "runs": done, "runs_s": seconds, "median_s": median(seconds)}

    return {
        "order": order,
        "ours": summary(runs["ours"], command="python manage.py migrate_agencies", pending=0),
        "stock_standard": summary(runs["standard"], command=runs["standard"][0]["command"]),
        "stock_multiprocessing": summary(
            runs["multiprocessing"], command=runs["multiprocessing"][0]["command"]
        ),
    }


# --- measurement 2: provision one agency ------------------------------------------------------


def summarise(runs: list[dict], key: str) -> dict:
    values = [r[key] / 1000 for r in runs]
    return {f"{key[:-3]}_s": values, f"median_{key[:-3]}_s": median(values), f"max_{key[:-3]}_s": max(values)}


def provision_ours(env: dict, subdomains: list[str]) -> dict:
    runs = worker(env, "provision", *subdomains)["runs"]
    for run in runs:
        log(
            f"  provision_agency({run['subdomain']}): {run['service_ms']} ms service, "
            f"{run['wall_ms']:.0f} ms wall, at {run['existing_agencies']} agencies"
        )
    return {"runs": runs, **summarise(runs, "service_ms"), **summarise(runs, "wall_ms")}


def provision_cli(env: dict) -> dict:
    cmd = manage(
        "provision_agency",
        "--name",
        "Bench CLI agency",
        "--subdomain",
        "benchcli",
        "--state",
        "10",
        "--admin-ic",
        "850101105001",
        "--admin-email",
        "a@b.gov.my",
    )
    seconds, out = run_timed(cmd, env)
    service_ms = int(re.search(r"Agency provisioned in (\d+) ms", out)[1])
    worker(env, "remove", "benchcli")
    log(f"  manage.py provision_agency: {seconds:.2f}s wall ({service_ms} ms in the service)")
    return {"command": "python " + " ".join(cmd[1:]), "wall_s": seconds, "service_s": service_ms / 1000}


def provision_stock(env: dict, subdomains: list[str]) -> dict:
    runs = worker(env, "stock", *subdomains)["runs"]
    for run in runs:
        log(
            f"  stock tenant creation ({run['subdomain']}): {run['wall_ms']:.0f} ms "
            f"({run['schema_ms']:.0f} ms CREATE SCHEMA + migrate), at {run['existing_agencies']} agencies"
        )
    return {"runs": runs, **summarise(runs, "wall_ms"), **summarise(runs, "schema_ms")}


def clone_only(env: dict, count: int) -> dict:
    runs = [{"clone_ms": ms} for ms in worker(env, "clone", f"--count={count}")["runs_ms"]]
    log("  clone_template() alone (rolled back): " + ", ".join(f"{r['clone_ms']:.0f}" for r in runs) + " ms")
    return {"runs": runs, **summarise(runs, "clone_ms")}


def provision_abba(env: dict, runs: int, tag: str = "") -> dict:
    """Ours and stock django-tenants in ABBA order with the same number of runs each: ours, stock,
    stock, ours (runs/2 per block), so a drift of the machine during the run hits both alike."""
    half = max(1, runs // 2)
    ours_runs, stock_runs = [], []
    for block, kind in enumerate(["ours", "stock", "stock", "ours"]):
        names = [f"bench{kind}{tag}b{block}n{i}" for i in range(half)]
        target = ours_runs if kind == "ours" else stock_runs
        target += (provision_ours if kind == "ours" else provision_stock)(env, names)["runs"]
    return {
        "order": "ABBA",
        "ours_in_process": {
            "runs": ours_runs,
            **summarise(ours_runs, "service_ms"),
            **summarise(ours_runs, "wall_ms"),
        },
        "stock": {
            "runs": stock_runs,
            **summarise(stock_runs, "wall_ms"),
            **summarise(stock_runs, "schema_ms"),
        },
    }


def measure_provision(env: dict, args: argparse.Namespace) -> dict:
    log(
        f"measurement 2: provision one agency at {args.agencies} existing agencies "
        "(ABBA: ours, stock, stock, ours)"
    )
    result = {
        **provision_abba(env, args.provision_runs),
        "ours_cli": provision_cli(env),
        "ours_clone_only": clone_only(env, args.provision_runs),
    }
    counts = worker(env, "count")
    if counts["agencies"] != args.agencies:
        raise SystemExit(f"measured agencies were not all removed: {counts}")
    return result


def measure_provision_curve(env: dict, args: argparse.Namespace) -> dict:
    """Provisioning as the platform grows: at each point of --curve, agencies are added up to it,
    then one agency is provisioned ours and stock in ABBA order (each measured one removed again)."""
    points = sorted(int(p) for p in args.curve.split(","))
    log(f"measurement 2b: provisioning at {', '.join(map(str, points))} agencies (ABBA at each)")
    curve, existing = [], 0
    for point in points:
        populate(env, point, args.jobs, already=existing)
        existing = point
        log(f"  at {point} agencies:")
        result = provision_abba(env, args.provision_runs, tag=f"c{point}")
        counts = worker(env, "count")
        if counts["agencies"] != point:
            raise SystemExit(f"measured agencies were not all removed: {counts}")
        curve.append({"agencies": point, **result})
    return {"points": curve}


# --- measurement 3: import officers ----------------------------------------------------------


def measure_import(env: dict, args: argparse.Namespace) -> dict:
    log(f"measurement 3: import {args.import_rows} officers from a CSV file")
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        cmd = [PY, "bench/import_officers.py", f"--rows={args.import_rows}", f"--runs={args.import_runs}"]
        run_timed([*cmd, "--out", out.name], env)
        result = json.loads(Path(out.name).read_text())
    for run in result["in_process"]:
        log(
            f"  import_officers(): dry run {run['dry_run_s']:.2f}s (XLSX {run['xlsx_dry_run_s']:.2f}s), "
            f"real run {run['real_run_s']:.2f}s "
            f"({run['created']} created); sending {run['activation_emails_sent']} activation emails "
            f"{run['activation_emails_s']:.2f}s"
        )
    http = result["http"]
    log(f"  POST /people/import/: dry run {http['dry_run_s']:.2f}s, real run {http['real_run_s']:.2f}s")
    for key in ("dry_run", "xlsx_dry_run", "real_run", "activation_emails"):
        values = [run[f"{key}_s"] for run in result["in_process"]]
        result[f"median_{key}_s"], result[f"max_{key}_s"] = median(values), max(values)
    return result


# --- measurement 4: clock-ins under load -----------------------------------------------------


def measure_clockin(env: dict, args: argparse.Namespace) -> dict:
    return clockin.measure(env, args, env["DATABASE_URL"], logger=log)


# --- measurement 5: reports at 10,000 officers -------------------------------------------------


def measure_reports(env: dict, args: argparse.Namespace) -> dict:
    log(f"measurement 5: the agency's monthly report, {args.reports_officers} officers x 1 month")
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        cmd = [PY, "bench/reports.py", f"--officers={args.reports_officers}", f"--runs={args.reports_runs}"]
        _, output = run_timed([*cmd, "--out", out.name], env)
        result = json.loads(Path(out.name).read_text())
    for line in output.splitlines():
        if line.startswith(("seeded", "run ")):
            log("  " + line)
    return result


# --- measurement 7: device data in -------------------------------------------------------------


def measure_devices(env: dict, args: argparse.Namespace) -> dict:
    officers, days = args.devices_officers, args.devices_days
    log(f"measurement 7: device data in, {officers} officers x {days} days x 2 punches")
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        cmd = [PY, "bench/device_ingest.py", f"--officers={officers}", f"--days={days}"]
        run_timed([*cmd, "--out", out.name], env)
        result = json.loads(Path(out.name).read_text())
    log(
        f"  import_file(): {result['punches']} punches in {result['import_s']:.1f}s "
        f"({result['punches_per_s']:.0f} punches/s, {result['days_recomputed']} days recomputed); "
        f"re-import {result['reimport_s']:.1f}s; CPU: client {result['import_client_cpu_s']:.1f}s, "
        f"server {result['import_server_cpu_s'] or float('nan'):.1f}s"
    )
    return result


def devices_rows(d: dict) -> list[tuple[str, str, str]]:
    return [
        (
            f"device data: {d['punches']:,} punches of {d['officers']:,} officers, ingest + recompute",
            f"{d['import_s']:.1f} s ({d['punches_per_s']:,.0f}/s)",
            f"target >= {TARGET_DEVICES_RATE:,} punches/s",
        ),
        ("device data: the same file again (all duplicates)", f"{d['reimport_s']:.1f} s", ""),
    ]


# --- measurement 6: dashboards at 10,000 officers ----------------------------------------------


def measure_dashboards(env: dict, args: argparse.Namespace) -> dict:
    log(f"measurement 6: dashboards, {args.dashboards_officers} officers x 1 month")
    with tempfile.NamedTemporaryFile(suffix=".json") as out:
        cmd = [
            PY,
            "bench/dashboards.py",
            f"--officers={args.dashboards_officers}",
            f"--runs={args.dashboards_runs}",
        ]
        _, output = run_timed([*cmd, "--out", out.name], env)
        result = json.loads(Path(out.name).read_text())
    for line in output.splitlines():
        if line.startswith(("seeded", "run ")):
            log("  " + line)
    return result


# --- report -----------------------------------------------------------------------------------


def cpu_model() -> str:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return platform.processor() or "unknown"
    found = re.search(r"^Model name:\s*(.+)$", out, re.MULTILINE)
    return found[1].strip() if found else "unknown"


def git_state() -> dict:
    """The commit measured, and whether tracked files outside bench/ differed from it."""

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    return {
        "commit": git("rev-parse", "HEAD") or "unknown",
        "tracked_changes": bool(git("status", "--porcelain", "--untracked-files=no", "--", ".", ":!bench")),
    }


def machine(url: str) -> dict:
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu_model(),
        "postgresql": server_version(url),
        "durability": durability(url),
        "python": platform.python_version(),
        "django": metadata.version("Django"),
        "django_tenants": metadata.version("django-tenants"),
        "load_average": list(os.getloadavg()),
    }


def pair(summary: dict, key: str) -> str:
    """'median / max s' of a summarise() result."""
    return f"{summary[f'median_{key}_s']:.2f} / {summary[f'max_{key}_s']:.2f} s"


def migrate_rows(m: dict, n: int) -> list[tuple[str, str, str]]:
    def row(label: str, result: dict) -> tuple[str, str, str]:
        extrapolated = any(r.get("extrapolated") for r in result["runs"])
        return (
            label,
            f"{result['median_s']:.2f} s" + (" (extrapolated)" if extrapolated else ""),
            "runs: " + ", ".join(f"{s:.2f}" for s in result["runs_s"]),
        )

    return [
        (f"migrate, nothing pending, {n} agencies (median, ABBA)", "", f"target < {TARGET_MIGRATE_S:.0f} s"),
        row("  ours: manage.py migrate_agencies", m["ours"]),
        row("  django-tenants: migrate_schemas --tenant, standard", m["stock_standard"]),
        row("  django-tenants: migrate_schemas --tenant, multiprocessing", m["stock_multiprocessing"]),
    ]


def provision_rows(p: dict, n: int) -> list[tuple[str, str, str]]:
    ours, stock, clone = p["ours_in_process"], p["stock"], p["ours_clone_only"]
    runs = f"{len(ours['runs'])} runs"
    return [
        (f"provision one agency at {n} agencies (median / max)", "", f"target < {TARGET_PROVISION_S:.0f} s"),
        ("  ours: provision_agency(), service's own duration", pair(ours, "service"), runs),
        ("  ours: provision_agency(), wall time in-process", pair(ours, "wall"), runs),
        ("  ours: manage.py provision_agency (incl. start-up)", f"{p['ours_cli']['wall_s']:.2f} s", "1 run"),
        (
            "  django-tenants: tenant save + domain + same set-up",
            pair(stock, "wall"),
            f"{len(stock['runs'])} runs",
        ),
        ("  schema step alone, ours: clone_template()", pair(clone, "clone"), f"{len(clone['runs'])} runs"),
        (
            "  schema step alone, django-tenants: CREATE SCHEMA + migrate",
            pair(stock, "schema"),
            f"{len(stock['runs'])} runs",
        ),
    ]


def curve_rows(c: dict) -> list[tuple[str, str, str]]:
    rows = [
        (
            "provision one agency as the platform grows (median / max, ABBA)",
            "",
            f"target < {TARGET_PROVISION_S:.0f} s, flat",
        )
    ]
    for point in c["points"]:
        ours, stock = point["ours_in_process"], point["stock"]
        rows.append(
            (
                f"  at {point['agencies']} agencies, ours: provision_agency()",
                pair(ours, "wall"),
                f"{len(ours['runs'])} runs",
            )
        )
        rows.append(
            (
                f"  at {point['agencies']} agencies, django-tenants: tenant save + set-up",
                pair(stock, "wall"),
                f"{len(stock['runs'])} runs",
            )
        )
    return rows


def import_rows(i: dict) -> list[tuple[str, str, str]]:
    runs, http = f"{len(i['in_process'])} runs", i["http"]
    return [
        (f"import {i['rows']} officers, CSV (median / max)", "", f"target < {TARGET_IMPORT_S:.0f} s"),
        ("  ours: import_officers(), real run (check + write + queue)", pair(i, "real_run"), runs),
        ("  ours: import_officers(), dry run (check only)", pair(i, "dry_run"), runs),
        ("  ours: import_officers(), dry run, same file as XLSX", pair(i, "xlsx_dry_run"), runs),
        ("  workers: sending the activation emails", pair(i, "activation_emails"), runs),
        ("  ours: POST /people/import/, real run", f"{http['real_run_s']:.2f} s", "1 run"),
        ("  ours: POST /people/import/, dry run", f"{http['dry_run_s']:.2f} s", "1 run"),
    ]


def table_rows(r: dict) -> list[tuple[str, str, str]]:
    rows = []
    if "migrate" in r:
        rows += migrate_rows(r["migrate"], r["agencies"])
    if "provision" in r:
        rows += provision_rows(r["provision"], r["agencies"])
    if "provision-curve" in r:
        rows += curve_rows(r["provision-curve"])
    if "import" in r:
        rows += import_rows(r["import"])
    if "clockin" in r:
        rows += clockin.table_rows(r["clockin"])
    if "reports" in r:
        rows += reports_bench.table_rows(r["reports"])
    if "dashboards" in r:
        rows += dashboards_bench.table_rows(r["dashboards"])
    if "devices" in r:
        rows += devices_rows(r["devices"])
    return rows


def results_path(results: dict) -> Path:
    """latest.json for the full run; latest-<name>.json for one measurement (--only)."""
    return RESULTS.with_name(f"latest-{results['only']}.json") if results.get("only") else RESULTS


def print_table(results: dict) -> None:
    rows = table_rows(results)
    width = max(len(r[0]) for r in rows)
    print()
    print(
        f"SPOT-Me benchmarks, {results['date']}, {results['machine']['nproc']} cores "
        f"({results['machine']['cpu']}), PostgreSQL {results['machine']['postgresql']} "
        f"({', '.join(f'{k} {v}' for k, v in results['machine']['durability'].items())})"
    )
    for label, value, note in rows:
        print(f"{label:<{width}}  {value:>22}  {note}")
    print(f"\nJSON: {results_path(results).relative_to(ROOT)}")


def write_results(results: dict) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    results_path(results).write_text(json.dumps(results, indent=2) + "\n")


# --- main -------------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--agencies", type=int, default=200, help="agencies to create (default: 200)")
    parser.add_argument("--database", default="spotme_bench", help="bench database (default: spotme_bench)")
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    parser.add_argument(
        "--runs",
        type=int,
        default=2,
        help="migrate runs of each kind, ours and both stock executors, in ABBA order (default: 2)",
    )
    parser.add_argument(
        "--provision-runs",
        type=int,
        default=4,
        help="provisionings of each kind, ours and stock django-tenants, in ABBA order (default: 4)",
    )
    parser.add_argument(
        "--curve",
        default="10,200,500,1000",
        help="agency counts of the provisioning curve, --only provision-curve (10,200,500,1000)",
    )
    parser.add_argument(
        "--baseline-limit",
        type=float,
        default=600.0,
        help="stop a migrate_schemas run after this many seconds and extrapolate (600)",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=min(2, os.cpu_count() or 1),
        help="processes creating agencies during set-up (default: 2)",
    )
    parser.add_argument(
        "--only",
        choices=[
            "migrate",
            "provision",
            "provision-curve",
            "import",
            "clockin",
            "reports",
            "dashboards",
            "devices",
        ],
        help="run one measurement (default: all)",
    )
    parser.add_argument("--import-rows", type=int, default=5000, help="officers per import file (5000)")
    parser.add_argument("--import-runs", type=int, default=3, help="in-process imports (default: 3)")
    parser.add_argument("--devices-officers", type=int, default=10_000, help="device ingest officers (10000)")
    parser.add_argument("--devices-days", type=int, default=5, help="working days of punches (5)")
    parser.add_argument("--reports-officers", type=int, default=10_000, help="officers of the report agency")
    parser.add_argument("--reports-runs", type=int, default=3, help="runs of each report download (3)")
    parser.add_argument(
        "--dashboards-officers", type=int, default=10_000, help="officers of the dashboard agency"
    )
    parser.add_argument("--dashboards-runs", type=int, default=5, help="runs of each dashboard request (5)")
    load = parser.add_argument_group("clock-in load (measurement 4)")
    load.add_argument("--clockin-officers", type=int, default=10_000, help="officers of the agency (10000)")
    load.add_argument("--clockin-concurrency", type=int, default=32, help="concurrent connections (32)")
    load.add_argument("--clockin-warmup", type=float, default=3.0, help="seconds not measured (3)")
    load.add_argument("--clockin-duration", type=float, default=20.0, help="measured seconds per run (20)")
    load.add_argument("--clockin-rounds", type=int, default=2, help="runs of each endpoint, ABBA (2)")
    load.add_argument("--clockin-workers", type=int, default=2, help="gunicorn workers (2)")
    load.add_argument(
        "--clockin-threads", type=int, default=4, help="threads per worker (gthread); 1: sync (4)"
    )
    load.add_argument(
        "--clockin-max-requests", type=int, default=100_000, help="cap on requests per run (100000)"
    )
    load.add_argument(
        "--clockin-requests-per-connection",
        type=int,
        default=10,
        help="requests on one keep-alive connection before a new one (10)",
    )
    load.add_argument(
        "--clockin-profile-requests", type=int, default=300, help="in-process requests profiled (300)"
    )
    return parser.parse_args()


def run_all(args: argparse.Namespace, env: dict, url: str) -> dict:
    info = machine(url)
    setup = {"initial_migrate_s": initial_migrate(env)}
    everything = {"migrate", "provision", "import", "clockin", "reports", "dashboards", "devices"}
    wanted = {args.only} if args.only else everything
    if wanted & {"migrate", "provision"}:
        setup["populate_s"] = populate(env, args.agencies, args.jobs)
    results = {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "command": "make bench",
        "argv": sys.argv[1:],
        "git": git_state(),
        "agencies": args.agencies,
        "database": args.database,
        "machine": info,
        "only": args.only,
        "setup": setup,
        "targets": {
            "migrate_s": TARGET_MIGRATE_S,
            "provision_s": TARGET_PROVISION_S,
            "import_s": TARGET_IMPORT_S,
            "devices_s": TARGET_DEVICES_S,
            "devices_punches_per_s": TARGET_DEVICES_RATE,
            "clockin_ratio": clockin.TARGET_RATIO,
        },
    }
    measurements = {
        "migrate": measure_migrate,
        "provision": measure_provision,
        "provision-curve": measure_provision_curve,
        "import": measure_import,
        "clockin": measure_clockin,
        "reports": measure_reports,
        "dashboards": measure_dashboards,
        "devices": measure_devices,
    }
    for name, measure in measurements.items():
        if name in wanted:
            results[name] = measure(env, args)
    results["machine"]["load_average_after"] = list(os.getloadavg())
    return results


def main() -> int:
    args = parse_args()
    base_url = os.environ.get("DATABASE_URL")
    if not base_url:
        raise SystemExit("DATABASE_URL is not set (run through `make bench`)")
    if args.database == database_name(base_url):
        raise SystemExit(f"refusing to use the development database {args.database!r} for benchmarks")
    url = with_database(base_url, args.database)
    log(f"bench database {args.database!r} on {urlparse(url).hostname}:{urlparse(url).port}, recreated")
    recreate_database(base_url, args.database)
    try:
        results = run_all(args, bench_env(url), base_url)
    finally:
        if args.keep:
            log(f"kept database {args.database!r} (DATABASE_URL={url})")
        else:
            drop_database(base_url, args.database)
            log(f"dropped database {args.database!r}")
    write_results(results)
    print_table(results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
