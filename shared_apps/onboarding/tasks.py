"""Onboarding e-mails as Celery tasks, enqueued through the transactional outbox (spotme.outbox) in
the transaction that changes the application: a broker outage at that moment delays them (the relay
publishes them when Redis is back) and never loses them. Each e-mail is sent once (SentOnboardingEmail)."""

from __future__ import annotations

from django.db import transaction

from spotme.celery import app

# A failing mail server: the task retries (the e-mail's SentOnboardingEmail row rolls back with it).
RETRY_SECONDS = 60
MAX_RETRIES = 10


def send_once(key: str, send) -> bool:
    """Call `send()` unless the e-mail `key` was sent already. The row is written in the same
    transaction as the sending: an exception while sending leaves no row, so a retry sends it;
    two deliveries of the same task at once wait for each other on the row's unique key."""
    from .models import SentOnboardingEmail

    with transaction.atomic():
        _, created = SentOnboardingEmail.objects.get_or_create(key=key)
        if not created:
            return False
        send()
    return True


@app.task(
    name="onboarding.send_application_email",
    bind=True,
    acks_late=True,
    max_retries=MAX_RETRIES,
    default_retry_delay=RETRY_SECONDS,
)
def send_application_email(self, kind: str, application_id: int) -> str:
    from . import emails
    from .models import AgencyApplication

    senders = {
        "received": emails.application_received,
        "approved": emails.application_approved,
        "rejected": emails.application_rejected,
    }
    application = AgencyApplication.objects.filter(pk=application_id).first()
    if application is None:
        return "gone"
    try:
        sent = send_once(f"{kind}:{application_id}", lambda: senders[kind](application))
    except OSError as exc:  # the mail server: try again later
        raise self.retry(exc=exc) from exc
    return "sent" if sent else "already sent"
