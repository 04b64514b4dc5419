from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

from provisioning.services import agency_url


def _send(officer, template: str, **context) -> None:
    from tenants.models import current_agency

    context.update(officer=officer, url=agency_url(current_agency()))
    language = officer.user.preferred_language or settings.LANGUAGE_CODE
    with translation.override(language):
        subject = " ".join(render_to_string(f"people/email/{template}_subject.txt", context).split())
        body = render_to_string(f"people/email/{template}.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [officer.user.email])


def account_created(officer, password: str) -> None:
    _send(officer, "account_created", temporary_password=password)


def temporary_password(officer, password: str) -> None:
    _send(officer, "temporary_password", temporary_password=password)
