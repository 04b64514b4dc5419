"""An agency's application to use SPOT-Me, and what happened to it."""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from spotme.accounts.mykad import validate_mykad
from spotme.leases import LeaseFields
from spotme.malaysia import State


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    QUEUED = "queued", _("Approved, waiting for provisioning")
    PROVISIONING = "provisioning", _("Provisioning")
    PROVISIONED = "provisioned", _("Provisioned")
    FAILED = "failed", _("Provisioning failed")
    REJECTED = "rejected", _("Rejected")


class AgencyApplication(LeaseFields):
    agency_name = models.CharField(_("agency name"), max_length=200)
    ministry = models.CharField(_("ministry / parent body"), max_length=200)
    state = models.CharField(_("state"), max_length=2, choices=State.choices)
    expected_officers = models.PositiveIntegerField(_("expected number of officers"))
    subdomain = models.CharField(_("requested subdomain"), max_length=40, db_index=True)
    admin_name = models.CharField(_("organisation administrator's name"), max_length=200)
    admin_mykad = models.CharField(
        _("administrator's MyKad number"), max_length=12, validators=[validate_mykad]
    )
    admin_email = models.EmailField(_("administrator's official email"))
    admin_phone = models.CharField(_("administrator's phone number"), max_length=20)
    language = models.CharField(max_length=5, default="ms")

    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.SUBMITTED,
        db_index=True,
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    provisioning_attempts = models.PositiveSmallIntegerField(default=0)
    provisioning_started_at = models.DateTimeField(null=True, blank=True)
    provisioned_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("agency application")
        verbose_name_plural = _("agency applications")

    def __str__(self) -> str:
        return f"{self.reference} {self.agency_name}"

    @property
    def reference(self) -> str:
        return f"SPM-{self.submitted_at:%Y}-{self.pk:05d}" if self.pk and self.submitted_at else ""

    @property
    def can_be_reviewed(self) -> bool:
        return self.status == ApplicationStatus.SUBMITTED

    @property
    def can_retry(self) -> bool:
        """Failed, or stuck: provisioning whose worker stopped renewing its lease (killed)."""
        if self.status == ApplicationStatus.FAILED:
            return True
        return self.status == ApplicationStatus.PROVISIONING and not self.lease_is_live


class ProvisioningEvent(models.Model):
    """The provisioning history the operator console shows, one line per step or failure."""

    class Kind(models.TextChoices):
        QUEUED = "queued", _("Queued")
        STARTED = "started", _("Started")
        SUCCEEDED = "succeeded", _("Succeeded")
        FAILED = "failed", _("Failed")
        REJECTED = "rejected", _("Rejected")

    application = models.ForeignKey(AgencyApplication, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    message = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    duration_ms = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M:%S}"

    @property
    def display_message(self) -> str:
        """The message in the reader's language. The steps write a fixed English form (kept as it is
        in the table and the API, for logs and searches); an error or a reason is shown as written."""
        return event_message(self.message)


_ATTEMPT = re.compile(r"^attempt (?P<n>\d+)(?: \(taken over from (?P<owner>.+), whose lease expired\))?$")


def event_message(message: str) -> str:
    fixed = {
        "approved": _("approved"),
        "retry": _("retry"),
        "retry after the worker's lease expired": _("retry after the worker's lease expired"),
    }
    if message in fixed:
        return str(fixed[message])
    if match := _ATTEMPT.match(message):
        if match["owner"]:
            return _("attempt %(n)s (taken over from %(owner)s, whose lease expired)") % match.groupdict()
        return _("attempt %(n)s") % {"n": match["n"]}
    return message


class SentOnboardingEmail(models.Model):
    """One onboarding e-mail that left (received, approved, rejected, the agency's welcome): the
    tasks sending them (tasks.py) are published by the outbox at least once — again after a crash
    or a relay that overlapped — and skip an e-mail recorded here, so each is sent once."""

    key = models.CharField(max_length=80, unique=True)  # "<kind>:<application or agency id>"
    sent_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.key
