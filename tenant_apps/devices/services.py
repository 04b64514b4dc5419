"""Integrasi Peranti actions: settings, pulls, file imports, mapping device user IDs.

Every delivery — pulled, uploaded, or replayed after a mapping — becomes a DeviceBatch whatever its
outcome; its punches are written all together or not at all (`ingest`, in one transaction with the
batch's counts and the pull watermark)."""

from __future__ import annotations

import hashlib
import time as clock
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tenant_apps.attendance.models import AttendanceDay
from tenant_apps.organisation.models import AgencyProfile

from . import client, parsing
from .ingest import Outcome, canonical_id, ingest, resolve
from .models import DeviceBatch, DeviceEnrolment, DeviceIntegration, PayloadFormat, UnmatchedPunch

# The first pull of a new integration asks for this much history (older data: upload a file).
FIRST_PULL_LOOKBACK = timedelta(days=2)


def agency_tz() -> ZoneInfo:
    profile = AgencyProfile.current()
    return ZoneInfo(profile.timezone if profile else "Asia/Kuala_Lumpur")


def next_pull_time(integration: DeviceIntegration, after: datetime) -> datetime | None:
    """The first configured pull time strictly after `after` (the times are the agency's local)."""
    times = integration.times
    if not integration.scheduled or not times:
        return None
    tz = agency_tz()
    local = after.astimezone(tz)
    for days in range(0, 2):
        day = local.date() + timedelta(days=days)
        for t in times:
            candidate = datetime.combine(day, t, tzinfo=tz)
            if candidate > local:
                return candidate
    return None  # pragma: no cover - two days always hold a pull time


def _label(by) -> str:
    return getattr(by, "username", "") or ""


# --- settings --------------------------------------------------------------------------------------


def save_settings(integration: DeviceIntegration, *, secret: str | None = None, clear_secret: bool = False):
    """Save the settings (the form or serializer has validated the fields). `secret`: a new token;
    None keeps the stored one. The next scheduled pull is recomputed."""
    if clear_secret:
        integration.secret = ""
    elif secret:
        integration.secret = secret
    if integration.enabled and not integration.endpoint_url:
        raise ValidationError({"endpoint_url": _("Set the endpoint URL before turning scheduled pulls on.")})
    integration.pull_times = sorted(set(integration.pull_times or []))
    integration.next_pull_at = next_pull_time(integration, timezone.now())
    integration.save()
    return integration


# --- pulls -----------------------------------------------------------------------------------------


def _parse(integration: DeviceIntegration, body: bytes) -> list[parsing.RawPunch]:
    tz = ZoneInfo(integration.device_timezone)
    fields = parsing.FieldMap.of(integration)
    if integration.payload_format == PayloadFormat.CSV:
        return parsing.parse_csv(body, tz, fields)
    return parsing.parse_json(body, tz, fields)


def _fill(batch: DeviceBatch, outcome: Outcome) -> None:
    for name in (
        "received",
        "new",
        "duplicate",
        "unmatched",
        "unmatched_ids",
        "overridden",
        "days_recomputed",
        "days_reopened",
    ):
        setattr(batch, name, getattr(outcome, name))


def pull(*, source: str = DeviceBatch.Source.SCHEDULED, by=None, now: datetime | None = None) -> DeviceBatch:
    """Pull the device data since the last successful pull (minus the overlap) until now. A failure
    is recorded as a batch and, for the transient kinds, raised as PullError (the task retries)."""
    integration = DeviceIntegration.current()
    now = now or timezone.now()
    since = (integration.watermark or now - FIRST_PULL_LOOKBACK) - timedelta(
        minutes=integration.overlap_minutes
    )
    started = clock.perf_counter()
    base = dict(
        source=source,
        window_since=since,
        window_until=now,
        file_format=integration.payload_format,
        created_by=by,
        created_by_label=_label(by) or str(DeviceBatch.Source(source).label),
    )
    try:
        body = client.fetch(integration, since, now)
        punches = _parse(integration, body)
    except client.PullError as exc:
        batch = _failed(
            integration, now, base, DeviceBatch.Status.FAILED, [{"code": exc.code, "message": exc.message}]
        )
        if exc.transient:
            raise
        return batch
    except parsing.PayloadError as exc:
        return _failed(integration, now, base, DeviceBatch.Status.REJECTED, exc.errors, exc.total)
    with transaction.atomic():
        integration = DeviceIntegration.objects.select_for_update().get(pk=integration.pk)
        batch = DeviceBatch.objects.create(status=DeviceBatch.Status.IMPORTED, **base)
        _fill(batch, ingest(punches, integration, batch=batch))
        batch.duration_ms = int((clock.perf_counter() - started) * 1000)
        batch.save()
        integration.watermark = max(now, integration.watermark or now)
        # A pull after midnight has seen all of yesterday: every day before today is final.
        through = now.astimezone(agency_tz()).date() - timedelta(days=1)
        if integration.complete_through is None or through > integration.complete_through:
            integration.complete_through = through
        integration.last_pull_at, integration.last_pull_ok, integration.last_error = now, True, ""
        integration.save(
            update_fields=[
                "watermark",
                "complete_through",
                "last_pull_at",
                "last_pull_ok",
                "last_error",
                "updated_at",
            ]
        )
        AttendanceDay.objects.filter(provisional=True, date__lte=integration.complete_through).update(
            provisional=False
        )
    return batch


