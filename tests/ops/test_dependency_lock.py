"""uv.lock is the one list of what runs: pyproject.toml's ranges and the lock must agree, and the
environment the tests run in must be exactly the lock (`make` installs with `uv sync --locked`).

The comparison is done twice: here in plain Python from the two files (no tool, no network), and by
uv itself (`uv lock --check`, `uv sync --check`, offline) where `make` tells the tests where uv is
(SPOTME_UV). Each check is also shown to fail on a pyproject.toml that drifted from the lock."""

from __future__ import annotations

import importlib.metadata
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
PROJECT = "spotme-platform"


def _requirement_key(name: str, extras, specifier: str, marker: str | None) -> tuple:
    return (
        canonicalize_name(name),
        tuple(sorted(canonicalize_name(e) for e in extras or ())),
        str(specifier and Requirement(f"x{specifier}").specifier),
        str(Marker(marker)) if marker else "",
    )


def declared(pyproject: dict) -> set[tuple]:
    """pyproject.toml's requirements as uv records them: extras' requirements carry `extra == …`."""
    project = pyproject["project"]
    keys = set()
    for text in project["dependencies"]:
        req = Requirement(text)
        keys.add(_requirement_key(req.name, req.extras, str(req.specifier), req.marker and str(req.marker)))
    for extra, texts in project.get("optional-dependencies", {}).items():
        for text in texts:
            req = Requirement(f"{text} ; extra == '{extra}'" if not Requirement(text).marker else text)
            keys.add(_requirement_key(req.name, req.extras, str(req.specifier), str(req.marker)))
    return keys


def locked_requirements(lock: dict) -> set[tuple]:
    root = next(p for p in lock["package"] if p["name"] == PROJECT)
    return {
        _requirement_key(r["name"], r.get("extras"), r.get("specifier", ""), r.get("marker"))
        for r in root["metadata"]["requires-dist"]
    }


def drift(pyproject: dict, lock: dict) -> list[str]:
    """What differs between the requirements pyproject.toml declares and those the lock was made from."""
    declared_keys, locked_keys = declared(pyproject), locked_requirements(lock)
    return [f"only in pyproject.toml: {k}" for k in sorted(declared_keys - locked_keys)] + [
        f"only in uv.lock: {k}" for k in sorted(locked_keys - declared_keys)
    ]


def locked_versions(lock: dict) -> dict[str, set[str]]:
    versions: dict[str, set[str]] = {}
    for package in lock["package"]:
        versions.setdefault(canonicalize_name(package["name"]), set()).add(package["version"])
    return versions


@pytest.fixture(scope="module")
def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


@pytest.fixture(scope="module")
def lock() -> dict:
    return tomllib.loads((ROOT / "uv.lock").read_text())


def test_the_lock_was_made_from_exactly_pyprojects_requirements(pyproject, lock):
    assert drift(pyproject, lock) == []


def test_a_changed_range_is_drift(pyproject, lock):
    changed = {**pyproject, "project": dict(pyproject["project"])}
    changed["project"]["dependencies"] = [
        "sentry-sdk>=3.1,<4" if d.startswith("sentry-sdk") else d
        for d in pyproject["project"]["dependencies"]
    ] + ["six>=1.16"]
    problems = drift(changed, lock)
    assert any("sentry-sdk" in p and "pyproject" in p for p in problems)
    assert any("'six'" in p for p in problems)


def test_every_locked_version_is_within_pyprojects_range(pyproject, lock):
    versions = locked_versions(lock)
    for text in pyproject["project"]["dependencies"]:
        req = Requirement(text)
        locked = versions.get(canonicalize_name(req.name))
        assert locked, f"{req.name} is not in uv.lock"
        for version in locked:
            assert req.specifier.contains(Version(version), prereleases=True), (req, version)


