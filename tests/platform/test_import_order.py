"""The DRF settings name classes of spotme.api; importing that module first (as Celery's start-up
checks do in the worker and beat) must not be a circular import."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_spotme_api_imports_first_in_a_new_process():
    code = (
        "import django; django.setup();"
        "from rest_framework.settings import api_settings;"
        "print(api_settings.DEFAULT_PAGINATION_CLASS.__name__,"
        " api_settings.DEFAULT_PARSER_CLASSES[0].__name__)"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "platform")])}
    env.setdefault("DJANGO_SETTINGS_MODULE", "spotme.settings")
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["Pagination", "StrictJSONParser"]
