"""gunicorn settings for the web pods (the container's default command).

Everything is read from the environment so one image serves every environment:

    PORT                    application port (8000)
    SPOTME_METRICS_PORT     second listener for /metrics and probes, reached only inside the cluster
                            (9100 in the image; 0 = none). See spotme/health.py and spotme/metrics.py.
    GUNICORN_WORKERS        worker processes per pod (2). Scale pods, not workers: each process keeps
                            its own database pool (SPOTME_DB_POOL_MAX), see docs/scaling.md.
    GUNICORN_THREADS        threads per worker (4): requests wait mostly on PostgreSQL.
    GUNICORN_TIMEOUT        seconds before a stuck worker is replaced (30)
    GUNICORN_MAX_REQUESTS   recycle a worker after this many requests (2000, with jitter)
    SPOTME_TRUSTED_PROXIES  proxies (CIDRs) trusted for X-Forwarded-*, by gunicorn and the app alike
                            (spotme.proxies); default none
    PROMETHEUS_MULTIPROC_DIR  samples of all workers, added up at /metrics (emptied at start)

Logs are JSON lines on stdout/stderr (spotme.gunicorn_logging), with the agency and request id.
"""

import os
import sys
from pathlib import Path

_ROOT = Path(__file__).resolve().parent.parent
for entry in (str(_ROOT / "platform"), str(_ROOT)):  # `spotme` and the apps, as in manage.py
    if entry not in sys.path:
        sys.path.insert(0, entry)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "spotme.settings")

_port = int(os.environ.get("PORT", "8000"))
_metrics_port = int(os.environ.get("SPOTME_METRICS_PORT", "0") or 0)

wsgi_app = "spotme.wsgi:application"
bind = [f"0.0.0.0:{_port}"] + ([f"0.0.0.0:{_metrics_port}"] if _metrics_port else [])
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "25"))
# Longer than the load balancer's idle timeout, so it never sends on a connection we just closed.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "75"))
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# The heartbeat file goes to memory: the root filesystem is read-only in the pods.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108
# One list for gunicorn and Django (spotme.proxies): no one else's X-Forwarded-* is believed.
forwarded_allow_ips = os.environ.get("SPOTME_TRUSTED_PROXIES", "").replace(" ", "")
proxy_allow_ips = forwarded_allow_ips

# No control socket (gunicorn >= 25.1 puts one in $HOME): the root filesystem is read-only, and
# several gunicorns on one machine (the tests) would share the path.
control_socket_disable = True

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
logger_class = "spotme.gunicorn_logging.JsonLogger"


def on_starting(server):
    from spotme import metrics

    metrics.reset_multiprocess_dir()


def child_exit(server, worker):
    from spotme import metrics

    metrics.mark_process_dead(worker.pid)
