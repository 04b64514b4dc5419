"""Web Push fixtures: the platform's VAPID keys (generated per test) and real receivers on loopback."""

from __future__ import annotations

import pytest

from spotme.vapid import from_environment, generate

from .push_receiver import PushReceiver


@pytest.fixture
def vapid(settings):
    """Push switched on: a fresh key pair, as SPOTME_VAPID_PRIVATE_KEY would give."""
    private, public = generate()
    settings.SPOTME_VAPID = from_environment(private, public, "mailto:jdn@example.gov.my", default_subject="")
    return settings.SPOTME_VAPID


@pytest.fixture
def push_receiver(vapid):
    """push_receiver() -> a new receiver (one subscribed browser) for the platform's public key."""
    receivers = []

    def make() -> PushReceiver:
        receiver = PushReceiver(vapid.public_key)
        receivers.append(receiver)
        return receiver

    yield make
    for receiver in receivers:
        receiver.close()
