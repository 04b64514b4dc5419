"""Rules for an agency's subdomain and the schema name derived from it."""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

SUBDOMAIN_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$")
SCHEMA_PREFIX = "agency_"


def normalise_subdomain(value: str) -> str:
    return (value or "").strip().lower()


def validate_subdomain_format(value: str) -> None:
    """A DNS label we are willing to give out: 3-40 of a-z, 0-9 and inner hyphens, not reserved."""
    if not (3 <= len(value) <= 40):
        raise ValidationError(_("A subdomain has 3 to 40 characters."), code="subdomain_length")
    if not SUBDOMAIN_RE.match(value) or "--" in value:
        raise ValidationError(
            _(
                "A subdomain may contain only lowercase letters, digits and single hyphens, "
                "and must start and end with a letter or digit."
            ),
            code="subdomain_chars",
        )
    if value in settings.RESERVED_SUBDOMAINS:
        raise ValidationError(
            _("The subdomain “%(value)s” is reserved."), code="subdomain_reserved", params={"value": value}
        )


def schema_name_for(subdomain: str) -> str:
    return SCHEMA_PREFIX + subdomain.replace("-", "_")


def domain_for(subdomain: str) -> str:
    return f"{subdomain}.{settings.APEX_DOMAIN}"


def subdomain_in_use(subdomain: str, *, exclude_application_id: int | None = None) -> bool:
    """Taken by an agency, or claimed by an application still under review or being provisioned."""
    from shared_apps.onboarding.models import AgencyApplication, ApplicationStatus
    from tenants.models import Agency

    if Agency.objects.filter(subdomain=subdomain).exists():
        return True
    claims = AgencyApplication.objects.filter(subdomain=subdomain).exclude(status=ApplicationStatus.REJECTED)
    if exclude_application_id:
        claims = claims.exclude(pk=exclude_application_id)
    return claims.exists()
