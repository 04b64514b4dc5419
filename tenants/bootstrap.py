from __future__ import annotations

from django.conf import settings
from django.db import transaction

from .models import Agency, Domain


def ensure_public_agency() -> Agency:
    """The row that routes the apex domain to the public schema (idempotent)."""
    with transaction.atomic():
        public, _ = Agency.objects.get_or_create(
            schema_name=settings.PUBLIC_SCHEMA_NAME, defaults={"name": "SPOT-Me", "subdomain": ""}
        )
        Domain.objects.get_or_create(
            domain=settings.APEX_DOMAIN, defaults={"tenant": public, "is_primary": True}
        )
    return public
