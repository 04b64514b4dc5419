"""From agency events to webhook deliveries.

Payloads are *thin*: ids, dates, codes, counts and links to the open-data API, never names, MyKad
numbers or reasons. A receiver fetches the details with an API token, so what leaves the agency is
still governed by the token's scopes, expiry and audit, and an event that reaches a wrong or
leaked URL discloses next to nothing.

Batching: events raised inside one transaction are collected and published once, after it commits
(an import of 5,000 officers is 25 deliveries of 200 ids per webhook, not 5,000). The nightly close
is one `day.closed` per agency per day with a summary and a paginated link, not one call per officer;
its dedup key keeps a re-run of the close from sending it again."""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from .models import PING, Event, WebhookDelivery, WebhookEndpoint

CHUNK = 200
log = logging.getLogger(__name__)


def connect() -> None:
    from tenant_apps.attendance import signals as attendance_signals
    from tenant_apps.people import signals as people_signals

    attendance_signals.day_closed.connect(_day_closed, dispatch_uid="opendata.day_closed")
    attendance_signals.issue_decided.connect(_issue_decided, dispatch_uid="opendata.issue_decided")
    people_signals.officers_changed.connect(_officers_changed, dispatch_uid="opendata.officers_changed")


def _day_closed(sender, day, officers=0, **kwargs) -> None:
    emit(Event.DAY_CLOSED, {"date": day.isoformat(), "officers_closed": officers})


def _issue_decided(sender, issue, **kwargs) -> None:
    emit(
        Event.ISSUE_DECIDED,
        {
            "id": issue.pk,
            "officer": issue.officer_id,
            "date": issue.date.isoformat(),
            "code": issue.code,
            "status": issue.status,
            "decided_at": issue.decided_at.isoformat() if issue.decided_at else None,
        },
    )


def _officers_changed(sender, change, officer_ids=(), user_ids=(), fields=(), **kwargs) -> None:
    for officer_id in officer_ids:
        emit(Event.OFFICER_CHANGED, {"id": officer_id, "change": change, "fields": sorted(fields)})
    for user_id in user_ids:
        emit(Event.OFFICER_CHANGED, {"user": user_id, "change": change, "fields": sorted(fields)})


# --- collecting per transaction ----------------------------------------------------------------------


class _Group:
    """The events raised at one set of open savepoints. Its marker is an on-commit callback of that
    set: Django drops it when one of those savepoints rolls back, so a group whose marker has not run
    by the time the batch flushes was rolled back, and its events are not published."""

    def __init__(self):
        self.items: dict[str, list] = defaultdict(list)
        self.committed = False
        self.marker = self.mark  # one bound method, to find it among the on-commit callbacks

    def mark(self) -> None:
        self.committed = True


class _Batch:
    def __init__(self, schema_name: str):
        self.schema_name = schema_name
        self.groups: dict[tuple, _Group] = {}
        self.callback = self.flush  # one bound method, to find it among the on-commit callbacks

    def flush(self) -> None:
        items: dict[str, list] = defaultdict(list)
        for group in self.groups.values():
            if group.committed:
                for event, group_items in group.items.items():
                    items[event].extend(group_items)
        if items:
            _publish_safely(self.schema_name, dict(items))


def _registered(conn, func) -> bool:
    return any(f is func for _, f, _ in conn.run_on_commit)


def emit(event: str, item: dict) -> None:
    """Publish `item` under `event` once the current transaction commits (at once outside one); an
    event raised in a savepoint that rolls back is not published, even if the transaction commits."""
    conn = transaction.get_connection()
    schema_name = connection.schema_name
    if not conn.in_atomic_block:
        _publish_safely(schema_name, {event: [item]})
        return
    batch = getattr(conn, "_opendata_batch", None)
    if batch is None or batch.schema_name != schema_name or not _registered(conn, batch.callback):
        batch = _Batch(schema_name)
        conn._opendata_batch = batch
        transaction.on_commit(batch.callback, robust=True)
    savepoints = tuple(conn.savepoint_ids)
    group = batch.groups.get(savepoints)
    if group is None or not _registered(conn, group.marker):
        group = batch.groups[savepoints] = _Group()
        transaction.on_commit(group.marker, robust=True)
        # The flush runs after the markers (on-commit callbacks run in order): moved to the end,
        # keeping the savepoints it was registered with (its own rollback drops it, as before).
        entry = next(e for e in conn.run_on_commit if e[1] is batch.callback)
        conn.run_on_commit.remove(entry)
        conn.run_on_commit.append(entry)
    group.items[event].append(item)


