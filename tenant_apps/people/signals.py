"""People events other apps may follow (e.g. opendata's webhooks). Sent inside the writing
transaction: a receiver that acts outside the database uses transaction.on_commit."""

from django.dispatch import Signal

# Officers were created or changed: `officer_ids` (or `user_ids` for a bulk import), `change`
# ("created", "updated", "activated", "deactivated") and the changed `fields` (names, no values).
officers_changed = Signal()
