"""Settings for the test suite: the real settings, with the testing switches on."""

import os

os.environ.setdefault("SPOTME_TESTING", "1")
# Tasks run where they are enqueued (after commit) unless a test starts a real worker.
os.environ.setdefault("SPOTME_CELERY_EAGER", "1")

from .settings import *  # noqa: E402,F403

# Hashing at production cost (PBKDF2, ~1M iterations) would dominate the suite's time; the tests
# exercise who may log in, not the hash function.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # noqa: S303

# Each pytest-xdist worker gets its own Redis database for the cache, so one worker clearing the
# cache between tests (tests/fixtures/platform.py) never disturbs another's.
if REDIS_URL:  # noqa: F405
    # The broker uses REDIS_URL's own database; the caches take the next ones, so two runs side by
    # side (e.g. REDIS_URL=.../0 and .../4) never share a database either.
    _worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw")
    _base = int(REDIS_URL.rsplit("/", 1)[1] or 0)  # noqa: F405
    _db = _base + 1 + (int(_worker) if _worker.isdigit() else 0)
    CACHES["default"]["LOCATION"] = REDIS_URL.rsplit("/", 1)[0] + f"/{_db}"  # noqa: F405

# No map tiles from the internet in tests (maps draw on a blank background); the map tests point this
# at a tile server of their own on loopback.
SPOTME_MAP_TILE_URL = ""
