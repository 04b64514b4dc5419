"""Agencies and their domains (public schema).

An Agency row is created only by the provisioning service, together with its schema and domain,
in one transaction. The public schema itself is represented by one Agency row (schema 'public')
whose domain is the apex: django-tenants routes the apex to the public URLconf through it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin

from spotme.malaysia import DEFAULT_TIMEZONE, State


class AgencyStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    ARCHIVED = "archived", _("Archived")
    # Exported, then its schema dropped and its domain removed (manage.py offboard_agency). The row
    # stays: it keeps the subdomain from being handed to someone else, and records what happened.
    OFFBOARDED = "offboarded", _("Offboarded")


class Agency(TenantMixin):
    name = models.CharField(_("agency name"), max_length=200)
    subdomain = models.CharField(_("subdomain"), max_length=63, blank=True)
    ministry = models.CharField(_("ministry / parent body"), max_length=200, blank=True)
    state = models.CharField(_("state"), max_length=2, choices=State.choices, blank=True)
    timezone = models.CharField(_("time zone"), max_length=64, default=DEFAULT_TIMEZONE)
    status = models.CharField(
        _("status"), max_length=16, choices=AgencyStatus.choices, default=AgencyStatus.ACTIVE, db_index=True
    )
    status_reason = models.TextField(_("reason for status"), blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    expected_officers = models.PositiveIntegerField(default=0)
    application = models.OneToOneField(
        "onboarding.AgencyApplication", null=True, blank=True, on_delete=models.PROTECT, related_name="agency"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # The provisioning service clones the template schema itself, inside its own transaction.
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")
        constraints = [
            models.UniqueConstraint(
                fields=["subdomain"], condition=~Q(subdomain=""), name="agency_subdomain_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_public(self) -> bool:
        return self.schema_name == settings.PUBLIC_SCHEMA_NAME

    @property
    def is_active(self) -> bool:
        return self.status == AgencyStatus.ACTIVE

    @property
    def host(self) -> str:
        return f"{self.subdomain}.{settings.APEX_DOMAIN}" if self.subdomain else settings.APEX_DOMAIN


class Domain(DomainMixin):
    class Meta:
        verbose_name = _("domain")
        verbose_name_plural = _("domains")


def current_agency() -> Agency:
    """The agency whose schema the connection is on (a request's tenant, or a schema_context)."""
    from django.db import connection

    tenant = getattr(connection, "tenant", None)
    if isinstance(tenant, Agency):
        return tenant
    return Agency.objects.get(schema_name=connection.schema_name)


def active_agencies():
    """The agencies the periodic jobs visit: active, not the public schema."""
    return Agency.objects.filter(status=AgencyStatus.ACTIVE).exclude(schema_name="public")


def delay_in_each_active_agency(task, *args) -> int:
    """Fan a periodic job out: `task.delay(*args)` once inside each active agency's schema (the
    tenant-aware Celery app runs it there). Returns how many were queued."""
    from django_tenants.utils import schema_context

    n = 0
    for agency in active_agencies():
        with schema_context(agency.schema_name):
            task.delay(*args)
        n += 1
    return n
