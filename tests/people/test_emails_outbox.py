"""Issue 15: the e-mails of account creation, a new temporary password and the import's activation
links are enqueued through the transactional outbox in the transaction that writes the accounts.
With the broker down at the commit they wait (a password only encrypted in the row) and the relay
sends them when the broker is back."""

from __future__ import annotations

from django_tenants.utils import schema_context

from spotme.outbox import services as outbox
from spotme.outbox.models import OutboxMessage
from tenant_apps.people import actions
from tests.fixtures.broker import broker_down  # noqa: F401 (fixture)


def test_a_temporary_password_email_waits_for_the_broker(
    cast, mailoutbox, django_capture_on_commit_callbacks, broker_down  # noqa: F811
):
    mailoutbox.clear()
    with schema_context(cast.agency.schema_name):
        with django_capture_on_commit_callbacks(execute=True):
            password = actions.issue_temporary_password(cast.officer_1)
        [message] = OutboxMessage.objects.all()
        assert message.task == "people.send_password_email" and message.published_at is None
        assert message.attempts == 1 and password not in repr(message.args)
        assert mailoutbox == []

        broker_down.back()
        assert outbox.relay() == 1
    [email] = mailoutbox
    assert email.to == [cast.officer_1.user.email] and password in email.body
