"""`make run` without Redis still runs the periodic jobs: Celery beat with eager tasks runs each
due job in its own process (deploy/run.py beat_command). Here: the platform statistics, which the
operators' console showed as "Belum ada angka dikumpul" for ever in development."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from shared_apps.operators.models import AgencyDailyStats
from tests.fixtures.platform import worker_database_url

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "deploy"))
import run  # noqa: E402  (deploy/run.py)


@pytest.mark.worker
def test_beat_without_redis_runs_the_periodic_jobs_in_process(live_platform, agency_a, tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("REDIS_URL", "SPOTME_CELERY_EAGER", "SPOTME_CELERY_QUEUE")
    }
    env.update(
        SPOTME_TESTING="1",
        DATABASE_URL=worker_database_url(),
        DJANGO_SETTINGS_MODULE="spotme.settings",
        PYTHONPATH=os.pathsep.join([str(ROOT), str(ROOT / "platform")]),
    )
    assert not AgencyDailyStats.objects.exists()
    proc = subprocess.Popen(
        run.beat_command(tmp_path / "schedule"), cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline and not AgencyDailyStats.objects.exists():
            assert proc.poll() is None, proc.communicate()[0][-3000:]
            time.sleep(1)
    finally:
        proc.terminate()
        output = proc.communicate(timeout=30)[0]
    assert AgencyDailyStats.objects.filter(agency=agency_a).exists(), output[-3000:]
