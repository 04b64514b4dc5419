"""A first password for accounts created without one (the bulk import): a one-time link by email.

The link carries Django's password-reset token (`default_token_generator`). The token is derived from
the account's current password hash and last login, so it stops working as soon as the officer has
chosen a password (or been given a temporary one), and it expires after PASSWORD_RESET_TIMEOUT
(Django's default: 3 days). Nothing secret is stored, and nothing secret goes through the task queue:
tasks get user ids and make the links themselves, when they send.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from provisioning.services import agency_url
from spotme.accounts.models import User

EMAILS_PER_TASK = 200


def queue_activation_emails(user_ids: list[int]) -> int:
    """One task per EMAILS_PER_TASK accounts, through the transactional outbox (spotme.outbox):
    call inside the transaction that creates the accounts, in their agency's schema. Returns the
    number of tasks."""
    from spotme.outbox import services as outbox

    tasks = 0
    for start in range(0, len(user_ids), EMAILS_PER_TASK):
        outbox.enqueue("people.send_activation_emails", list(user_ids[start : start + EMAILS_PER_TASK]))
        tasks += 1
    return tasks


def activation_path(user: User) -> str:
    return reverse(
        "people:activate",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )


def send_activation_emails(user_ids: list[int]) -> int:
    """Email each still-unactivated account its link, over one SMTP connection. Idempotent enough for a
    redelivered task: an account that has a password by now is skipped."""
    from tenants.models import current_agency

    base = agency_url(current_agency()).rstrip("/")
    messages = []
    for user in User.objects.filter(pk__in=user_ids, is_active=True).exclude(email="").order_by("pk"):
        if user.has_usable_password():
            continue
        context = {
            "name": user.get_full_name(),
            "mykad": user.username,
            "link": base + activation_path(user),
            "url": base + "/",
            "days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        }
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            subject = " ".join(render_to_string("people/email/activation_subject.txt", context).split())
            body = render_to_string("people/email/activation.txt", context)
        messages.append(EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email]))
    if messages:
        get_connection().send_messages(messages)
    return len(messages)
