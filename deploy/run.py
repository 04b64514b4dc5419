#!/usr/bin/env python3
"""Entry points behind `make run`, `make test` and `make bench`.

serve     local services → migrate everything → demo data → development server, Celery beat (the
          periodic jobs: nightly close, platform statistics, device pulls …) and, when REDIS_URL
          is set, a Celery worker; without it every task runs in-process (beat's own included)
test      local PostgreSQL + Redis + Chromium → pytest
bench     a private PostgreSQL cluster with production durability (fsync, synchronous_commit,
          full_page_writes on), made for the run and removed after → bench/run.py
          (SPOTME_BENCH_DATABASE_URL: use that server instead)
fuzz      local services → the long schemathesis run (tests/api, SPOTME_FUZZ=1); figures to BENCHMARKS.md
messages  compile the translation catalogues
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import devservices  # noqa: E402

ROOT = devservices.ROOT
PY = sys.executable


def manage(*args: str, env: dict) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True)


def beat_command(schedule: Path) -> list[str]:
    """Celery beat, the periodic jobs' clock. Without REDIS_URL the settings make every task eager,
    so beat runs each due job itself, in its own process: development gets its nightly close and
    platform statistics without a broker (interval jobs run once at start, then on schedule)."""
    return [PY, "-m", "celery", "-A", "spotme", "beat", "-l", "info", "--schedule", str(schedule),
            "--scheduler", "spotme.celery:StartNowScheduler"]  # fmt: skip


def dev_vapid_keys(env: dict, directory: Path | None = None) -> None:
    """Push notifications work in development: without configured VAPID keys, a pair made once
    under .devdata/vapid/ (kept, so the browser's subscription survives a restart)."""
    if any(env.get(name) for name in ("SPOTME_VAPID_PRIVATE_KEY", "SPOTME_VAPID_PRIVATE_KEY_FILE")):
        return
    import importlib.util

    spec = importlib.util.spec_from_file_location("spotme_vapid", ROOT / "platform" / "spotme" / "vapid.py")
    vapid = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = vapid  # dataclasses look their module up there
    spec.loader.exec_module(vapid)
    private_file, public_file = vapid.ensure_dev_keys(directory or ROOT / ".devdata" / "vapid")
    env["SPOTME_VAPID_PRIVATE_KEY_FILE"] = str(private_file)
    env["SPOTME_VAPID_PUBLIC_KEY_FILE"] = str(public_file)


def serve() -> None:
    port = os.environ.get("PORT", "8000")
    env = dict(os.environ)
    env.setdefault("DEBUG", "1")
    env["DATABASE_URL"] = devservices.ensure_postgres()
    devservices.ensure_pango()
    env.setdefault("SPOTME_PUBLIC_PORT", port)
    dev_vapid_keys(env)
    manage("migrate_agencies", "--verbosity=0", env=env)
    manage("seed_demo", "--banner", env=env)
    print(
        " Celery: "
        + (
            "worker on " + env["REDIS_URL"]
            if env.get("REDIS_URL")
            else "in-process (set REDIS_URL for a real worker)"
        ),
        flush=True,
    )
    celery_env = {**env, "PYTHONPATH": f"{ROOT}:{ROOT / 'platform'}"}
    (ROOT / ".devdata").mkdir(exist_ok=True)
    helpers = [
        subprocess.Popen(beat_command(ROOT / ".devdata" / "celerybeat-schedule"), cwd=ROOT, env=celery_env)
    ]
    if env.get("REDIS_URL"):
        helpers.append(
            subprocess.Popen(
                [PY, "-m", "celery", "-A", "spotme", "worker", "-l", "info", "-c", "2"],
                cwd=ROOT,
                env=celery_env,
            )  # fmt: skip
        )
    try:
        manage("runserver", f"127.0.0.1:{port}", env=env)
    except KeyboardInterrupt:
        pass
    finally:
        for helper in helpers:
            helper.terminate()


def test(args: list[str]) -> int:
    env = dict(os.environ)
    env["DATABASE_URL"] = devservices.ensure_postgres()
    env["REDIS_URL"] = devservices.ensure_redis()
    env["SPOTME_CHROMIUM"] = devservices.ensure_chromium()
    devservices.ensure_pango()
    env["SPOTME_TESTING"] = "1"
    env.pop("DEBUG", None)
    if not any(a == "-n" or a.startswith("-n") or a.startswith("--numprocesses") for a in args):
        args = ["-n", "auto", *args]  # one pytest-xdist worker per core; each has its own test database
    return subprocess.run([PY, "-m", "pytest", *args], cwd=ROOT, env=env).returncode


def fuzz(args: list[str]) -> int:
    """The long schemathesis run: every operation, more examples (SPOTME_FUZZ_EXAMPLES, default 25)."""
    os.environ["SPOTME_FUZZ"] = "1"
    # -n 0: in this process, so -s shows each role's figures (xdist workers swallow them).
    return test(["-n", "0", "-m", "fuzz", "-s", "tests/api/test_schemathesis.py", *args])


def bench(args: list[str]) -> int:
    """Benchmarks never run on the development cluster (fsync off): a durable one is made for them."""
    import shutil
    import tempfile

    env = dict(os.environ, SPOTME_TESTING="1")
    given = os.environ.get("SPOTME_BENCH_DATABASE_URL")
    if given:
        env["DATABASE_URL"] = given
        return subprocess.run([PY, "bench/run.py", *args], cwd=ROOT, env=env).returncode
    sys.path.insert(0, str(ROOT))
    from tests.faults import stack  # the private-cluster helper the fault drills and the soak use

    base = Path(tempfile.mkdtemp(prefix="spotme-bench-", dir=ROOT / ".devdata"))
    print(f"bench: a private durable PostgreSQL cluster in {base}", flush=True)
    pg = stack.Postgres(base, durable=True)
    try:
        env["DATABASE_URL"] = pg.url
        return subprocess.run([PY, "bench/run.py", *args], cwd=ROOT, env=env).returncode
    finally:
        pg.stop()
        shutil.rmtree(base, ignore_errors=True)


def messages() -> int:
    env = dict(
        os.environ, DEBUG="1", DATABASE_URL=os.environ.get("DATABASE_URL", "postgres://localhost/unused")
    )
    return subprocess.run(
        [PY, "manage.py", "compilemessages", "--ignore=.venv"], cwd=ROOT, env=env
    ).returncode


if __name__ == "__main__":
    what = sys.argv[1] if len(sys.argv) > 1 else "serve"
    rest = sys.argv[2:]
    if what == "serve":
        serve()
    elif what == "test":
        sys.exit(test(rest))
    elif what == "fuzz":
        sys.exit(fuzz(rest))
    elif what == "bench":
        sys.exit(bench(rest))
    elif what == "messages":
        sys.exit(messages())
    else:
        sys.exit(__doc__)