def test_majors_that_break_are_bounded(pyproject):
    """Django, django-tenants, Celery, DRF, psycopg and sentry-sdk break across majors: their ranges
    stop before the next one, so `make upgrade` never crosses one by accident."""
    by_name = {
        canonicalize_name(Requirement(t).name): Requirement(t) for t in pyproject["project"]["dependencies"]
    }
    for name in ("django", "django-tenants", "celery", "djangorestframework", "psycopg", "sentry-sdk"):
        assert any(s.operator in ("<", "<=", "~=", "==") for s in by_name[name].specifier), name


def test_the_running_environment_is_exactly_the_lock(pyproject, lock):
    versions = locked_versions(lock)
    installed = {}
    for dist in importlib.metadata.distributions():
        installed[canonicalize_name(dist.metadata["Name"])] = dist.version
    strays = {
        name: version
        for name, version in installed.items()
        if name != PROJECT and version not in versions.get(name, set())
    }
    assert strays == {}, "installed but not (at that version) in uv.lock"
    environment = {"extra": "dev"}
    for text in pyproject["project"]["dependencies"] + pyproject["project"]["optional-dependencies"]["dev"]:
        req = Requirement(text)
        if req.marker is None or req.marker.evaluate(environment):
            assert canonicalize_name(req.name) in installed, f"{req.name} is locked but not installed"


# --- uv's own checks (offline: they compare, they resolve nothing new) -------------------------------


def uv() -> str:
    binary = os.environ.get("SPOTME_UV") or shutil.which("uv")
    if not binary or not Path(binary).exists():
        pytest.skip("uv not found (make sets SPOTME_UV)")
    return binary


def run_uv(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [uv(), *args, "--offline"],
        cwd=cwd,
        env={**os.environ, "UV_PYTHON_DOWNLOADS": "never", **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_uv_finds_the_lock_in_step():
    result = run_uv("lock", "--check", cwd=ROOT)
    assert result.returncode == 0, result.stderr


def test_uv_finds_the_environment_in_step():
    result = run_uv(
        "sync",
        "--locked",
        "--extra",
        "dev",
        "--check",
        "--python",
        sys.executable,
        cwd=ROOT,
        env={"UV_PROJECT_ENVIRONMENT": sys.prefix},
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_uv_refuses_a_pyproject_that_drifted(tmp_path):
    for name in ("pyproject.toml", "uv.lock"):
        shutil.copy(ROOT / name, tmp_path / name)
    text = (
        (tmp_path / "pyproject.toml").read_text().replace('"sentry-sdk>=3.0,<4"', '"sentry-sdk>=3.0,<3.0.1"')
    )
    assert "<3.0.1" in text
    (tmp_path / "pyproject.toml").write_text(text)
    result = run_uv("lock", "--check", cwd=tmp_path)
    assert result.returncode != 0


def test_the_images_dependency_step_installs_the_lock_without_dev_tools(tmp_path):
    """The Dockerfile's `uv sync --locked --no-install-project` (without the dev extra), into a new
    environment: the application's libraries at the locked versions, no test tools."""
    dockerfile = (ROOT / "deploy" / "Dockerfile").read_text()
    assert "uv sync --locked --no-install-project" in dockerfile and "--extra" not in dockerfile
    target = tmp_path / "venv"
    result = run_uv(
        "sync",
        "--locked",
        "--no-install-project",
        "--python",
        sys.executable,
        cwd=ROOT,
        env={"UV_PROJECT_ENVIRONMENT": str(target)},
    )
    assert result.returncode == 0, result.stderr
    probe = subprocess.run(
        [
            str(target / "bin" / "python"),
            "-c",
            "import importlib.metadata as m, importlib.util as u;"
            "print(m.version('django'), m.version('sentry-sdk'), u.find_spec('pytest') is None)",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    django_version, sentry_version, no_pytest = probe.stdout.split()
    versions = locked_versions(tomllib.loads((ROOT / "uv.lock").read_text()))
    assert django_version in versions["django"] and sentry_version in versions["sentry-sdk"]
    assert no_pytest == "True"
