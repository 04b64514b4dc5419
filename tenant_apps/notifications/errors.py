"""Kept apart from push.py so that tasks.py can name it when Celery imports the tasks, before the
models are loaded (every tasks module here imports models inside its functions)."""


class TransientPushError(Exception):
    """The push service could not take it now (network, 429, 5xx): the task tries again later."""
