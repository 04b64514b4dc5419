"""Transactional outbox: follow-up work (Celery tasks) written in the same transaction as the data
that needs it, published to the broker after commit. See services.py."""
