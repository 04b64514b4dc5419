from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _

from spotme.malaysia import DEFAULT_TIMEZONE, State


class GeofenceMode(models.TextChoices):
    FLAG = "flag", _("Allow anywhere, flag clock-ins outside the office area")
    BLOCK = "block", _("Block clock-ins outside the office area")
    OFF = "off", _("Do not check location")


class NoLocationMode(models.TextChoices):
    """What a clock-in without a location (permission refused, no fix) counts as where location is
    checked (values of attendance.rules.NoLocation)."""

    OUTSIDE = "outside", _("Treat as outside the office area: raise an issue and tell the supervisor")
    ALLOW = "allow", _("Allow, and show the punch as without a location")


def retention_cutoff(now, days: int):
    """The moment before which rows go, or None when kept for ever (days = 0)."""
    from datetime import timedelta

    return now - timedelta(days=days) if days else None


class AgencyProfile(models.Model):
    """The agency's settings inside its own schema (one row). Mirrors the public Agency's name and
    state: tenant data never reaches into the public schema by foreign key."""

    name = models.CharField(_("agency name"), max_length=200)
    state = models.CharField(
        _("state"),
        max_length=2,
        choices=State.choices,
        help_text=_("Sets the weekend and the public holidays."),
    )
    timezone = models.CharField(_("time zone"), max_length=64, default=DEFAULT_TIMEZONE)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True)
    # The default working pattern is set in one place: the attendance policy's version in force
    # (attendance.Policy.default_pattern, a choice among the agency's active patterns). The free-text
    # "default working-hour policy" that stood here was never applied and accepted anything ("XYZ");
    # its column stays, nullable, for one release (expand/contract): migration 0008.
    geofence_mode = models.CharField(
        _("location check"), max_length=8, choices=GeofenceMode.choices, default=GeofenceMode.FLAG
    )
    no_location_mode = models.CharField(
        _("clock-in without a location"),
        max_length=8,
        choices=NoLocationMode.choices,
        default=NoLocationMode.OUTSIDE,
        help_text=_("When the officer's phone gives no location (permission refused, no signal)."),
    )
    supervisor_sees_chain = models.BooleanField(
        _("supervisors see their whole chain"),
        default=False,
        help_text=_("Off: a supervisor sees only direct supervisees. On: everyone below them."),
    )
    failed_login_limit = models.PositiveSmallIntegerField(
        _("failed logins before the account locks"), default=3
    )
    lockout_minutes = models.PositiveIntegerField(
        _("minutes a locked account stays locked"),
        default=30,
        help_text=_("0: until an administrator unlocks it."),
    )
    idle_timeout_minutes = models.PositiveIntegerField(_("log out after minutes of inactivity"), default=30)
    require_totp_for_admins = models.BooleanField(
        _("organisation administrators must use two-factor authentication"), default=False
    )
    task_log_edit_days = models.PositiveSmallIntegerField(
        _("days a daily task log stays editable"),
        default=3,
        help_text=_("0: only today's log. 3: today and the three days before."),
    )
    offline_punch_window_hours = models.PositiveSmallIntegerField(
        _("hours an offline clock-in may wait on the phone"),
        default=72,
        help_text=_(
            "A clock-in or clock-out kept on a phone without a connection is accepted this long after it "
            "was made."
        ),
    )
    # Retention (nightly jobs in opendata and notifications): rows older than this many days are
    # deleted; 0 keeps them for ever.
    token_use_retention_days = models.PositiveIntegerField(
        _("days to keep the API token usage log"), default=90, help_text=_("0: keep for ever.")
    )
    webhook_delivery_retention_days = models.PositiveIntegerField(
        _("days to keep finished webhook deliveries"), default=30, help_text=_("0: keep for ever.")
    )
    notification_retention_days = models.PositiveIntegerField(
        _("days to keep notifications"), default=180, help_text=_("0: keep for ever.")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("agency profile")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current(cls) -> AgencyProfile | None:
        return cls.objects.order_by("pk").first()


class OrgUnit(models.Model):
    """A node of the agency's organisation tree (Bahagian → Seksyen → Unit …, any depth).

    `path` is the materialised chain of ids ("/1/5/9/"), so a subtree is one indexed prefix query."""

    name = models.CharField(_("name"), max_length=200)
    code = models.CharField(_("code"), max_length=30, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    head = models.ForeignKey(
        "people.Officer",
        verbose_name=_("head"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_units",
    )
    path = models.CharField(max_length=1000, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="orgunit_unique_name_in_parent", nulls_distinct=False
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def descendants(self, include_self: bool = True):
        qs = OrgUnit.objects.filter(path__startswith=self.path)
        return qs if include_self else qs.exclude(pk=self.pk)


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
