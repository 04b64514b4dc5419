"""Settings of the bare-view server in the clock-in benchmark (bench/clockin.py): SPOT-Me's own
settings (database, pool and its health check, apps, logging), without any middleware and with one
URL (bench/bare_urls.py). Exists only when gunicorn is started with
DJANGO_SETTINGS_MODULE=bench.bare_settings."""

from spotme.settings import *  # noqa: F403

MIDDLEWARE: list[str] = []
ROOT_URLCONF = "bench.bare_urls"