def _failed(integration, now, base, status, errors, total=None) -> DeviceBatch:
    batch = DeviceBatch.objects.create(
        status=status, errors=errors, error_count=total if total is not None else len(errors), **base
    )
    message = errors[0]["message"] if errors else ""
    DeviceIntegration.objects.filter(pk=integration.pk).update(
        last_pull_at=now, last_pull_ok=False, last_error=str(message)[:500]
    )
    return batch


def test_connection() -> dict:
    """Ask the API for the last hour and read the answer, writing nothing."""
    integration = DeviceIntegration.current()
    now = timezone.now()
    try:
        punches = _parse(integration, client.fetch(integration, now - timedelta(hours=1), now))
    except client.PullError as exc:
        return {"ok": False, "code": exc.code, "message": exc.message, "records": 0, "unmatched_ids": []}
    except parsing.PayloadError as exc:
        return {
            "ok": False,
            "code": exc.errors[0]["code"],
            "message": exc.errors[0]["message"],
            "records": 0,
            "unmatched_ids": [],
            "errors": exc.errors[:10],
        }
    known = resolve({p.user_id for p in punches}, integration)
    return {
        "ok": True,
        "code": "ok",
        "message": _("Connected: %(n)d records in the last hour.") % {"n": len(punches)},
        "records": len(punches),
        "unmatched_ids": sorted({p.user_id for p in punches} - set(known))[:50],
    }


def busy_seconds(running) -> int:
    """Seconds until the running pull's lease would expire (it is renewed while the pull lives)."""
    _owner, expires_at = running
    return max(1, int((expires_at - timezone.now()).total_seconds()) + 1)


def busy_message(running) -> str:
    return _(
        "A pull is already running for this agency; wait for its result in the list of batches. "
        "If its worker has stopped, pulling is possible again within %(seconds)d seconds."
    ) % {"seconds": busy_seconds(running)}


# --- files -----------------------------------------------------------------------------------------


def import_file(
    *, file_name: str, data: bytes, dry_run: bool, by, source: str = DeviceBatch.Source.UPLOAD
) -> DeviceBatch:
    """Import a device log: ZKTeco ATTLOG (.dat/.txt) or CSV (columns as in the settings). Any bad
    row rejects the whole file; a dry run does everything, reports, and rolls back."""
    integration = DeviceIntegration.current()
    started = clock.perf_counter()
    file_format = parsing.detect_format(file_name, data)
    base = dict(
        source=source,
        dry_run=dry_run,
        file_name=file_name.replace("\x00", "")[:255],
        file_format=file_format,
        file_sha256=hashlib.sha256(data).hexdigest(),
        created_by=by,
        created_by_label=_label(by),
    )
    tz = ZoneInfo(integration.device_timezone)
    try:
        if file_format == "attlog":
            punches = parsing.parse_attlog(data, tz)
        else:
            punches = parsing.parse_csv(data, tz, parsing.FieldMap.of(integration))
    except parsing.PayloadError as exc:
        return DeviceBatch.objects.create(
            status=DeviceBatch.Status.REJECTED, errors=exc.errors, error_count=exc.total, **base
        )
    with transaction.atomic():
        batch = DeviceBatch.objects.create(
            status=DeviceBatch.Status.CHECKED if dry_run else DeviceBatch.Status.IMPORTED, **base
        )
        if dry_run:
            with transaction.atomic():
                outcome = ingest(punches, integration)
                transaction.set_rollback(True)
        else:
            outcome = ingest(punches, integration, batch=batch)
        _fill(batch, outcome)
        batch.duration_ms = int((clock.perf_counter() - started) * 1000)
        batch.save()
    return batch


# --- unmatched device user IDs ---------------------------------------------------------------------


def unmatched_ids() -> list[dict]:
    """Device user IDs waiting for a mapping, with their punch count and time range."""
    from django.db.models import Count, Max, Min

    return list(
        UnmatchedPunch.objects.values("device_user_id")
        .annotate(punches=Count("id"), first=Min("at"), last=Max("at"))
        .order_by("device_user_id")
    )


def map_user_id(device_user_id: str, officer, *, by) -> DeviceBatch | None:
    """Record `device_user_id` as the officer's enrolment number, then import the punches kept for it
    (as a batch of its own)."""
    integration = DeviceIntegration.current()
    device_user_id = (device_user_id or "").strip()
    if not device_user_id or len(device_user_id) > 64:
        raise ValidationError({"device_user_id": _("Enter the device user ID.")})
    canonical = canonical_id(device_user_id, "enrolment")
    taken = DeviceEnrolment.objects.filter(device_user_id=canonical).exclude(officer=officer).first()
    if taken is not None:
        raise ValidationError(
            {"device_user_id": _("This device user ID is already mapped to another officer.")}
        )
    with transaction.atomic():
        DeviceEnrolment.objects.update_or_create(
            officer=officer, defaults={"device_user_id": canonical, "created_by": by}
        )
        waiting = list(
            UnmatchedPunch.objects.select_for_update().filter(device_user_id__in={device_user_id, canonical})
        )
        if not waiting:
            return None
        punches = [
            parsing.RawPunch(n, p.device_user_id, p.at, p.status) for n, p in enumerate(waiting, start=1)
        ]
        batch = DeviceBatch.objects.create(
            source=DeviceBatch.Source.MAPPING,
            status=DeviceBatch.Status.IMPORTED,
            file_name=device_user_id,
            created_by=by,
            created_by_label=_label(by),
        )
        _fill(batch, ingest(punches, integration, batch=batch))
        batch.save()
        UnmatchedPunch.objects.filter(pk__in=[p.pk for p in waiting]).delete()
    return batch
