"""Account e-mails as Celery tasks, enqueued through the transactional outbox (spotme.outbox) in the
transaction that asks for them: with the broker or the mail server away after the commit, the
e-mail waits (outbox row, task retries) instead of being lost."""

from __future__ import annotations

from smtplib import SMTPException

from django.conf import settings

from spotme.celery import app


@app.task(
    name="accounts.send_password_reset",
    acks_late=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    max_retries=8,
)
def send_password_reset(user_id: int, language: str, host: str, agency_name: str) -> str:
    """The one-time link is made here, when the e-mail is written (the outbox row holds no secret);
    the host is the one configured for the account's agency, decided when it was asked for."""
    from . import actions, emails
    from .models import User

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return "no address"
    context = {
        "name": user.get_full_name(),
        "username": user.get_username(),
        "link": actions.reset_link(user, host=host),
        "agency_name": agency_name,
        "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
    }
    emails.password_reset(to=user.email, language=language, context=context)
    return "sent"
