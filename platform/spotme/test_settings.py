"""Settings for the test suite: the real settings, with the testing switches on."""

import os

os.environ.setdefault("SPOTME_TESTING", "1")
# Tasks run where they are enqueued (after commit) unless a test starts a real worker.
os.environ.setdefault("SPOTME_CELERY_EAGER", "1")

from .settings import *  # noqa: E402,F403
