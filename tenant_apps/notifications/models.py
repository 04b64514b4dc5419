from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    CLOCK_OUTSIDE = "clock_outside", _("A supervisee clocked in or out outside the office area")
    MOVEMENT_NEW = "movement_new", _("A supervisee registered a movement")
    ISSUE_ANSWERED = "issue_answered", _("A supervisee answered an attendance issue")
    ISSUE_DECIDED = "issue_decided", _("Your attendance issue was decided")
    TASK_ASSIGNED = "task_assigned", _("A task was assigned to you")
    TASK_COMMENTED = "task_commented", _("A comment on your task")
    PATTERN_DECIDED = "pattern_decided", _("Your working-pattern request was decided")
    PATTERN_REQUESTED = "pattern_requested", _("A supervisee requested a working pattern")


class Notification(models.Model):
    """One message to one person. `template` (the English source of a translatable message) and
    `params` are kept so that `text` is rendered when it is read, in the reader's language at that
    moment: a person who switches language sees every notification in the new one. `message` is the
    text in the recipient's language when it was written: for rows from before `template` existed,
    and for the API's readers that stored it."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    message = models.CharField(max_length=500)
    template = models.CharField(max_length=500, blank=True)
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        """The message in the active language (the reader's)."""
        if not self.template:
            return self.message
        from .rendering import render

        return render(self.template, self.params)[:500]


class Preference(models.Model):
    """What a person wants for one kind of notification (absent row: in-app and email both on)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    in_app = models.BooleanField(_("in SPOT-Me"), default=True)
    email = models.BooleanField(_("by email"), default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}"
