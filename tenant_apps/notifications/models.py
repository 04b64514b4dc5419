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
    TASK_LOG_REVIEWED = "task_log_reviewed", _("Your supervisor commented on your task log")
    TASK_LOG_RETURNED = "task_log_returned", _("A task-log entry was returned to you for correction")
    TASK_LOG_CORRECTED = "task_log_corrected", _("A supervisee corrected a returned task-log entry")


class Notification(models.Model):
    """One message to one person, rendered in their language when it is created."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    message = models.CharField(max_length=500)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return self.message


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
