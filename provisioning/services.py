"""Provisioning and lifecycle of agencies.

`provision_agency` does everything in ONE database transaction: the Agency row, the cloned schema
(PostgreSQL DDL is transactional), the domain, the agency's settings and its org admin. Any failure
rolls all of it back, so there is never an orphan schema, row or domain, and a retry starts clean.
"""

from __future__ import annotations

import logging
import secrets
import string
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import schema_context, schema_exists

from spotme.accounts.mykad import normalise_mykad, validate_mykad
from tenants.models import Agency, AgencyStatus, Domain
from tenants.subdomains import domain_for, normalise_subdomain, schema_name_for, validate_subdomain_format

from . import schemas

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AgencyRequest:
    name: str
    subdomain: str
    state: str
    admin_mykad: str
    admin_email: str
    admin_name: str = ""
    admin_phone: str = ""
    ministry: str = ""
    expected_officers: int = 0
    language: str = "ms"


@dataclass(frozen=True)
class ProvisionedAgency:
    agency: Agency
    url: str
    admin_login: str
    temporary_password: str
    duration_ms: int


def agency_url(agency: Agency) -> str:
    scheme = "https" if settings.HTTPS else "http"
    port = getattr(settings, "SPOTME_PUBLIC_PORT", "")
    return f"{scheme}://{agency.host}{':' + str(port) if port else ''}/"


def generate_temporary_password(length: int = 14) -> str:
    """Readable, strong, and passes the password validators: letters, digits and a symbol."""
    alphabet = string.ascii_letters + string.digits
    while True:
        body = "".join(secrets.choice(alphabet) for _ in range(length - 2))
        if (
            any(c.isdigit() for c in body)
            and any(c.isupper() for c in body)
            and any(c.islower() for c in body)
        ):
            return body[:6] + "-" + body[6:] + secrets.choice("!@#%")


def _validate(request: AgencyRequest) -> AgencyRequest:
    from spotme.malaysia import State

    subdomain = normalise_subdomain(request.subdomain)
    validate_subdomain_format(subdomain)
    mykad = normalise_mykad(request.admin_mykad)
    validate_mykad(mykad)
    if request.state not in State.values:
        raise ValidationError(_("Unknown state code “%(value)s”."), params={"value": request.state})
    if not request.name.strip():
        raise ValidationError(_("The agency needs a name."))
    from django.core.validators import validate_email

    validate_email(request.admin_email)
    return AgencyRequest(
        **{**request.__dict__, "subdomain": subdomain, "admin_mykad": mykad, "name": request.name.strip()}
    )


def _set_up_agency_schema(agency: Agency, request: AgencyRequest, temporary_password: str) -> None:
    """Inside the new schema: the agency's own settings and its first org admin."""
    from spotme.accounts.models import User
    from tenant_apps.organisation.models import AgencyProfile, Role
    from tenant_apps.people.models import Officer

    with schema_context(agency.schema_name):
        AgencyProfile.objects.create(name=agency.name, state=agency.state, timezone=agency.timezone)
        admin = User(
            username=request.admin_mykad,
            full_name=request.admin_name,
            email=request.admin_email,
            phone=request.admin_phone,
            must_change_password=True,
            preferred_language=request.language,
        )
        admin.set_password(temporary_password)
        admin.save()
        admin.groups.add(*Role.groups(Role.OFFICER, Role.ORG_ADMIN))
        Officer.objects.create(user=admin, position=_("Organisation administrator"))


def _queue_welcome(agency: Agency, request: AgencyRequest, temporary_password: str) -> None:
    """The org admin's welcome (the agency is ready: address, login, temporary password) through the
    transactional outbox of the public schema, in the provisioning transaction: sent after the commit
    by a worker (provisioning.tasks.send_welcome), or by the relay when the broker was away. The row
    holds the password only encrypted (spotme.crypto), as the other secrets at rest."""
    from django_tenants.utils import get_public_schema_name

    from spotme.crypto import encrypt
    from spotme.outbox import services as outbox

    with schema_context(get_public_schema_name()):
        outbox.enqueue(
            "provisioning.send_welcome",
            agency.pk,
            request.admin_email,
            request.admin_name,
            request.admin_mykad,
            encrypt(temporary_password),
            request.language,
        )


def provision_agency(request: AgencyRequest, *, application=None, notify: bool = True) -> ProvisionedAgency:
    started = time.monotonic()
    request = _validate(request)
    schema_name = schema_name_for(request.subdomain)
    temporary_password = generate_temporary_password()
    with transaction.atomic():
        with connection.cursor() as cursor:
            # Two provisionings of the same subdomain wait for each other instead of racing.
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"spotme:provision:{schema_name}"])
        if Agency.objects.filter(subdomain=request.subdomain).exists() or schema_exists(schema_name):
            raise ValidationError(
                _("The subdomain “%(value)s” is already taken."),
                params={"value": request.subdomain},
                code="subdomain_taken",
            )
        agency = Agency.objects.create(
            schema_name=schema_name,
            name=request.name,
            subdomain=request.subdomain,
            state=request.state,
            ministry=request.ministry,
            expected_officers=request.expected_officers,
            application=application,
            status_changed_at=timezone.now(),
        )
        schemas.clone_template(schema_name)
        Domain.objects.create(domain=domain_for(request.subdomain), tenant=agency, is_primary=True)
        _set_up_agency_schema(agency, request, temporary_password)
        result = ProvisionedAgency(
            agency=agency,
            url=agency_url(agency),
            admin_login=request.admin_mykad,
            temporary_password=temporary_password,
            duration_ms=int((time.monotonic() - started) * 1000),
        )
        if notify:
            _queue_welcome(agency, request, temporary_password)
    log.info("provisioned agency %s in %d ms", schema_name, result.duration_ms)
    return result


class AgencyStateError(Exception):
    pass


_ALLOWED = {
    AgencyStatus.SUSPENDED: {AgencyStatus.ACTIVE},
    AgencyStatus.ACTIVE: {AgencyStatus.SUSPENDED},
    AgencyStatus.ARCHIVED: {AgencyStatus.ACTIVE, AgencyStatus.SUSPENDED},
    AgencyStatus.OFFBOARDED: set(),  # only provisioning.backup.offboard_agency, never a status change
}


def set_agency_status(agency_id: int, status: str, *, reason: str = "") -> Agency:
    """Suspend (access closed, data kept), reactivate, or archive (closed for good, data kept)."""
    with transaction.atomic():
        agency = Agency.objects.select_for_update().get(pk=agency_id)
        if agency.is_public:
            raise AgencyStateError(_("The platform itself cannot change status."))
        if agency.status not in _ALLOWED[status]:
            raise AgencyStateError(
                _("An agency that is “%(current)s” cannot become “%(new)s”.")
                % {"current": agency.get_status_display(), "new": AgencyStatus(status).label}
            )
        agency.status = status
        agency.status_reason = reason
        agency.status_changed_at = timezone.now()
        agency.save(update_fields=["status", "status_reason", "status_changed_at"])
    return agency


def find_agency(identifier: str) -> Agency:
    """An agency by subdomain or schema name (CLI convenience)."""
    agency = (
        Agency.objects.filter(subdomain=identifier).first()
        or Agency.objects.filter(schema_name=identifier).exclude(schema_name="public").first()
    )
    if agency is None:
        raise Agency.DoesNotExist(_("No agency “%(value)s”.") % {"value": identifier})
    return agency
