"""Issue 17, item 5: the audit trail is append-only for the application's database role (a trigger:
in development the application connects as the tables' owner, whom a REVOKE would not bind)."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, transaction
from django_tenants.utils import schema_context

from spotme.accounts.models import User
from spotme.audit.events import record_auth_event
from spotme.audit.models import AuthEvent, AuthEventKind, LogEntry

from .conftest import make_officer

OFFICER = "900101105123"


def refused(sql: str, params=()) -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    except DatabaseError as exc:
        assert "append-only" in str(exc)
        return True
    return False


@pytest.mark.parametrize("schema", ["agency", "public"])
def test_update_and_delete_of_audit_rows_are_refused(agency_a, schema):
    officer = make_officer(agency_a, OFFICER)  # writes both kinds of rows (auditlog + AuthEvent)
    with schema_context(agency_a.schema_name if schema == "agency" else "public"):
        user = officer.user if schema == "agency" else User.objects.create(username="op9", is_staff=True)
        event = record_auth_event(AuthEventKind.LOGIN_FAILED, user=user)
        entry = LogEntry.objects.create(
            content_type=ContentType.objects.get_for_model(User), object_pk=str(user.pk),
            object_repr=user.username, action=LogEntry.Action.UPDATE, changes={"x": [1, 2]}, actor=None,
        )

        assert refused("UPDATE audit_authevent SET username = 'someone-else' WHERE id = %s", [event.pk])
        assert refused("UPDATE audit_authevent SET ip_address = '1.2.3.4' WHERE id = %s", [event.pk])
        assert refused("DELETE FROM audit_authevent WHERE id = %s", [event.pk])
        assert refused("UPDATE audit_logentry SET changes = '{}' WHERE id = %s", [entry.pk])
        assert refused("UPDATE audit_logentry SET actor_id = %s WHERE id = %s", [user.pk, entry.pk])
        assert refused("DELETE FROM audit_logentry WHERE id = %s", [entry.pk])
        with pytest.raises(DatabaseError), transaction.atomic():
            AuthEvent.objects.filter(pk=event.pk).delete()
        assert AuthEvent.objects.get(pk=event.pk).username == user.username


def test_removing_an_account_keeps_its_trail(agency_a):
    with schema_context(agency_a.schema_name):
        user = User.objects.create(username=OFFICER)
        event = record_auth_event(AuthEventKind.LOGIN, user=user, actor=user)
        entry = LogEntry.objects.create(
            content_type=ContentType.objects.get_for_model(User), object_pk=str(user.pk),
            object_repr=user.username, action=LogEntry.Action.UPDATE, changes={}, actor=user,
        )
        user.delete()  # ON DELETE SET NULL: the one update the trigger lets through
        event = AuthEvent.objects.get(pk=event.pk)
        assert event.user_id is None and event.actor_id is None and event.username == OFFICER
        assert LogEntry.objects.get(pk=entry.pk).actor_id is None