def _publish_safely(schema_name: str, items_by_event: dict) -> None:
    """Webhooks never break the write that raised the event (it has committed already)."""
    try:
        publish(schema_name, items_by_event)
    except Exception:
        log.exception("webhook events %s of %s not published", list(items_by_event), schema_name)


def publish(schema_name: str, items_by_event: dict) -> list[int]:
    """Write one delivery per subscribed active endpoint (per chunk of items), then enqueue them."""
    from django_tenants.utils import schema_context

    from .tasks import enqueue

    created: list[int] = []
    # The deliveries and their outbox rows in one transaction (tasks.enqueue).
    with schema_context(schema_name), transaction.atomic():
        endpoints = list(WebhookEndpoint.objects.filter(is_active=True))
        wanted = {e: [ep for ep in endpoints if e in ep.events] for e in items_by_event}
        if not any(wanted.values()):
            return []
        context = _Context(schema_name)
        for event, items in items_by_event.items():
            if not wanted[event]:
                continue
            for data, dedup_key in _bodies(event, items, context):
                for endpoint in wanted[event]:
                    delivery = _delivery(endpoint, event, data, dedup_key, context)
                    if delivery is not None:
                        created.append(delivery.pk)
        if created:
            enqueue(schema_name, created)
    return created


def send_ping(endpoint: WebhookEndpoint) -> WebhookDelivery:
    """A test delivery to one endpoint (from the admin page), sent after commit."""
    context = _Context(connection.schema_name)
    delivery = _delivery(endpoint, PING, {"message": "SPOT-Me webhook test"}, None, context)
    from .tasks import enqueue

    enqueue(connection.schema_name, [delivery.pk])  # in the caller's transaction, via the outbox
    return delivery


class _Context:
    """What every payload carries: the agency and the base of its API links."""

    def __init__(self, schema_name: str):
        from provisioning.services import agency_url
        from tenants.models import Agency

        agency = Agency.objects.filter(schema_name=schema_name).first()
        self.agency = {
            "subdomain": getattr(agency, "subdomain", schema_name),
            "name": getattr(agency, "name", ""),
        }
        self.base = agency_url(agency).rstrip("/") if agency is not None else ""


def _bodies(event: str, items: list, context: _Context):
    """(data, dedup key) per delivery for `event`."""
    api = context.base + "/api/v1/open"
    if event == Event.DAY_CLOSED:
        from tenant_apps.attendance.models import AttendanceDay

        for day in sorted({i["date"] for i in items}):
            officers = max(i["officers_closed"] for i in items if i["date"] == day)
            counts = dict(
                AttendanceDay.objects.filter(date=day)
                .values_list("primary")
                .annotate(n=Count("pk"))
                .order_by("primary")
            )
            data = {
                "date": day,
                "officers_closed": officers,
                "summary": counts,
                "links": {"attendance_days": f"{api}/attendance-days/?date={day}"},
            }
            yield data, f"{event}:{day}"
    elif event == Event.ISSUE_DECIDED:
        for chunk in _chunks(items):
            officers = sorted({i["officer"] for i in chunk})
            yield (
                {
                    "issues": chunk,
                    "links": {"officers": f"{api}/officers/?ids={','.join(map(str, officers))}"},
                },
                None,
            )
    elif event == Event.OFFICER_CHANGED:
        from tenant_apps.people.models import Officer

        by_user = [i for i in items if "user" in i]
        if by_user:
            ids = dict(
                Officer.objects.filter(user_id__in=[i["user"] for i in by_user]).values_list("user_id", "pk")
            )
            items = [i for i in items if "id" in i] + [
                {"id": ids[i.pop("user")], **i} for i in by_user if i["user"] in ids
            ]
        for chunk in _chunks(items):
            ids = sorted({i["id"] for i in chunk})
            yield (
                {
                    "officers": chunk,
                    "links": {"officers": f"{api}/officers/?ids={','.join(map(str, ids))}"},
                },
                None,
            )


def _chunks(items: list):
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _delivery(endpoint, event: str, data: dict, dedup_key, context: _Context) -> WebhookDelivery | None:
    event_id = uuid.uuid4()
    payload = {
        "id": str(event_id),
        "event": event,
        "created_at": timezone.now().isoformat(),
        "agency": context.agency,
        "data": data,
    }
    if dedup_key is None:
        return WebhookDelivery.objects.create(
            endpoint=endpoint, event_id=event_id, event=event, payload=payload
        )
    delivery, created = WebhookDelivery.objects.get_or_create(
        endpoint=endpoint,
        dedup_key=dedup_key,
        defaults={"event_id": event_id, "event": event, "payload": payload},
    )
    return delivery if created else None
