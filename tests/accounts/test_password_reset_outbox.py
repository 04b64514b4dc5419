"""Issue 15: the password-reset e-mail is enqueued through the transactional outbox in the request's
transaction. With the broker down at the commit nothing is lost: the row waits (holding no link or
token), and the relay publishes it when the broker is back; the link then works."""

from __future__ import annotations

from django_tenants.utils import schema_context

from spotme.outbox import services as outbox
from spotme.outbox.models import OutboxMessage
from tests.fixtures.agencies import ADMIN_A
from tests.fixtures.broker import broker_down  # noqa: F401 (fixture)

from .test_password_reset import _own_cache, ask, reset_link, set_new_password  # noqa: F401 (fixture)


def test_the_reset_email_waits_for_the_broker(
    agency_a,
    client_en,
    mailoutbox,
    django_capture_on_commit_callbacks,
    broker_down,  # noqa: F811
):
    mailoutbox.clear()
    client = client_en(agency_a)
    assert ask(client, ADMIN_A, django_capture_on_commit_callbacks)["Location"] == "/password/reset/sent/"
    assert mailoutbox == []
    with schema_context(agency_a.schema_name):
        [message] = OutboxMessage.objects.all()
        assert message.task == "accounts.send_password_reset" and message.published_at is None
        assert message.attempts == 1 and message.last_error
        assert "reset" not in repr(message.args)  # the link is made when the e-mail is written

        broker_down.back()
        assert outbox.relay() == 1
        assert not OutboxMessage.objects.filter(published_at=None).exists()
    [email] = mailoutbox
    assert email.to == ["admin@selangor-test.example.gov.my"]
    host, path = reset_link(email)
    assert host.split(":")[0] == agency_a.host
    assert set_new_password(client_en(agency_a), path).status_code == 302
