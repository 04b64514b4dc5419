"""The security policy of the schema being served: an agency's own settings (AgencyProfile), or the
platform defaults on the apex, where the JDN operators log in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import connection
from django_tenants.utils import get_public_schema_name


@dataclass(frozen=True)
class SecurityPolicy:
    failed_login_limit: int = 3  # MyMesyuarat's rule
    lockout_minutes: int = 30  # 0: locked until an administrator unlocks
    idle_timeout_minutes: int = 30  # 0: no idle timeout
    require_totp_for_admins: bool = False

    @property
    def lockout_period(self) -> timedelta | None:
        return timedelta(minutes=self.lockout_minutes) if self.lockout_minutes else None


PLATFORM_POLICY = SecurityPolicy()
_REQUEST_ATTRIBUTE = "_spotme_security_policy"


def security_policy(request=None) -> SecurityPolicy:
    """The policy of the connection's schema (one query, remembered on the request)."""
    cached = getattr(request, _REQUEST_ATTRIBUTE, None)
    if cached is not None and cached[0] == connection.schema_name:
        return cached[1]
    policy = _load()
    if request is not None:
        setattr(request, _REQUEST_ATTRIBUTE, (connection.schema_name, policy))
    return policy


def _load() -> SecurityPolicy:
    if connection.schema_name == get_public_schema_name():
        return PLATFORM_POLICY
    from tenant_apps.organisation.models import AgencyProfile

    profile = AgencyProfile.current()
    if profile is None:
        return PLATFORM_POLICY
    return SecurityPolicy(
        failed_login_limit=max(1, profile.failed_login_limit),
        lockout_minutes=profile.lockout_minutes,
        idle_timeout_minutes=profile.idle_timeout_minutes,
        require_totp_for_admins=profile.require_totp_for_admins,
    )
