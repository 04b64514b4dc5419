"""Emails to applicants and operators, each rendered in the recipient's language."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from .models import AgencyApplication


def _send(template: str, to: list[str], language: str, context: dict) -> None:
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string(f"onboarding/email/{template}_subject.txt", context).split())
        body = render_to_string(f"onboarding/email/{template}.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)


def application_received(app: AgencyApplication) -> None:
    _send("received", [app.admin_email], app.language, {"app": app})
    if settings.SPOTME_OPERATOR_EMAILS:
        _send("operator_new", settings.SPOTME_OPERATOR_EMAILS, settings.LANGUAGE_CODE, {"app": app})


def application_approved(app: AgencyApplication) -> None:
    _send("approved", [app.admin_email], app.language, {"app": app})


def application_rejected(app: AgencyApplication) -> None:
    _send("rejected", [app.admin_email], app.language, {"app": app})
