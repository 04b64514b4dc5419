"""Fixtures of the task log and the task board, made through the real services."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django_tenants.utils import schema_context

from tenant_apps.people.access import Access


def access_of(officer) -> Access:
    """The access layer as the officer's own request would see it."""
    user = officer.user if officer is not None else AnonymousUser()
    if hasattr(user, "_spotme_roles"):
        del user._spotme_roles
    return Access(user)


@pytest.fixture
def in_agency(cast):
    with schema_context(cast.agency.schema_name):
        yield cast


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Attachments written by these tests stay out of the development media folder."""
    settings.MEDIA_ROOT = tmp_path
