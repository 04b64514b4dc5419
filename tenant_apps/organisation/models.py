from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _

from spotme.malaysia import DEFAULT_TIMEZONE, State


class AgencyProfile(models.Model):
    """The agency's settings inside its own schema (one row). Mirrors the public Agency's name and
    state: tenant data never reaches into the public schema by foreign key."""

    name = models.CharField(_("agency name"), max_length=200)
    state = models.CharField(_("state"), max_length=2, choices=State.choices)
    timezone = models.CharField(_("time zone"), max_length=64, default=DEFAULT_TIMEZONE)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("agency profile")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current(cls) -> AgencyProfile | None:
        return cls.objects.order_by("pk").first()


class Role(models.TextChoices):
    """The four roles of SPOT-Me. Each is an auth Group in the agency's schema (created by a data
    migration, so every agency cloned from the template has them); a person may hold several."""

    OFFICER = "pegawai", _("Officer")
    SUPERVISOR = "penyelia", _("Supervisor")
    EXECUTIVE = "eksekutif", _("Executive")
    ORG_ADMIN = "pentadbir", _("Organisation administrator")

    @classmethod
    def groups(cls, *roles: Role) -> list[Group]:
        return list(Group.objects.filter(name__in=[str(r.value) for r in roles]))

    @classmethod
    def of(cls, user) -> set[str]:
        if not getattr(user, "is_authenticated", False):
            return set()
        cached = getattr(user, "_spotme_roles", None)
        if cached is None:
            cached = set(user.groups.values_list("name", flat=True))
            user._spotme_roles = cached
        return cached
