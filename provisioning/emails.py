from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation


def org_admin_welcome(
    *, agency, to: str, name: str, url: str, login_id: str, temporary_password: str, language: str
) -> None:
    context = {
        "agency": agency,
        "name": name,
        "url": url,
        "login_id": login_id,
        "temporary_password": temporary_password,
    }
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = " ".join(render_to_string("provisioning/email/welcome_subject.txt", context).split())
        body = render_to_string("provisioning/email/welcome.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
