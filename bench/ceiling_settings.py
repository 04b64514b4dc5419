"""Settings of the ceiling server in the clock-in benchmark (bench/clockin.py): SPOT-Me's own
settings, unchanged, except the agency URLconf, which adds one bare endpoint (bench/ceiling_urls.py).
Nothing of it reaches the product: it exists only when gunicorn is started with
DJANGO_SETTINGS_MODULE=bench.ceiling_settings."""

from spotme.settings import *  # noqa: F403

ROOT_URLCONF = "bench.ceiling_urls"  # django-tenants serves agency hosts from ROOT_URLCONF
