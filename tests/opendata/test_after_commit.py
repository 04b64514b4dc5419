"""Issue 15: webhook fan-out happens after the commit. Nothing is written for a webhook inside the
writing transaction (no delivery, no outbox row), a rolled-back write sends nothing, and an event
raised in a savepoint that rolls back is not sent even when the rest of the transaction commits
(the batch of the transaction keeps only what committed)."""

from __future__ import annotations

import json

import pytest
from django.db import transaction

from spotme.outbox.models import OutboxMessage
from tenant_apps.opendata.models import WebhookDelivery
from tenant_apps.people import actions

from .test_webhooks import hook  # noqa: F401 (fixture)


class Boom(Exception):
    pass


def sent_officers(receiver) -> list[list[int]]:
    return [[o["id"] for o in json.loads(r.body)["data"]["officers"]] for r in receiver.requests]


def test_nothing_is_fanned_out_inside_the_transaction(in_agency, hook, receiver, committed):  # noqa: F811
    with committed(), transaction.atomic():
        actions.update_officer(in_agency.officer_1, grade="F44")
        assert not WebhookDelivery.objects.exists()
        assert not OutboxMessage.objects.filter(task="opendata.deliver_webhook").exists()
    assert sent_officers(receiver) == [[in_agency.officer_1.pk]]


def test_a_rolled_back_write_sends_no_webhook(in_agency, hook, receiver, committed):  # noqa: F811
    with committed(), pytest.raises(Boom), transaction.atomic():
        actions.update_officer(in_agency.officer_1, grade="F44")
        raise Boom
    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()
    assert not OutboxMessage.objects.filter(task="opendata.deliver_webhook").exists()


def test_an_event_of_a_rolled_back_savepoint_is_not_sent(in_agency, hook, receiver, committed):  # noqa: F811
    """The transaction raised an event first; a later block of it fails and is rolled back to its
    savepoint: only the first event is sent."""
    with committed(), transaction.atomic():
        actions.update_officer(in_agency.officer_1, grade="F44")
        with pytest.raises(Boom), transaction.atomic():
            actions.update_officer(in_agency.officer_2, grade="F48")
            raise Boom
        actions.update_officer(in_agency.officer_3, position="Ketua Unit")
    assert sent_officers(receiver) == [[in_agency.officer_1.pk, in_agency.officer_3.pk]]  # one batch


def test_a_rolled_back_savepoint_after_the_last_event(in_agency, hook, receiver, committed):  # noqa: F811
    with committed(), transaction.atomic():
        with transaction.atomic():
            actions.update_officer(in_agency.officer_1, grade="F44")
        with pytest.raises(Boom), transaction.atomic():
            actions.update_officer(in_agency.officer_2, grade="F48")
            actions.update_officer(in_agency.officer_3, grade="F41")
            raise Boom
    assert sent_officers(receiver) == [[in_agency.officer_1.pk]]
