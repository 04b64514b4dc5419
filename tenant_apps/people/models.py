"""Officers of an agency (in the agency's schema).

The login account is the shared User model (username = MyKad number, name, email, phone, active
flag); everything about the person's place in the agency lives here."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Officer(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="officer")
    grade = models.CharField(_("grade"), max_length=20, blank=True, help_text=_("Gred, e.g. F41"))
    position = models.CharField(_("position"), max_length=200, blank=True, help_text=_("Jawatan"))
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
