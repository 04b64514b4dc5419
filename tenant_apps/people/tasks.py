"""Celery tasks of the people app (tenant-aware: each runs in the agency that enqueued it)."""

from __future__ import annotations

from spotme.celery import app


@app.task(name="people.send_activation_emails", acks_late=True)
def send_activation_emails(user_ids: list[int]) -> int:
    from .activation import send_activation_emails as send

    return send(user_ids)
