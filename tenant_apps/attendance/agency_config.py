"""The agency's attendance configuration, read once and cached: the profile (time zone, geofence
mode), the policy versions, the active office sites with their units and the holiday overrides.

Every clock-in needs all of them and they change a few times a year. Each process keeps the
configuration it loaded, per agency, together with the agency's configuration *version*, a small
token in the shared cache (the tenant-aware key function prefixes the schema): a clock-in reads the
token (one small cache GET) and uses its copy while the token is unchanged, at most `TTL` seconds.
Any save or delete of those models, or of a working pattern (a policy's default) or a site's units,
drops the token at once and again after commit, so every process loads the new configuration on
its next clock-in; the age limit bounds any staleness a rolled-back configuration write could leave.
The cached objects are shared by the process's threads: read them, never change them.

Without the shared cache (Redis stopped: spotme/cache.py answers a miss) there is no token to trust:
the configuration is read from PostgreSQL again whenever this process's copy is older than
`DEGRADED_TTL` seconds, and the token is used again as soon as Redis answers (a copy loaded without
it never matches a token, so it is replaced on the first clock-in after Redis is back)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date
from uuid import uuid4

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from spotme import cache as shared_cache
from tenant_apps.organisation.models import AgencyProfile

from .models import HolidayOverride, OfficeSite, Policy, WorkingPattern

KEY = "attendance:agency-config:version"
TTL = 300
DEGRADED_TTL = 5  # seconds a copy is trusted while the shared cache is unavailable


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


# schema name -> (version token, monotonic time loaded, configuration): this process's copies
_loaded: dict[str, tuple[str, float, AgencyConfig]] = {}


def load() -> AgencyConfig:
    sites = list(OfficeSite.objects.filter(is_active=True).prefetch_related("org_units"))
    return AgencyConfig(
        profile=AgencyProfile.current(),
        policies=list(Policy.objects.select_related("default_pattern")),
        sites=[(s, frozenset(u.pk for u in s.org_units.all())) for s in sites],
        overrides={o.date: o for o in HolidayOverride.objects.all()},
    )


def current() -> AgencyConfig:
    version = cache.get(KEY)
    if version is None and shared_cache.available():
        version = uuid4().hex
        if not cache.add(KEY, version, None):  # another process named the version first
            version = cache.get(KEY) or version
    if not shared_cache.available():
        version, ttl = None, DEGRADED_TTL  # no shared token: PostgreSQL is the truth
    else:
        ttl = TTL
    now = time.monotonic()
    held = _loaded.get(connection.schema_name)
    if held is not None and held[0] == version and now - held[1] < ttl:
        return held[2]
    config = load()
    _loaded[connection.schema_name] = (version, now, config)
    return config


def forget(**_kwargs) -> None:
    cache.delete(KEY)
    transaction.on_commit(lambda: cache.delete(KEY))


for _model in (AgencyProfile, Policy, WorkingPattern, OfficeSite, HolidayOverride):
    post_save.connect(forget, sender=_model, dispatch_uid=f"agency-config-save-{_model.__name__}")
    post_delete.connect(forget, sender=_model, dispatch_uid=f"agency-config-delete-{_model.__name__}")
m2m_changed.connect(forget, sender=OfficeSite.org_units.through, dispatch_uid="agency-config-site-units")
