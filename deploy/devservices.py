#!/usr/bin/env python3
"""Local services for development and tests, with no setup by hand.

`make run` and `make test` call this. It gives the project what it needs on a fresh machine:

* PostgreSQL: when DATABASE_URL is unset, a private cluster under `.devdata/pg` built from the
  PostgreSQL server binaries (installed with apt when absent), listening on 127.0.0.1 only.
* Redis: when REDIS_URL is unset and Redis is wanted (tests), a private redis-server under
  `.devdata/redis` (installed with apt when absent).
* Chromium for the browser tests (Debian's package, installed with apt when absent).

Standard library only: it runs before anything else is installed.
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEVDATA = ROOT / ".devdata"
PG_PORT = int(os.environ.get("SPOTME_DEV_PG_PORT", "54329"))
REDIS_PORT = int(os.environ.get("SPOTME_DEV_REDIS_PORT", "63799"))
DB_NAME = "spotme"


def log(msg: str) -> None:
    print(f"[devservices] {msg}", file=sys.stderr, flush=True)


def is_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def apt_install(*packages: str) -> None:
    if not is_root() or not shutil.which("apt-get"):
        raise SystemExit(
            f"Missing system packages {packages}; install them (e.g. apt-get install {' '.join(packages)})."
        )
    log(f"installing {' '.join(packages)} with apt-get")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    # Wait for another apt/dpkg (e.g. a parallel test run installing the same package) instead of failing.
    wait = ["-o", "DPkg::Lock::Timeout=900"]
    subprocess.run(["apt-get", *wait, "update", "-qq"], check=False, env=env, stdout=subprocess.DEVNULL)
    subprocess.run(
        ["apt-get", *wait, "install", "-y", "-qq", *packages], check=True, env=env, stdout=subprocess.DEVNULL
    )


def port_open(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) == 0


# --- PostgreSQL -------------------------------------------------------------------------------


def pg_bindir() -> Path:
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parent.parent.name)
    )
    if candidates:
        return Path(candidates[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(os.path.realpath(initdb)).parent
    apt_install("postgresql")
    return pg_bindir()


def _as_pg_user(cmd: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root: run them as the 'postgres' system user.
    if is_root():
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def ensure_postgres() -> str:
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"]
    url = f"postgres://postgres@127.0.0.1:{PG_PORT}/{DB_NAME}"
    bindir = pg_bindir()
    data = DEVDATA / "pg"
    run = DEVDATA / "pg-run"
    if not port_open(PG_PORT):
        DEVDATA.mkdir(exist_ok=True)
        run.mkdir(exist_ok=True)
        if is_root():
            subprocess.run(["chown", "postgres:postgres", str(run)], check=True)
        if not (data / "PG_VERSION").exists():
            log(f"creating a private PostgreSQL cluster in {data}")
            data.mkdir(mode=0o700, exist_ok=True)
            if is_root():
                subprocess.run(["chown", "postgres:postgres", str(data)], check=True)
            subprocess.run(
                _as_pg_user(
                    [
                        str(bindir / "initdb"),
                        "-D",
                        str(data),
                        "-U",
                        "postgres",
                        "--auth=trust",
                        "-E",
                        "UTF8",
                        "--locale=C.UTF-8",
                    ]
                ),
                check=True,
                stdout=subprocess.DEVNULL,
            )
            with open(data / "postgresql.conf", "a") as conf:
                conf.write(
                    "\n# spotme development/test settings\n"
                    "max_connections = 200\nfsync = off\nsynchronous_commit = off\n"
                    "full_page_writes = off\nshared_buffers = 256MB\n"
                )
        log(f"starting PostgreSQL on 127.0.0.1:{PG_PORT}")
        subprocess.run(
            _as_pg_user(
                [
                    str(bindir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-l",
                    str(run / "postgres.log"),
                    "-w",
                    "-t",
                    "60",
                    "-o",
                    f"-p {PG_PORT} -k {run} -c listen_addresses=127.0.0.1",
                    "start",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
    for _ in range(60):
        if port_open(PG_PORT):
            break
        time.sleep(0.5)
    created = subprocess.run(
        [str(bindir / "createdb"), "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", DB_NAME],
        capture_output=True,
        text=True,
    )
    if created.returncode != 0 and "already exists" not in created.stderr:
        raise SystemExit(f"createdb failed: {created.stderr}")
    return url


def stop_postgres() -> None:
    data = DEVDATA / "pg"
    if (data / "postmaster.pid").exists():
        subprocess.run(
            _as_pg_user([str(pg_bindir() / "pg_ctl"), "-D", str(data), "-m", "fast", "stop"]), check=False
        )


# --- Redis ------------------------------------------------------------------------------------


def ensure_redis() -> str:
    if os.environ.get("REDIS_URL"):
        return os.environ["REDIS_URL"]
    if not port_open(REDIS_PORT):
        server = shutil.which("redis-server")
        if not server:
            apt_install("redis-server")
            server = shutil.which("redis-server")
        rdir = DEVDATA / "redis"
        rdir.mkdir(parents=True, exist_ok=True)
        log(f"starting Redis on 127.0.0.1:{REDIS_PORT}")
        subprocess.run(
            [
                server,
                "--daemonize",
                "yes",
                "--bind",
                "127.0.0.1",
                "--port",
                str(REDIS_PORT),
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(rdir),
                "--pidfile",
                str(rdir / "redis.pid"),
                "--logfile",
                str(rdir / "redis.log"),
            ],
            check=True,
        )
        for _ in range(40):
            if port_open(REDIS_PORT):
                break
            time.sleep(0.25)
    return f"redis://127.0.0.1:{REDIS_PORT}/0"


# --- Chromium ---------------------------------------------------------------------------------


def ensure_chromium() -> str:
    path = os.environ.get("SPOTME_CHROMIUM", "/usr/bin/chromium")
    if not Path(path).exists():
        apt_install("chromium", "fonts-dejavu-core")
    return path


# --- Pango (WeasyPrint's text layout, for the report PDFs) ------------------------------------


def ensure_pango() -> None:
    import ctypes.util

    if not ctypes.util.find_library("pango-1.0") or not ctypes.util.find_library("pangoft2-1.0"):
        apt_install("libpango-1.0-0", "libpangoft2-1.0-0", "fonts-dejavu-core")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("what", choices=["env", "stop"])
    parser.add_argument("--redis", action="store_true", help="also provide Redis (REDIS_URL)")
    parser.add_argument("--chromium", action="store_true", help="also make sure Chromium is installed")
    args = parser.parse_args()
    if args.what == "stop":
        stop_postgres()
        return
    lines = [f"DATABASE_URL={ensure_postgres()}"]
    if args.redis:
        lines.append(f"REDIS_URL={ensure_redis()}")
    if args.chromium:
        lines.append(f"SPOTME_CHROMIUM={ensure_chromium()}")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
