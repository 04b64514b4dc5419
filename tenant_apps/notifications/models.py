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
    REPORT_READY = "report_ready", _("A report you asked for is ready")


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
    """What a person wants for one kind of notification (absent row: in-app, email and push all on)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    in_app = models.BooleanField(_("in SPOT-Me"), default=True)
    email = models.BooleanField(_("by email"), default=True)
    # db_default too: during a deploy the old code inserts rows without this column.
    push = models.BooleanField(_("on my devices (push)"), default=True, db_default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}"


class PushSubscription(models.Model):
    """One browser (phone) that receives this person's notifications by Web Push: the endpoint its
    push service gave it and the keys the payload is encrypted for (PushSubscription.toJSON()).

    An endpoint belongs to one browser profile, so it is unique: when someone else turns push on in
    the same browser (a shared phone), the subscription moves to them and stops telling the first."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    endpoint = models.URLField(max_length=1024, unique=True)
    p256dh = models.CharField(max_length=100)  # base64url of the browser's P-256 public key (65 bytes)
    auth = models.CharField(max_length=32)  # base64url of the 16-byte authentication secret
    user_agent = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    failures = models.PositiveIntegerField(default=0)  # failed deliveries since the last success
    last_failure_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"{self.user_id} {self.endpoint[:60]}"
