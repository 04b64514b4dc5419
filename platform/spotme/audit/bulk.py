"""Data-change entries for rows written in bulk.

`bulk_create` sends no model signals, so django-auditlog records nothing for it. Code that creates
tracked objects in bulk (e.g. an import of thousands of officers) calls `record_bulk_creation` right
after, in the same transaction, so the trail still has one "created" entry per object."""

from __future__ import annotations

from collections.abc import Iterable

from auditlog.diff import model_instance_diff
from auditlog.registry import auditlog
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils.encoding import smart_str

from spotme.context import request_id_var

from .events import client_ip, user_agent
from .models import LogEntry

BATCH_SIZE = 1000


def record_bulk_creation(instances: Iterable, *, request=None, actor=None) -> int:
    """One CREATE entry per saved instance of a tracked model; returns how many were written.

    `actor` defaults to the request's signed-in user; address and user agent come from `request`
    (none in a background task: pass the user who started the work as `actor`)."""
    if actor is None and request is not None and request.user.is_authenticated:
        actor = request.user
    request_id = request_id_var.get()
    common = {
        "action": LogEntry.Action.CREATE,
        "actor": actor,
        "actor_email": getattr(actor, "email", None) if actor is not None else None,
        "remote_addr": client_ip(request),
        "user_agent": user_agent(request),
        "cid": None if request_id == "-" else request_id[:255],
    }
    entries = []
    for instance in instances:
        model = type(instance)
        if instance.pk is None or not auditlog.contains(model):
            continue
        changes = model_instance_diff(
            None, instance, use_json_for_changes=settings.AUDITLOG_STORE_JSON_CHANGES
        )
        entries.append(
            LogEntry(
                content_type=ContentType.objects.get_for_model(model),
                object_pk=smart_str(instance.pk),
                object_id=instance.pk if isinstance(instance.pk, int) else None,
                object_repr=smart_str(instance),
                changes=changes,
                **common,
            )
        )
    LogEntry.objects.bulk_create(entries, batch_size=BATCH_SIZE)
    return len(entries)
