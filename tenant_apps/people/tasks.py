"""Celery tasks of the people app (tenant-aware: each runs in the agency that enqueued it)."""

from __future__ import annotations

from spotme.celery import app


@app.task(name="people.send_activation_emails", acks_late=True)
def send_activation_emails(user_ids: list[int]) -> int:
    from .activation import send_activation_emails as send

    return send(user_ids)


@app.task(name="people.send_password_email", acks_late=True)
def send_password_email(officer_id: int, template: str, encrypted_password: str) -> str:
    """The new account's or the reset temporary password, by e-mail: enqueued through the outbox
    (spotme.outbox) in the transaction that set the password; the outbox row holds the password
    only encrypted (spotme.crypto), as the other secrets at rest."""
    from spotme.crypto import decrypt

    from . import emails
    from .models import Officer

    officer = Officer.objects.select_related("user").filter(pk=officer_id).first()
    if officer is None or not officer.user.email:
        return "no address"
    send = {"account_created": emails.account_created, "temporary_password": emails.temporary_password}
    send[template](officer, decrypt(encrypted_password))
    return "sent"
