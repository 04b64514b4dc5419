"""SPOT-Me platform core (settings, URLs, Celery app). Importable as `spotme`; its folder `platform/`
is only a path entry, so the standard-library `platform` module stays reachable."""

from .celery import app as celery_app

__all__ = ["celery_app"]
