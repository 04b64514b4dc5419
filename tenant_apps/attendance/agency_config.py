"""The agency's attendance configuration, read once and cached: the profile (time zone, geofence
mode), the policy versions, the active office sites with their units and the holiday overrides.

Every clock-in needs all of them and they change a few times a year, so the clock-in path reads
them from the cache (one Redis GET) instead of four queries. The cache key is per agency (the
tenant-aware key function prefixes the schema). Any save or delete of those models, or of a working
pattern (a policy's default) or a site's units, drops the entry at once and again after commit; the
entry also expires after `TTL` seconds, which bounds any staleness a rolled-back configuration write
could leave behind."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from tenant_apps.organisation.models import AgencyProfile

from .models import HolidayOverride, OfficeSite, Policy, WorkingPattern

KEY = "attendance:agency-config:v1"
TTL = 300


@dataclass
class AgencyConfig:
    profile: AgencyProfile | None
    policies: list[Policy]  # newest first
    sites: list[tuple[OfficeSite, frozenset[int]]]  # active sites with their unit ids (empty: everyone's)
    overrides: dict[date, HolidayOverride] = field(default_factory=dict)

    def policy_for(self, day: date) -> Policy | None:
        return next((p for p in self.policies if p.effective_from <= day), None)

    def sites_for_units(self, unit_ids) -> list[OfficeSite]:
        """Sites of any of `unit_ids` (an officer's unit and its parents) and sites of no unit."""
        units = set(unit_ids)
        return [site for site, site_units in self.sites if not site_units or site_units & units]


def load() -> AgencyConfig:
    sites = list(OfficeSite.objects.filter(is_active=True).prefetch_related("org_units"))
    return AgencyConfig(
        profile=AgencyProfile.current(),
        policies=list(Policy.objects.select_related("default_pattern")),
        sites=[(s, frozenset(u.pk for u in s.org_units.all())) for s in sites],
        overrides={o.date: o for o in HolidayOverride.objects.all()},
    )


def current() -> AgencyConfig:
    config = cache.get(KEY)
    if config is None:
        config = load()
        cache.set(KEY, config, TTL)
    return config


def forget(**_kwargs) -> None:
    cache.delete(KEY)
    transaction.on_commit(lambda: cache.delete(KEY))


for _model in (AgencyProfile, Policy, WorkingPattern, OfficeSite, HolidayOverride):
    post_save.connect(forget, sender=_model, dispatch_uid=f"agency-config-save-{_model.__name__}")
    post_delete.connect(forget, sender=_model, dispatch_uid=f"agency-config-delete-{_model.__name__}")
m2m_changed.connect(forget, sender=OfficeSite.org_units.through, dispatch_uid="agency-config-site-units")
