"""Officers of an agency (in the agency's schema).

The login account is the shared User model (username = MyKad number, name, email, phone, active
flag); everything about the person's place in the agency lives here."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Officer(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="officer")
    grade = models.CharField(_("grade"), max_length=20, blank=True, help_text=_("Grade, e.g. F41"))
    position = models.CharField(
        _("position"), max_length=200, blank=True, help_text=_("e.g. Pegawai Teknologi Maklumat")
    )
    org_unit = models.ForeignKey(
        "organisation.OrgUnit",
        verbose_name=_("organisation unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officers",
    )
    supervisor = models.ForeignKey(
        "self",
        verbose_name=_("supervisor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="supervisees",
    )
    join_date = models.DateField(_("date joined"), null=True, blank=True)
    leave_date = models.DateField(_("date left"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("officer")
        verbose_name_plural = _("officers")
        ordering = ["user__full_name"]

    def __str__(self) -> str:
        return f"{self.user.get_full_name()} ({self.user.username})"

    @property
    def mykad(self) -> str:
        return self.user.username

    @property
    def name(self) -> str:
        return self.user.get_full_name()

    @property
    def is_active(self) -> bool:
        return self.user.is_active


class ImportBatch(models.Model):
    """One bulk import of officers (dry run or real), kept for the audit trail.

    The file itself is never stored (it holds personal data): its name, size and SHA-256 identify it.
    Errors are kept as (row, column, code) only, without the cells' values, for the same reason."""

    class Status(models.TextChoices):
        CHECKED = "checked", _("Checked: no errors (dry run, nothing written)")
        REJECTED = "rejected", _("Rejected: errors found, nothing written")
        IMPORTED = "imported", _("Imported")

    file_name = models.CharField(_("file name"), max_length=255)
    file_size = models.PositiveIntegerField(_("file size (bytes)"), default=0)
    file_sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    file_format = models.CharField(_("format"), max_length=8, blank=True)
    dry_run = models.BooleanField(_("dry run"))
    status = models.CharField(_("result"), max_length=12, choices=Status.choices)
    rows = models.PositiveIntegerField(_("rows read"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    file_error = models.CharField(_("file error"), max_length=40, blank=True)
    errors = models.JSONField(_("first errors"), default=list, blank=True)
    created_count = models.PositiveIntegerField(_("officers created"), default=0)
    activation_emails = models.PositiveIntegerField(_("activation emails queued"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by_username = models.CharField(_("by"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        verbose_name = _("officer import")
        verbose_name_plural = _("officer imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()}, {self.created_at:%Y-%m-%d %H:%M})"
