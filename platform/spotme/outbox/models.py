from django.db import models
from django.db.models import Q
from django.utils import timezone


class OutboxMessage(models.Model):
    """A Celery task to publish: written in the transaction whose commit calls for it, published
    by the relay (services.py) after that commit, kept with `published_at` as a record."""

    task = models.CharField(max_length=200)  # the registered Celery task name
    args = models.JSONField(default=list)
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)  # failed publications
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["id"], condition=Q(published_at__isnull=True), name="outbox_pending"),
        ]

    def __str__(self) -> str:
        return f"{self.task}{tuple(self.args)} {'published' if self.published_at else 'pending'}"
