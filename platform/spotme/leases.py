"""Leases: how a long job says "a worker is on it" without a state only that worker could undo.

A row that a job works on carries two columns (`LeaseFields`): `lease_owner` (which worker: host,
pid and a random suffix) and `lease_expires_at`. A worker *claims* the row with one conditional
UPDATE (`… WHERE lease_expires_at IS NULL OR lease_expires_at <= now()`), so exactly one claimant
wins; while it works a `Heartbeat` thread pushes the expiry forward every third of the lease; when it
is done it releases the row. A worker killed with SIGKILL stops renewing: once its lease expires,
the row may be claimed again (by the redelivered task, the next run, or an operator's retry). Times
are the database's (`now()`), so the workers' clocks never need to agree.

Used by provisioning (AgencyApplication), device pulls (DeviceIntegration); webhook deliveries
use the same pattern on their own column (`opendata.delivery.claim`). The duration is
`settings.SPOTME_LEASE_SECONDS` (tests and drills use a few seconds).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

log = logging.getLogger(__name__)


class LeaseFields(models.Model):
    """Abstract: the two columns a leased row carries."""

    # db_default: pods of the previous release insert rows without this column during a deploy.
    lease_owner = models.CharField(_("held by"), max_length=120, blank=True, default="", db_default="")
    lease_expires_at = models.DateTimeField(_("held until"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def lease_is_live(self) -> bool:
        """As of the row's last read (the database decides at claim time)."""
        from django.utils import timezone

        return bool(self.lease_expires_at and self.lease_expires_at > timezone.now())


def lease_seconds() -> int:
    return max(1, int(getattr(settings, "SPOTME_LEASE_SECONDS", 60)))


def new_owner() -> str:
    return f"{socket.gethostname()[:80]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def _expiry(seconds: int):
    return Now() + timedelta(seconds=seconds)


def expired_q() -> Q:
    return Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lte=Now())


def claim(queryset, *, owner: str | None = None, seconds: int | None = None, **updates) -> str | None:
    """Take every row of `queryset` (normally one) whose lease is free or expired, setting `updates`
    in the same UPDATE. The owner token when claimed, None when a live lease holds it."""
    owner = owner or new_owner()
    claimed = queryset.filter(expired_q()).update(
        lease_owner=owner, lease_expires_at=_expiry(seconds or lease_seconds()), **updates
    )
    return owner if claimed else None


def renew(model, pk, owner: str, *, seconds: int | None = None) -> bool:
    """Push the expiry forward; False if the lease was lost (expired and taken by another)."""
    return bool(
        model.objects.filter(pk=pk, lease_owner=owner).update(
            lease_expires_at=_expiry(seconds or lease_seconds())
        )
    )


def release(model, pk, owner: str, **updates) -> bool:
    """Give the lease up (only if still ours), setting `updates` in the same UPDATE."""
    return bool(
        model.objects.filter(pk=pk, lease_owner=owner).update(
            lease_owner="", lease_expires_at=None, **updates
        )
    )


def holder(model, pk) -> tuple[str, datetime] | None:
    """(owner, expires_at) of a live lease on the row, or None."""
    row = (
        model.objects.filter(pk=pk, lease_expires_at__gt=Now())
        .values_list("lease_owner", "lease_expires_at")
        .first()
    )
    return row


class Heartbeat:
    """Renews a lease from a background thread (its own database connection, in the schema the job
    runs in) every third of the lease, until the `with` block ends. `lost` turns true if a renewal
    finds the lease taken by someone else."""

    def __init__(self, model, pk, owner: str, *, seconds: int | None = None):
        self.model, self.pk, self.owner = model, pk, owner
        self.seconds = seconds or lease_seconds()
        self.schema = getattr(connection, "schema_name", None)
        self.lost = False
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"lease-{model.__name__}-{pk}", daemon=True)

    def _run(self) -> None:
        from django.db import connection as thread_connection

        try:
            if self.schema:
                thread_connection.set_schema(self.schema)
            while not self._stop.wait(self.seconds / 3):
                try:
                    if not renew(self.model, self.pk, self.owner, seconds=self.seconds):
                        self.lost = True
                        log.warning("lease on %s %s lost", self.model.__name__, self.pk)
                        return
                except Exception:  # a database blip: try again at the next beat
                    log.exception("lease renewal of %s %s failed", self.model.__name__, self.pk)
        finally:
            thread_connection.close()

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
