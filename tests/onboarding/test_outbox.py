"""Issue 15: the onboarding e-mails and the provisioning task are outbox rows written with the
application's change. With the broker down when the operator approves, the approval succeeds and
nothing is lost: the relay publishes the rows once the broker is back — the agency is provisioned and
each e-mail sent once, however often the rows are published."""

from __future__ import annotations

from shared_apps.onboarding import actions
from shared_apps.onboarding.models import AgencyApplication, ApplicationStatus, SentOnboardingEmail
from shared_apps.onboarding.tasks import send_application_email
from spotme.outbox import services as outbox
from spotme.outbox.models import OutboxMessage
from tenants.models import Agency
from tests.fixtures.broker import broker_down  # noqa: F401 (fixture)

from .test_review import application  # noqa: F401 (fixture)


def test_approval_with_the_broker_down_waits_in_the_outbox(
    application,  # noqa: F811
    operator,
    mailoutbox,
    django_capture_on_commit_callbacks,
    broker_down,  # noqa: F811
):
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.approve_application(application.pk, operator=operator)
    application.refresh_from_db()
    assert application.status == ApplicationStatus.QUEUED  # approved; provisioning waits
    pending = OutboxMessage.objects.filter(published_at=None).order_by("id")
    assert [(m.task, m.args) for m in pending] == [
        ("onboarding.send_application_email", ["approved", application.pk]),
        ("provisioning.provision_application", [application.pk]),
    ]
    assert mailoutbox == [] and not Agency.objects.filter(application=application).exists()

    broker_down.back()
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.relay() == 2
    application.refresh_from_db()
    assert application.status == ApplicationStatus.PROVISIONED
    assert Agency.objects.filter(application=application).count() == 1
    welcome = OutboxMessage.objects.get(task="provisioning.send_welcome")
    assert welcome.published_at is not None
    assert len(mailoutbox) == 2  # the approved e-mail and the welcome, each once
    assert application.reference in mailoutbox[0].subject
    # The temporary password (14 characters, in the welcome's body) is kept only encrypted.
    assert not any(len(str(arg)) == 14 and str(arg) in mailoutbox[1].body for arg in welcome.args)

    # Published again (a relay that overlapped, a redelivery): nothing is sent twice.
    send_application_email.delay("approved", application.pk)
    OutboxMessage.objects.filter(pk=welcome.pk).update(published_at=None)
    with django_capture_on_commit_callbacks(execute=True):
        outbox.relay()
    assert len(mailoutbox) == 2
    assert set(SentOnboardingEmail.objects.values_list("key", flat=True)) >= {
        f"approved:{application.pk}",
        f"welcome:{Agency.objects.get(application=application).pk}",
    }


def test_rejection_email_is_an_outbox_row_sent_once(
    application,  # noqa: F811
    operator,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.reject_application(application.pk, operator=operator, reason="Bukan agensi kerajaan")
    message = OutboxMessage.objects.get(task="onboarding.send_application_email", args__0="rejected")
    assert message.published_at is not None
    assert len(mailoutbox) == 1
    assert send_application_email.delay("rejected", application.pk).get() == "already sent"
    assert len(mailoutbox) == 1
    assert AgencyApplication.objects.get(pk=application.pk).status == ApplicationStatus.REJECTED
