"""Which models django-auditlog records, in one place.

Every create, update and delete of these models writes a spotme.audit.LogEntry (before → after of the
changed fields) in the schema where it happened. A new model holding agency or platform data belongs
in one of these lists."""

from __future__ import annotations

from auditlog.registry import auditlog
from django.apps import apps

# The login account, in every schema. Never the password hash; last_login changes at every login
# (the login itself is an authentication event). `groups` is how roles are held: role changes show
# as groups added / removed.
USER = ("accounts.User", {"exclude_fields": ["password", "last_login"], "m2m_fields": ["groups"]})

# An agency's own data (its schema).
AGENCY_MODELS = (
    ("people.Officer", {"exclude_fields": ["updated_at"]}),
    ("organisation.OrgUnit", {}),
    ("organisation.AgencyProfile", {}),
    # Pengurusan Waktu Kerja: the agency's attendance configuration and per-officer arrangements.
    ("attendance.OfficeSite", {"m2m_fields": ["org_units"]}),
    ("attendance.WorkingPattern", {}),
    ("attendance.Policy", {"exclude_fields": ["created_at"]}),
    ("attendance.HolidayOverride", {"exclude_fields": ["created_at"]}),
    ("attendance.Leave", {"exclude_fields": ["created_at"]}),
    ("attendance.Arrangement", {"exclude_fields": ["created_at"]}),
    ("attendance.OfficerPattern", {}),
    ("attendance.PatternRequest", {"exclude_fields": ["created_at"]}),
    # Tugasan: the daily task log and its reviews; the task board (assignees as m2m changes).
    ("tasks.TaskLogEntry", {"exclude_fields": ["created_at", "updated_at"]}),
    ("tasks.TaskLogReview", {}),
    ("tasks.Task", {"exclude_fields": ["created_at", "updated_at"], "m2m_fields": ["assignees"]}),
    ("tasks.TaskComment", {"exclude_fields": ["created_at"]}),
    ("tasks.TaskAttachment", {"exclude_fields": ["created_at"]}),
    # Pergerakan: movements (a change after the movement started carries its reason) and the
    # calendar feeds (made and revoked; never the token).
    ("movements.Movement", {"exclude_fields": ["created_at", "updated_at"]}),
    ("movements.CalendarFeed", {"exclude_fields": ["token_hash"]}),
    # Integrasi Peranti: the device API settings (never the token, nor the pull bookkeeping) and the
    # device user IDs mapped to officers.
    (
        "devices.DeviceIntegration",
        {
            "exclude_fields": [
                "secret_encrypted", "watermark", "complete_through", "next_pull_at", "last_pull_at",
                "last_pull_ok", "last_error", "updated_at",
            ]
        },
    ),
    ("devices.DeviceEnrolment", {"exclude_fields": ["created_at"]}),
    # Data Terbuka: API tokens (made, revoked; never the hash) and webhooks (never the secret).
    ("opendata.ApiToken", {"exclude_fields": ["token_hash"]}),
    ("opendata.WebhookEndpoint", {"exclude_fields": ["secret_encrypted", "created_at", "updated_at"]}),
)

# The platform's data (the public schema): applications, agencies, their domains.
PLATFORM_MODELS = (
    ("onboarding.AgencyApplication", {}),
    ("tenants.Agency", {}),
    ("tenants.Domain", {}),
)


def register_tracked_models() -> None:
    for label, options in (USER, *AGENCY_MODELS, *PLATFORM_MODELS):
        model = apps.get_model(label)
        # The id is the entry's object id already.
        excluded = {*options.get("exclude_fields", ()), model._meta.pk.name}
        # The model's own columns only. Left to itself, auditlog also reads reverse one-to-one
        # relations when an object is created (User.officer), which queries a table of another
        # schema's apps: in the public schema, people_officer does not exist.
        own = [f.name for f in model._meta.concrete_fields if f.name not in excluded]
        auditlog.register(model, include_fields=own, m2m_fields=options.get("m2m_fields", ()))


def tracked_models(*, public: bool) -> list:
    """The tracked models whose rows live in the public schema (public=True) or in an agency's."""
    return [apps.get_model(label) for label, _ in (USER, *(PLATFORM_MODELS if public else AGENCY_MODELS))]
